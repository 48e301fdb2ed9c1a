using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Myna.Domain.EventSourcing;

namespace Myna.Domain.Tests.EventSourcing;

/// <summary>Every event type has one stable name, documented in the README, and is folded by its state.</summary>
public sealed class EventCatalogueTests
{
    private static readonly Assembly Domain = typeof(IDomainEvent).Assembly;

    private static IEnumerable<Type> ConcreteEventTypes() => Domain.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDomainEvent).IsAssignableFrom(t));

    [Fact]
    public void Every_event_type_has_one_unique_versioned_name()
    {
        var types = ConcreteEventTypes().ToList();
        var unnamed = types.Where(t => t.GetCustomAttribute<EventNameAttribute>() is null).Select(t => t.Name).ToList();
        Assert.Empty(unnamed);

        var names = types.Select(EventNames.Of).ToList();
        Assert.All(names, n => Assert.Matches("^[a-z][a-z_]*_v[0-9]+$", n));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(types.Count, EventNames.All.Count);
    }

    [Fact]
    public void Every_event_name_is_in_the_readme_event_table()
    {
        var table = ReadmeEventTable();
        var missing = EventNames.All.Values.Where(n => !table.Contains(n)).Order().ToList();
        Assert.True(missing.Count == 0, "not in the README's event table: " + string.Join(", ", missing));
        var unknown = table.Where(n => !EventNames.All.Values.Contains(n)).Order().ToList();
        Assert.Empty(unknown); // the table names no event that does not exist
    }

    [Fact]
    public void Every_event_type_is_folded_by_its_states_apply()
    {
        var states = Domain.GetTypes()
            .Select(t => (State: t, Contract: t.GetInterfaces().FirstOrDefault(i =>
                i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAggregateState<,>))))
            .Where(s => s.Contract is not null && !s.State.IsAbstract)
            .ToList();
        Assert.NotEmpty(states);

        var unhandled = new List<string>();
        var covered = new HashSet<Type>();
        foreach (var (state, contract) in states)
        {
            var eventInterface = contract!.GetGenericArguments()[1];
            var apply = state.GetMethod("Apply", BindingFlags.Public | BindingFlags.Instance, [eventInterface])!;
            var matched = TypesTestedIn(apply);
            foreach (var eventType in ConcreteEventTypes().Where(eventInterface.IsAssignableFrom))
            {
                covered.Add(eventType);
                if (!matched.Contains(eventType))
                {
                    unhandled.Add($"{state.Name} does not fold {eventType.Name}");
                }
            }
        }
        Assert.True(unhandled.Count == 0, string.Join(Environment.NewLine, unhandled));
        // And no event type belongs to no stream at all.
        Assert.Empty(ConcreteEventTypes().Where(t => !covered.Contains(t)).Select(t => t.Name));
    }

    /// <summary>The types an Apply's switch tests for: the operands of its isinst instructions.</summary>
    private static HashSet<Type> TypesTestedIn(MethodInfo method)
    {
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        var found = new HashSet<Type>();
        var isinst = OpCodes.Isinst.Value;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] != isinst)
            {
                continue;
            }
            try
            {
                var type = method.Module.ResolveType(BitConverter.ToInt32(il, i + 1));
                if (typeof(IDomainEvent).IsAssignableFrom(type))
                {
                    found.Add(type);
                    i += 4;
                }
            }
            catch (ArgumentException)
            {
                // Not a type token: a byte of another instruction's operand.
            }
        }
        return found;
    }

    /// <summary>The event names in the tables of the README's "Event catalogue" section (its first column).</summary>
    private static HashSet<string> ReadmeEventTable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Myna.Orleans.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var lines = File.ReadAllLines(Path.Combine(dir.FullName, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## Event catalogue", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has no '## Event catalogue' section");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var match = Regex.Match(line, @"^\| `([a-z_]+_v[0-9]+)` \|");
            if (match.Success)
            {
                names.Add(match.Groups[1].Value);
            }
        }
        return names;
    }
}

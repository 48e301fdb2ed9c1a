using System.Collections.Frozen;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Myna.Domain.EventSourcing;

/// <summary>
/// The one stable name of a stored event type ("person_registered_v1"). It is the event's contract: Marten
/// stores it as the event type, indexes name events by it, and the README's event table lists it. A name, once released, is never reused for another shape: a changed event gets a new
/// type and name (…_v2) and the old one stays readable.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed partial class EventNameAttribute(string name) : Attribute
{
    public string Name { get; } = Pattern().IsMatch(name)
        ? name
        : throw new ArgumentException($"Event name '{name}' is not of the form lower_snake_case_vN.", nameof(name));

    [GeneratedRegex("^[a-z][a-z_]*_v[0-9]+$")]
    internal static partial Regex Pattern();
}

/// <summary>Every domain event type of this assembly with its <see cref="EventNameAttribute"/>.</summary>
public static class EventNames
{
    private static readonly FrozenDictionary<Type, string> ByType = typeof(EventNames).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDomainEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t, t => t.GetCustomAttribute<EventNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"Event type {t.Name} has no [EventName]."));

    /// <summary>Every event type and its name.</summary>
    public static IReadOnlyDictionary<Type, string> All => ByType;

    public static string Of<TEvent>() where TEvent : IDomainEvent => ByType[typeof(TEvent)];

    public static string Of(Type eventType) => ByType[eventType];
}

using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Myna.Api.Errors;

/// <summary>
/// A guard behind the JSON reader: JSON enumerations once bound from numbers as well as from names, so a request could
/// carry a value that no list holds (<c>reason: 99</c> reached a decider). The reader now takes one listed name only
/// (<see cref="ListedNameEnumConverter"/>); this check stays for any value bound another way. Every endpoint's bound
/// arguments are walked for enumerated values (in properties, nested requests, lists and maps) and one outside its
/// list answers 400 <c>request.invalid</c> naming the field, before any grain is called. The walk is planned once per
/// type from its properties; an endpoint with no enumerated value anywhere in its arguments gets no filter at all.
/// </summary>
public static class DefinedEnums
{
    /// <summary>The field holding an unlisted value (JSON names, e.g. <c>lines[3].sex</c>), or null.</summary>
    private delegate string? Check(object? value);

    private static readonly ConcurrentDictionary<Type, Check?> Plans = new();

    /// <summary>Runs every endpoint of the group behind the check of its arguments' enumerated values.</summary>
    public static RouteGroupBuilder WithDefinedEnums(this RouteGroupBuilder group)
    {
        group.AddEndpointFilterFactory((factory, next) =>
        {
            var checks = factory.MethodInfo.GetParameters()
                .Select((parameter, index) => (Index: index, Name: parameter.Name ?? "value", Check: PlanFor(parameter.ParameterType)))
                .Where(c => c.Check is not null)
                .ToArray();
            if (checks.Length == 0)
            {
                return next;
            }
            return async invocation =>
            {
                foreach (var (index, name, check) in checks)
                {
                    if (check!(invocation.Arguments[index]) is { } field)
                    {
                        return Refusal(field.Length == 0 ? name : field);
                    }
                }
                return await next(invocation);
            };
        });
        return group;
    }

    /// <summary>The first field of <paramref name="value"/> (a request read outside binding, e.g. a bulk line) holding an unlisted value, or null.</summary>
    public static string? FirstUnlisted(object? value) => value is null ? null : PlanFor(value.GetType())?.Invoke(value) is { } field ? field : null;

    /// <summary>The problem for an unlisted value: the field, never the value.</summary>
    private static IResult Refusal(string field)
    {
        var errors = new RequestErrors();
        errors.Add(field, "One of its listed names.");
        return errors.ToProblem();
    }

    /// <summary>The types whose plans this thread is making (a recursive shape plans nothing at its second visit).</summary>
    [ThreadStatic]
    private static HashSet<Type>? _planning;

    /// <summary>A type's plan, published only once it is whole: a request on another thread never meets a half-made one.</summary>
    private static Check? PlanFor(Type type)
    {
        if (Plans.TryGetValue(type, out var known))
        {
            return known;
        }
        _planning ??= [];
        if (!_planning.Add(type))
        {
            return null;
        }
        try
        {
            return Plans.GetOrAdd(type, Build(type));
        }
        finally
        {
            _planning.Remove(type);
        }
    }

    private static Check? Build(Type type)
    {
        var enumeration = Nullable.GetUnderlyingType(type) ?? type;
        if (enumeration.IsEnum)
        {
            return value => value is null || Enum.IsDefined(enumeration, value) ? null : string.Empty;
        }
        if (type == typeof(string) || type.IsPrimitive || !IsOurs(type) && !IsCollection(type))
        {
            return null;
        }
        if (IsCollection(type))
        {
            var element = ElementOf(type);
            var each = element is null ? null : PlanFor(element);
            if (each is null)
            {
                return null;
            }
            return value =>
            {
                if (value is not IEnumerable items)
                {
                    return null;
                }
                var i = 0;
                foreach (var item in items)
                {
                    if (item is not null && each(item) is { } field)
                    {
                        return $"[{i}]" + (field.Length == 0 || field.StartsWith('[') ? field : "." + field);
                    }
                    i++;
                }
                return null;
            };
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead)
            .Select(p => (Name: JsonNamingPolicy.CamelCase.ConvertName(p.Name), Property: p, Check: PlanFor(p.PropertyType)))
            .Where(p => p.Check is not null)
            .ToArray();
        if (properties.Length == 0)
        {
            return null;
        }
        return value =>
        {
            if (value is null)
            {
                return null;
            }
            foreach (var (name, property, check) in properties)
            {
                object? held;
                try
                {
                    held = property.GetValue(value);
                }
                catch (TargetInvocationException)
                {
                    // A computed property that cannot answer for this value carries nothing the caller sent.
                    continue;
                }
                if (check!(held) is { } field)
                {
                    return name + (field.Length == 0 || field.StartsWith('[') ? field : "." + field);
                }
            }
            return null;
        };
    }

    /// <summary>Requests and the values they carry are the project's own types (never a framework service or the HTTP context).</summary>
    private static bool IsOurs(Type type) =>
        type.Namespace?.StartsWith("Myna.", StringComparison.Ordinal) == true && !typeof(Delegate).IsAssignableFrom(type)
        || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>);

    private static bool IsCollection(Type type) => type.IsArray || type.IsGenericType && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        && type.GetGenericArguments().All(a => IsOurs(a) || a.IsEnum || (Nullable.GetUnderlyingType(a)?.IsEnum ?? false) || a == typeof(string) || a.IsPrimitive);

    private static Type? ElementOf(Type type) => type.IsArray
        ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}

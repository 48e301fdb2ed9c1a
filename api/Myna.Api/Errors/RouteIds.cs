using System.Reflection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Errors;

/// <summary>
/// Typed ids in routes (<c>/v1/cards/{cardId}</c> binds a <see cref="CardId"/>): handlers take the typed id, and
/// the framework binds it through the id's own <c>TryParse</c>. A value that does not parse fails the binding;
/// this table gives that failure its stable code (400 <c>card.invalid-id</c>), never the input.
/// </summary>
public static class RouteIds
{
    private sealed record Rule(Func<string?, bool> Parses, string Code, string Detail);

    private static readonly Dictionary<Type, Rule> Rules = new()
    {
        [typeof(PersonId)] = new(t => PersonId.TryParse(t, out _), "person.invalid-id", "A person id is a UUID."),
        [typeof(CardId)] = new(t => CardId.TryParse(t, out _), "card.invalid-id", "A card id is a UUID."),
    };

    /// <summary>The code of a typed route id that does not parse (null for other types), for the OpenAPI document.</summary>
    public static string? CodeFor(Type idType) => Rules.TryGetValue(idType, out var rule) ? rule.Code : null;

    /// <summary>The problem for an id of this type that does not parse.</summary>
    public static ProblemHttpResult Problem(Type idType) =>
        DomainError.Validation(Rules[idType].Code, Rules[idType].Detail).ToProblem();

    /// <summary>
    /// The code and detail of the first typed route id that does not parse, if any: from the endpoint and route
    /// values of the failed call (the exception handler sees them in <see cref="IExceptionHandlerFeature"/>).
    /// </summary>
    public static (string Code, string Detail)? Unparsed(Endpoint? endpoint, RouteValueDictionary? routeValues)
    {
        if (endpoint?.Metadata.GetMetadata<MethodInfo>() is not { } handler || routeValues is null)
        {
            return null;
        }
        foreach (var parameter in handler.GetParameters())
        {
            if (Rules.TryGetValue(parameter.ParameterType, out var rule)
                && routeValues.TryGetValue(parameter.Name!, out var value)
                && !rule.Parses(value?.ToString()))
            {
                return (rule.Code, rule.Detail);
            }
        }
        return null;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Api.Portal;

/// <summary>What an endpoint needs from a caller who is not the person themselves.</summary>
public enum PortalNeed
{
    /// <summary>The person themselves only (reveal, proxies, applications…).</summary>
    SelfOnly,
    View,
    CardLoss,
    ManageConsents,
}

/// <summary>Whose data a portal request is about, and who asks: the person, or their proxy.</summary>
public sealed record PortalCaller(PersonId Person, PersonId Caller, Guid? SessionId)
{
    public bool AsProxy => Person != Caller;

    /// <summary>The command context: the actor is the caller, on behalf of the principal when acting as proxy.</summary>
    /// <summary>The call's command context, acting as this resident (for the person asked about when a proxy).</summary>
    public CommandContext Context(HttpContext http) => http.CommandContext() with
    {
        Actor = new Actor(Caller.ToString(), Roles.Resident, AsProxy ? Person.ToString() : null),
        Channel = "portal",
    };
}

/// <summary>
/// The one gate of every resident endpoint: a resident reaches their own data, or a principal's as a proxy
/// holding the right; anything else answers as if the person did not exist. What a proxy does is on the
/// principal's ledger before it happens (invariant 11).
/// </summary>
public static class PortalAccess
{
    public const string PersonRouteValue = "personId";

    public static async Task<(PortalCaller? Caller, ProblemHttpResult? Problem)> ResolveAsync(
        HttpContext http, IClusterClient grains, PortalNeed need, string what)
    {
        if (!PersonId.TryParse(http.User.FindFirstValue(MynaClaims.PersonId), out var self))
        {
            return (null, DomainError.Forbidden("auth.forbidden", "A resident token names the resident.").ToProblem());
        }
        var session = Guid.TryParse(http.User.FindFirstValue(MynaClaims.SessionId), out var sid) ? sid : (Guid?)null;
        var route = http.GetRouteValue(PersonRouteValue)?.ToString();
        if (route is null || (PersonId.TryParse(route, out var asked) && asked == self))
        {
            return (new PortalCaller(self, self, session), null);
        }
        if (!PersonId.TryParse(route, out asked))
        {
            return (null, NotYours());
        }
        var rights = await grains.GetPortal(asked).GetProxyRights(self);
        if (rights is null)
        {
            return (null, NotYours());
        }
        var allowed = need switch
        {
            PortalNeed.View => rights.Contains(ProxyRight.View),
            PortalNeed.CardLoss => rights.Contains(ProxyRight.CardLoss),
            PortalNeed.ManageConsents => rights.Contains(ProxyRight.ManageConsents),
            _ => false,
        };
        if (!allowed)
        {
            return (null, need == PortalNeed.SelfOnly
                ? DomainError.Forbidden("portal.self-only", "Only the person themselves can do this, not a proxy.").ToProblem()
                : DomainError.Forbidden("proxy.right-missing", "Your proxy appointment does not include this right.").ToProblem());
        }
        var caller = new PortalCaller(asked, self, session);
        var context = caller.Context(http);
        var recorded = await grains.GetLedger(asked).RecordProxyAccess(context.FollowUp("proxy-ledger"), new RecordProxyAccess(self, what));
        return recorded.IsSuccess ? (caller, null) : (null, recorded.Error!.ToProblem());
    }

    private static ProblemHttpResult NotYours() =>
        DomainError.NotFound("person.not-found", "No record of yours, or of a person you are proxy for, exists under this id.").ToProblem();
}

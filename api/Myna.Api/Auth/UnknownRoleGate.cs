using Myna.GrainInterfaces.Common;
using System.Security.Claims;
using Myna.Api.Errors;

namespace Myna.Api.Auth;

/// <summary>
/// A valid token whose role is none of <see cref="Roles.All"/> is refused on every route (403
/// <c>auth.unknown-role</c>), anonymous ones included: a route that needs no particular role is still no
/// door for a caller the system does not know.
/// </summary>
public static class UnknownRoleGate
{
    public static IApplicationBuilder UseUnknownRoleGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.User.Identity?.IsAuthenticated == true && !Roles.All.Contains(http.User.FindFirstValue(MynaClaims.Role) ?? string.Empty))
        {
            await DomainError.Forbidden("auth.unknown-role", "The token's role is not one this system knows.").ToProblem()
                .ExecuteAsync(http);
            return;
        }
        await next(http);
    });
}

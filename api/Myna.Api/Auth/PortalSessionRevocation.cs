using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Auth;

/// <summary>
/// Logout and refresh-token reuse end a portal session at once (issue 17): every resident access token names its
/// session (claim <c>sid</c>), and each request asks the resident's portal grain whether that session is still open.
/// The answer lives in the grain, so it holds on every API replica the moment the session ends, without waiting
/// for the access token to expire. Outside Development a resident token without a session is no token at all
/// (only <c>/dev/tokens</c> mints those).
/// </summary>
public static class PortalSessionRevocation
{
    public static async Task CheckAsync(TokenValidatedContext context)
    {
        var user = context.Principal;
        if (user?.FindFirstValue(MynaClaims.Role) != Roles.Resident)
        {
            return;
        }
        if (!Guid.TryParse(user.FindFirstValue(MynaClaims.SessionId), out var session))
        {
            if (!context.HttpContext.RequestServices.GetRequiredService<IWebHostEnvironment>().IsDevelopment())
            {
                context.Fail("A resident token must belong to a portal session.");
            }
            return;
        }
        if (!PersonId.TryParse(user.FindFirstValue(MynaClaims.PersonId), out var person))
        {
            context.Fail("A resident token names its person.");
            return;
        }
        var portal = context.HttpContext.RequestServices.GetRequiredService<IClusterClient>().GetPortal(person);
        if (!await portal.IsSessionActive(session))
        {
            context.Fail("The portal session has ended (logout, a reused refresh token, or expiry).");
        }
    }
}

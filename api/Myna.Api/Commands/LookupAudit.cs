using System.Security.Claims;
using Myna.Api.Auth;

namespace Myna.Api.Commands;

/// <summary>
/// Lookups that could serve as oracles (a number, the basic four) are recorded (issue 17): a hit on the person's
/// ledger as a staff read, and every outcome, hits and misses alike, in the audit log under category
/// <c>Myna.Audit.Lookups</c> with who asked (subject, role, scope), never what was asked.
/// </summary>
public static class LookupAudit
{
    public const string Category = "Myna.Audit.Lookups";

    public static void Record(HttpContext http, string lookup, string outcome)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var user = http.User;
        logger.LogInformation("Lookup {Lookup} by {Role} {Subject} (scope {Scope}): {Outcome}",
            lookup, user.FindFirstValue(MynaClaims.Role), user.FindFirstValue(MynaClaims.Subject),
            user.FindFirstValue(MynaClaims.Municipality) ?? user.FindFirstValue(MynaClaims.Insurer), outcome);
    }
}

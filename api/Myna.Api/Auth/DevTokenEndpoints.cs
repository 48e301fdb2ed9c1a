using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Errors;

namespace Myna.Api.Auth;

public sealed record DevTokenRequest(string? Subject, string? Role, Dictionary<string, string>? Scope, int? LifetimeMinutes);

public sealed record DevTokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>Local runs and demos only: mapped when the environment is Development and Auth:DevTokens is true.</summary>
public static class DevTokenEndpoints
{
    private static readonly HashSet<string> ScopeClaims =
        [MynaClaims.Municipality, MynaClaims.Insurer, MynaClaims.Institution, MynaClaims.Terminal, MynaClaims.Agency, MynaClaims.PersonId, MynaClaims.Channel, MynaClaims.AppId, MynaClaims.Kiosk];

    public static IEndpointRouteBuilder MapDevTokenEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/tokens", Issue)
            .WithName("IssueDevelopmentToken")
            .WithTags("Development")
            .AllowAnonymous();
        return app;
    }

    private static Results<Ok<DevTokenResponse>, ProblemHttpResult> Issue(DevTokenRequest request, TokenIssuer issuer)
    {
        var errors = new RequestErrors();
        errors.Require(request.Subject, "subject");
        if (request.Role is null || !Roles.All.Contains(request.Role))
        {
            errors.Add("role", "One of: " + string.Join(", ", Roles.All));
        }
        foreach (var claim in request.Scope?.Keys ?? Enumerable.Empty<string>())
        {
            if (!ScopeClaims.Contains(claim))
            {
                errors.Add("scope", $"Unknown scope claim '{claim}'.");
            }
        }
        if (request.LifetimeMinutes is < 1 or > 24 * 60)
        {
            errors.Add("lifetimeMinutes", "1 to 1440 minutes.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (token, expires) = issuer.Issue(request.Subject!, request.Role!, request.Scope,
            request.LifetimeMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null);
        return TypedResults.Ok(new DevTokenResponse(token, expires));
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Api.Portal;

/// <summary>
/// A login: the chip's signature (IEEE P1363, base64) over a sealed <c>portal-login</c> challenge from
/// <c>POST /v1/auth/challenges</c> (<c>challenge</c>, base64, sent back as it came). The PIN stays on the chip.
/// </summary>
public sealed record PortalLoginRequest(string? Challenge, string? CertificateSerial, string? Signature, Guid? CardId);

public sealed record PortalRefreshRequest(string? RefreshToken);

public sealed record PortalLogoutResponse(Guid SessionId, bool Ended);

/// <summary>A short-lived access token (role resident) and a rotating refresh token bound to the login card.</summary>
public sealed record PortalTokenResponse(
    string TokenType, string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt,
    Guid PersonId, Guid CardId, Guid SessionId, bool NewPlace);

/// <summary>
/// Portal login with the card's user-authentication certificate, token refresh and logout. A face-authentication
/// card has no PIN and is no portal login: its holder uses the portal through a proxy or the counter.
/// </summary>
public static class PortalSessionEndpoints
{
    public static IEndpointRouteBuilder MapPortalSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/portal/sessions").WithTags("Resident portal: login");
        sessions.MapPost("/", Login).WithName("PortalLogin").AllowAnonymous().RequireRateLimiting(PortalRateLimiting.Login)
            .WithSummary("Log in with the card: signed challenge → access and refresh tokens")
            .WithDescription("Ask POST /v1/auth/challenges with {\"purpose\":\"portal-login\",\"audience\":\"portal\"} for a sealed challenge, let the chip sign its bytes (the base64-decoded challenge) with the user-authentication key after its own PIN check (ECDSA P-256, SHA-256, IEEE P1363 r||s), and send the challenge back with the signature. A signature over any other challenge (a clinic's, a kiosk's, a relying party's) is refused (401). A suspended, abolished or expired card or certificate is refused (401); a face-authentication card (send only cardId) is refused with portal.face-authentication-card.")
            .WithExamples(
                new PortalLoginRequest(Examples.PortalLoginChallenge, "UA0193A5B0C0DE", Examples.P1363Signature, null),
                Examples.Tokens);
        sessions.MapPost("/refresh", Refresh).WithName("PortalRefresh").AllowAnonymous().RequireRateLimiting(PortalRateLimiting.Login)
            .WithSummary("Rotate the refresh token and get a new access token")
            .WithDescription("The refresh token is single-use: the answer carries a new one. Presenting a rotated token again ends the session (portal.refresh-token-reused). Refused once the login card is suspended, abolished or expired (card.suspended, certificate.expired, certificate.revoked).")
            .WithExamples(new PortalRefreshRequest(Examples.Tokens.RefreshToken), Examples.Tokens);
        sessions.MapDelete("/current", Logout).WithName("PortalLogout").RequireAuthorization(Policies.Residents)
            .WithSummary("Log out: the session's refresh token stops working")
            .WithExamples(null, new PortalLogoutResponse(Examples.Tokens.SessionId, true));
        return app;
    }

    private static async Task<Results<Ok<PortalTokenResponse>, ProblemHttpResult>> Login(
        PortalLoginRequest request, HttpContext http, IClusterClient grains, TokenIssuer issuer, IOptions<PortalOptions> options, IOptions<JwtOptions> jwt)
    {
        if (request.CertificateSerial is null && request.CardId is { } cardOnly)
        {
            // No certificate at all: tell a face-authentication card's holder why, without saying more about other cards.
            var card = await grains.GetCard(new CardId(cardOnly)).GetCard();
            if (card is { IsSuccess: true, Value.FaceAuthentication: true })
            {
                return DomainError.Forbidden("portal.face-authentication-card", "A face-authentication card has no PIN and cannot log in to the portal; use the portal through a proxy or at a counter.").ToProblem();
            }
        }
        var errors = new RequestErrors();
        var payload = ChipFields.Challenge(request.Challenge);
        if (payload is null)
        {
            errors.Add("challenge", "The sealed portal-login challenge, base64, as POST /v1/auth/challenges returned it.");
        }
        if (!ChipFields.IsSerial(request.CertificateSerial))
        {
            errors.Add("certificateSerial", "The user-authentication certificate's serial (1 to 64 letters and digits).");
        }
        var signature = ChipFields.Signature(request.Signature);
        if (signature is null)
        {
            errors.Add("signature", "The chip's signature of the challenge, base64, at most 256 bytes.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // Invariant 18: only a signature over a portal-login challenge for the portal opens a session.
        var holder = await grains.GetCertificateService().AuthenticateSealed(payload!,
            Myna.Api.Auth.CertificateAuthenticationEndpoints.PortalLoginPurpose,
            Myna.Api.Auth.CertificateAuthenticationEndpoints.PortalAudience, request.CertificateSerial!, signature!);
        if (!holder.IsSuccess)
        {
            return holder.Error!.ToProblem();
        }
        var person = holder.Value!.PersonId;
        var context = http.CommandContext();
        context = context with { Actor = new Actor(person.ToString(), Roles.Resident), Channel = "portal" };
        var sessionId = Guid.CreateVersion7();
        var secret = NewSecret();
        var started = await grains.GetPortal(person).StartSession(context, new StartPortalSession(
            sessionId, holder.Value.CardId, holder.Value.Serial, PlaceHash(http, person, jwt.Value.SigningKey), Hash(secret)));
        return started.IsSuccess
            ? TypedResults.Ok(Tokens(started.Value!, secret, issuer, options.Value))
            : started.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PortalTokenResponse>, ProblemHttpResult>> Refresh(
        PortalRefreshRequest request, HttpContext http, IClusterClient grains, TokenIssuer issuer, IOptions<PortalOptions> options)
    {
        if (!TryParseRefreshToken(request.RefreshToken, out var person, out var sessionId, out var presented))
        {
            return DomainError.Unauthenticated("portal.session-invalid", "The refresh token is unknown or no longer valid; log in with the card again.").ToProblem();
        }
        var context = http.CommandContext();
        context = context with { Actor = new Actor(person.ToString(), Roles.Resident), Channel = "portal" };
        var secret = NewSecret();
        var refreshed = await grains.GetPortal(person).RefreshSession(context, new RefreshPortalSession(sessionId, Hash(presented), Hash(secret)));
        return refreshed.IsSuccess
            ? TypedResults.Ok(Tokens(refreshed.Value!, secret, issuer, options.Value))
            : refreshed.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PortalLogoutResponse>, ProblemHttpResult>> Logout(HttpContext http, IClusterClient grains)
    {
        if (!PersonId.TryParse(http.User.FindFirstValue(MynaClaims.PersonId), out var person)
            || !Guid.TryParse(http.User.FindFirstValue(MynaClaims.SessionId), out var sessionId))
        {
            return DomainError.Validation("portal.no-session", "This token does not belong to a portal session.").ToProblem();
        }
        var context = http.CommandContext();
        context = context with { Actor = new Actor(person.ToString(), Roles.Resident), Channel = "portal" };
        var ended = await grains.GetPortal(person).EndSession(context, new EndPortalSession(sessionId, "logout"));
        return ended.IsSuccess ? TypedResults.Ok(new PortalLogoutResponse(sessionId, true)) : ended.Error!.ToProblem();
    }

    private static PortalTokenResponse Tokens(PortalSessionView session, string secret, TokenIssuer issuer, PortalOptions options)
    {
        var person = session.PersonId.ToString();
        var (token, expires) = issuer.Issue(person, Roles.Resident, new Dictionary<string, string>
        {
            [MynaClaims.PersonId] = person,
            [MynaClaims.CardId] = session.Card.ToString(),
            [MynaClaims.SessionId] = session.SessionId.ToString("D"),
            [MynaClaims.Channel] = "portal",
        }, TimeSpan.FromMinutes(options.AccessTokenMinutes));
        var refresh = $"{session.PersonId.Value:N}.{session.SessionId:N}.{secret}";
        return new PortalTokenResponse("Bearer", token, expires, refresh, session.RefreshExpiresAt, session.PersonId.Value, session.Card.Value, session.SessionId, session.NewPlace);
    }

    /// <summary>"{person}.{session}.{secret}": the secret is 256 random bits; the backend keeps only its SHA-256.</summary>
    private static bool TryParseRefreshToken(string? token, out PersonId person, out Guid session, out string secret)
    {
        person = default;
        session = Guid.Empty;
        secret = string.Empty;
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var p) || p == Guid.Empty || !Guid.TryParseExact(parts[1], "N", out session)
            || parts[2].Length is < 40 or > 60)
        {
            return false;
        }
        person = new PersonId(p);
        secret = parts[2];
        return true;
    }

    private static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// "A new place": the network (IPv4 /24, IPv6 /48) and the user agent, keyed per person with a key derived
    /// from the signing key, so the stored hash neither reveals the IP nor links one place across residents.
    /// </summary>
    private static string PlaceHash(HttpContext http, PersonId person, string signingKey)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), "myna-place-hash-v1"u8);
        var agent = http.Request.Headers.UserAgent.ToString();
        var text = $"{person}\n{Network(http.Connection.RemoteIpAddress)}\n{(agent.Length > 300 ? agent[..300] : agent)}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
    }

    private static string Network(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        return Convert.ToHexStringLower(bytes.AsSpan(0, keep));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

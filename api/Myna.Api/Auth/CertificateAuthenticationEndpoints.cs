using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Auth;

/// <summary>
/// A challenge to sign. For a purpose-bound one (<see cref="Purpose"/> set), <see cref="Challenge"/> is the sealed
/// payload, base64: exactly the bytes the chip signs (README, "Signing format"); <see cref="Nonce"/> repeats it.
/// </summary>
public sealed record ChallengeResponse(Guid ChallengeId, string Nonce, DateTimeOffset ExpiresAt, string? Challenge = null, string? Purpose = null, string? Audience = null);

/// <summary>
/// What the signature will be for: <c>portal-login</c> (audience <c>portal</c>), <c>relying-party</c> (audience
/// <c>relying-party:{name}</c>, the relying party that will verify it) or <c>key-proof</c> (audience <c>remote-reissue</c>).
/// </summary>
public sealed record ChallengeRequest(string? Purpose, string? Audience);

/// <summary>A relying party's verification: the sealed challenge as issued, the audience it names (the relying party's own), the chip's signature.</summary>
public sealed record SignedChallengeRequest(string? Challenge, string? Audience, string? CertificateSerial, string? Signature);

public sealed record AuthenticatedResponse(Guid PersonId, Guid CardId, string CertificateSerial);

public sealed record CertificateStatusResponse(string Serial, string Status, DateOnly? ValidUntil);

/// <summary>
/// Certificate authentication: the backend issues a nonce, the card signs it with its user-authentication
/// key after checking the PIN on the chip, and the backend verifies against the registered certificate.
/// The PIN never travels. Plus an OCSP-like status service for relying parties.
/// </summary>
public static class CertificateAuthenticationEndpoints
{
    public static IEndpointRouteBuilder MapCertificateAuthenticationEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Certificate authentication").AllowAnonymous();
        auth.MapPost("/challenges", IssueChallenge).WithName("IssueChallenge");
        auth.MapPost("/challenge-responses", VerifyResponse).WithName("VerifyChallengeResponse");

        app.MapGet("/v1/certificates/{serial}/status", Status)
            .WithTags("Certificate authentication")
            .WithName("CertificateStatus")
            .RequireAuthorization();
        return app;
    }

    private static async Task<Results<Ok<ChallengeResponse>, ProblemHttpResult>> IssueChallenge(ChallengeRequest? request, IClusterClient grains)
    {
        if (request?.Purpose is not { } purpose)
        {
            return DomainError.Validation("request.invalid", $"A purpose is required: '{PortalLoginPurpose}' (audience '{PortalAudience}'), '{RelyingPartyPurpose}' (audience 'relying-party:{{name}}') or '{KeyProofPurpose}' (audience '{RemoteReissueAudience}').").ToProblem();
        }
        // The issuer decides what an anonymous caller may have: portal-login, relying-party and remote re-issue
        // challenges only; clinic, kiosk and counter challenges come from their own authenticated routes.
        var issued = await grains.GetChallengeIssuer().IssuePublic(purpose, request.Audience);
        if (!issued.IsSuccess)
        {
            return issued.Error!.ToProblem();
        }
        var sealedChallenge = Convert.ToBase64String(issued.Value!.Payload);
        return TypedResults.Ok(new ChallengeResponse(issued.Value.ChallengeId, sealedChallenge, issued.Value.ExpiresAt, sealedChallenge, issued.Value.Purpose, issued.Value.Audience));
    }

    public const string PortalLoginPurpose = ChallengeNames.PortalLogin;
    public const string PortalAudience = ChallengeNames.PortalAudience;
    public const string RelyingPartyPurpose = ChallengeNames.RelyingParty;
    public const string RelyingPartyPrefix = ChallengeNames.RelyingPartyPrefix;
    public const string KeyProofPurpose = ChallengeNames.KeyProof;
    public const string RemoteReissueAudience = ChallengeNames.RemoteReissueAudience;

    private static async Task<Results<Ok<AuthenticatedResponse>, ProblemHttpResult>> VerifyResponse(SignedChallengeRequest request, IClusterClient grains)
    {
        var errors = new RequestErrors();
        var challenge = ChipFields.Challenge(request.Challenge);
        if (challenge is null)
        {
            errors.Add("challenge", "The sealed challenge as issued (base64), at most 1,024 bytes.");
        }
        if (request.Audience is not { } audience || !audience.StartsWith(RelyingPartyPrefix, StringComparison.Ordinal))
        {
            errors.Add("audience", "The relying party's own audience, 'relying-party:{name}', as it asked for the challenge.");
        }
        if (!ChipFields.IsSerial(request.CertificateSerial))
        {
            errors.Add("certificateSerial", "A certificate serial is 1 to 64 letters and digits.");
        }
        var signature = ChipFields.Signature(request.Signature);
        if (signature is null)
        {
            errors.Add("signature", "The signature is base64, at most 256 bytes.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // Accepted only as a relying-party challenge for this relying party (invariant 18), consumed once, durably.
        var result = await grains.GetCertificateService().AuthenticateSealed(challenge!, RelyingPartyPurpose, request.Audience!, request.CertificateSerial!, signature!);
        return result.IsSuccess
            ? TypedResults.Ok(new AuthenticatedResponse(result.Value!.PersonId.Value, result.Value.CardId.Value, result.Value.Serial))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CertificateStatusResponse>, ProblemHttpResult>> Status(string serial, IClusterClient grains)
    {
        if (!ChipFields.IsSerial(serial))
        {
            return DomainError.Validation("certificate.invalid-serial", "A certificate serial is 1 to 64 letters and digits.").ToProblem();
        }
        var status = await grains.GetCertificateService().Status(serial);
        return TypedResults.Ok(new CertificateStatusResponse(status.Serial, status.Status, status.ValidUntil));
    }
}

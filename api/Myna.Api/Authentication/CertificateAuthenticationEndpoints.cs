using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Authentication;

/// <summary>
/// A challenge to sign. For a purpose-bound one (<see cref="Purpose"/> set), <see cref="Challenge"/> is the sealed
/// payload, base64: exactly the bytes the chip signs (README, "Signing format"); <see cref="Nonce"/> repeats it.
/// </summary>
public sealed record ChallengeResponse(Guid ChallengeId, string Nonce, DateTimeOffset ExpiresAt, string? Challenge = null, string? Purpose = null, string? Audience = null);

/// <summary>What the signature will be for: <c>portal-login</c> (audience <c>portal</c>); without a purpose, a relying party's nonce.</summary>
public sealed record ChallengeRequest(string? Purpose, string? Audience);

public sealed record SignedChallengeRequest(Guid? ChallengeId, string? CertificateSerial, string? Signature);

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
        if (request?.Purpose is null)
        {
            // A relying party's nonce (and the remote re-issue's): never accepted by a portal login.
            var nonce = await grains.GetChallenge(Guid.NewGuid()).Issue();
            return TypedResults.Ok(new ChallengeResponse(nonce.ChallengeId, Convert.ToBase64String(nonce.Nonce), nonce.ExpiresAt));
        }
        // Anonymous callers get portal-login challenges for the portal only; clinic, kiosk and counter challenges
        // come from their own authenticated routes, with the audience taken from the caller's token.
        if (request.Purpose != PortalLoginPurpose || (request.Audience ?? PortalAudience) != PortalAudience)
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, "challenge.purpose-not-allowed",
                $"This route issues '{PortalLoginPurpose}' challenges for the audience '{PortalAudience}' only.");
        }
        var issued = await grains.GetChallengeIssuer().Issue(PortalLoginPurpose, PortalAudience);
        if (!issued.IsSuccess)
        {
            return issued.Error!.ToProblem();
        }
        var sealedChallenge = Convert.ToBase64String(issued.Value!.Payload);
        return TypedResults.Ok(new ChallengeResponse(issued.Value.ChallengeId, sealedChallenge, issued.Value.ExpiresAt, sealedChallenge, issued.Value.Purpose, issued.Value.Audience));
    }

    public const string PortalLoginPurpose = "portal-login";
    public const string PortalAudience = "portal";

    private static async Task<Results<Ok<AuthenticatedResponse>, ProblemHttpResult>> VerifyResponse(SignedChallengeRequest request, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (request.ChallengeId is null || request.ChallengeId == Guid.Empty)
        {
            errors.Add("challengeId", "Required.");
        }
        if (!IsSerial(request.CertificateSerial))
        {
            errors.Add("certificateSerial", "A certificate serial is 1 to 64 letters and digits.");
        }
        var signature = new byte[256];
        if (string.IsNullOrEmpty(request.Signature) || !Convert.TryFromBase64String(request.Signature, signature, out var length))
        {
            errors.Add("signature", "The signature is base64, at most 256 bytes.");
            length = 0;
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var result = await grains.GetCertificateService().Authenticate(request.ChallengeId!.Value, request.CertificateSerial!, signature[..length]);
        return result.IsSuccess
            ? TypedResults.Ok(new AuthenticatedResponse(result.Value!.PersonId.Value, result.Value.CardId.Value, result.Value.Serial))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CertificateStatusResponse>, ProblemHttpResult>> Status(string serial, IClusterClient grains)
    {
        if (!IsSerial(serial))
        {
            return ApiProblems.Problem(400, "certificate.invalid-serial", "A certificate serial is 1 to 64 letters and digits.");
        }
        var status = await grains.GetCertificateService().Status(serial);
        return TypedResults.Ok(new CertificateStatusResponse(status.Serial, status.Status, status.ValidUntil));
    }

    private static bool IsSerial(string? serial) => serial is { Length: > 0 and <= 64 } && serial.All(char.IsAsciiLetterOrDigit);
}

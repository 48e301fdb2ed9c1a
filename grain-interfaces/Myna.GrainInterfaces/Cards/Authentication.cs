using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Cards;

/// <summary>Who signed: the person and card behind a good user-authentication certificate. Never the number.</summary>
[GenerateSerializer, Immutable, Alias("myna.authenticated-holder")]
public sealed record AuthenticatedHolder(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] CardId CardId,
    [property: Id(2)] string Serial);

/// <summary>
/// The card as an eligibility check needs it, in one call: its view, and when the chip signed (the PIN method),
/// why the signature did not authenticate (null when it did, or when nothing was to be verified).
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.card-for-check")]
public sealed record CardForCheck(
    [property: Id(0)] CardView Card,
    [property: Id(1)] DomainError? Authentication);

/// <summary>OCSP-like answer for relying parties: good, revoked, suspended, expired or unknown.</summary>
[GenerateSerializer, Immutable, Alias("myna.certificate-status")]
public sealed record CertificateStatusView(
    [property: Id(0)] string Serial,
    [property: Id(1)] string Status,
    [property: Id(2)] DateOnly? ValidUntil);

/// <summary>Certificate authentication and status by serial. Stateless worker: scales with the silos.</summary>
public interface ICertificateServiceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Authentication over a sealed, purpose-bound challenge (invariant 18): the payload is consumed for this
    /// purpose and audience only (durably, once), then the card verifies the signature over the payload's bytes.
    /// </summary>
    [Alias("AuthenticateSealed")]
    Task<Result<AuthenticatedHolder>> AuthenticateSealed(byte[] payload, string purpose, string audience, string serial, byte[] signature);

    [Alias("Status")]
    Task<CertificateStatusView> Status(string serial);

    /// <summary>Consumes the sealed key-proof challenge (remote-reissue), finds the card by its old serial and re-issues its certificates after a campaign.</summary>
    [Alias("RemedyAfterCampaign")]
    Task<Result<CardView>> RemedyAfterCampaign(CommandContext context, byte[] payload, string oldSerial, byte[] signature, string? userAuthenticationPublicKey, string? signaturePublicKey,
        byte[]? userAuthenticationKeySignature, byte[]? signatureKeySignature);
}

/// <summary>
/// A sealed, purpose-bound challenge as issued: <see cref="Payload"/> is exactly what the chip signs
/// (see the README, "Signing format"). No server state exists per challenge.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.issued-challenge")]
public sealed record IssuedChallenge(
    [property: Id(0)] Guid ChallengeId,
    [property: Id(1)] string Purpose,
    [property: Id(2)] string Audience,
    [property: Id(3)] byte[] Payload,
    [property: Id(4)] DateTimeOffset ExpiresAt);

/// <summary>Issues sealed challenges (stateless worker: no activation per challenge, scales with the silos).</summary>
public interface IChallengeIssuerGrain : IGrainWithIntegerKey
{
    /// <summary>A challenge for one purpose (portal-login, eligibility-check, kiosk-binding, relying-party, key-proof, counter-presence) and one audience.</summary>
    [Alias("Issue")]
    Task<Result<IssuedChallenge>> Issue(string purpose, string audience);

    /// <summary>For anonymous callers: portal-login, relying-party and remote re-issue key-proof challenges only.</summary>
    [Alias("IssuePublic")]
    Task<Result<IssuedChallenge>> IssuePublic(string purpose, string? audience);

    /// <summary>For a clerk's counter, on a card the clerk's municipality manages (key-proof or counter-presence).</summary>
    [Alias("IssueForCounter")]
    Task<Result<IssuedChallenge>> IssueForCounter(CommandContext clerk, CardId card, string purpose);

    /// <summary>For a registered, active reception terminal: an eligibility-check challenge sealed for that terminal.</summary>
    [Alias("IssueForTerminal")]
    Task<Result<IssuedChallenge>> IssueForTerminal(CommandContext terminal);
}

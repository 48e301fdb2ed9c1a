using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Kiosks;

/// <summary>The certificates a convenience-store kiosk prints (コンビニ交付).</summary>
public enum KioskDocumentKind
{
    /// <summary>A copy of the resident record (住民票の写し).</summary>
    ResidentRecordCopy,
    /// <summary>A taxation certificate for one fiscal year (課税証明書).</summary>
    TaxationCertificate,
}

/// <summary>Why a person's record is under a protection measure (支援措置): issuance to third parties and by kiosk stops.</summary>
public enum ProtectionReason
{
    DomesticViolence,
    Stalking,
    ChildAbuse,
    Other,
}

/// <summary>Daily service hours of a kiosk in Japan time; <see cref="Opens"/> after <see cref="Closes"/> wraps past midnight.</summary>
[GenerateSerializer, Immutable, Alias("myna.kiosk-service-hours")]
public sealed record ServiceHours([property: Id(0)] TimeOnly Opens, [property: Id(1)] TimeOnly Closes);

[GenerateSerializer, Immutable, Alias("myna.cmd.register-kiosk")]
public sealed record RegisterKiosk(
    [property: Id(0)] string Store,
    [property: Id(1)] string Prefecture,
    [property: Id(2)] ServiceHours? Hours);

[GenerateSerializer, Immutable, Alias("myna.cmd.withdraw-kiosk")]
public sealed record WithdrawKiosk([property: Id(0)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.kiosk-view")]
public sealed record KioskView(
    [property: Id(0)] string KioskId,
    [property: Id(1)] string Store,
    [property: Id(2)] string Prefecture,
    [property: Id(3)] ServiceHours? Hours,
    [property: Id(4)] bool Active,
    [property: Id(5)] long Version);

/// <summary>A fresh kiosk session: the challenge the card must sign to bind itself to this session.</summary>
[GenerateSerializer, Immutable, Alias("myna.kiosk-session")]
public sealed record KioskSessionView(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] byte[] Nonce,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>The card bound to a session. Only the card id: the kiosk never learns the number.</summary>
[GenerateSerializer, Immutable, Alias("myna.kiosk-binding")]
public sealed record KioskBinding(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] CardId Card);

/// <summary>What the resident asked the kiosk to print (one request per session).</summary>
[GenerateSerializer, Immutable, Alias("myna.kiosk-request")]
public sealed record KioskRequest(
    [property: Id(0)] KioskDocumentKind Kind,
    [property: Id(1)] int? FiscalYear);

/// <summary>The person's command behind a kiosk issuance; the session supplies ids and the verification code.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.issue-kiosk-certificate")]
public sealed record IssueKioskCertificate(
    [property: Id(0)] Guid DocumentId,
    [property: Id(1)] KioskDocumentKind Kind,
    [property: Id(2)] int? FiscalYear,
    [property: Id(3)] string Kiosk,
    [property: Id(4)] CardId Card,
    [property: Id(5)] string VerificationCode);

[GenerateSerializer, Immutable, Alias("myna.cmd.start-protection")]
public sealed record StartProtectionMeasure(
    [property: Id(0)] ProtectionReason Reason,
    [property: Id(1)] MunicipalityCode Municipality);

[GenerateSerializer, Immutable, Alias("myna.cmd.end-protection")]
public sealed record EndProtectionMeasure([property: Id(0)] MunicipalityCode Municipality);

/// <summary>
/// A printed certificate: built from the person's events at the moment of issue. The content digest is a
/// SHA-256 over the canonical content, so a verifier can check a paper copy without the backend revealing it.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.kiosk-document")]
public sealed record KioskDocument(
    [property: Id(0)] Guid DocumentId,
    [property: Id(1)] KioskDocumentKind Kind,
    [property: Id(2)] MunicipalityCode IssuedBy,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] string Kiosk,
    [property: Id(5)] BasicFourItems Holder,
    [property: Id(6)] int? FiscalYear,
    [property: Id(7)] long? TotalIncomeYen,
    [property: Id(8)] long? TaxableIncomeYen,
    [property: Id(9)] string VerificationCode,
    [property: Id(10)] string ContentDigest);

/// <summary>The public answer for a verification code: who, what, when and where; never the content itself.</summary>
[GenerateSerializer, Immutable, Alias("myna.document-verification")]
public sealed record DocumentVerification(
    [property: Id(0)] Guid DocumentId,
    [property: Id(1)] KioskDocumentKind Kind,
    [property: Id(2)] string? HolderName,
    [property: Id(3)] MunicipalityCode IssuedBy,
    [property: Id(4)] DateTimeOffset IssuedAt,
    [property: Id(5)] string Kiosk,
    [property: Id(6)] string ContentDigest);

/// <summary>A convenience-store kiosk, registered by an operator like a reception terminal.</summary>
public interface IKioskGrain : IGrainWithStringKey, IEventSourcedGrain
{
    [Alias("Register")]
    Task<Result<KioskView>> Register(CommandContext context, RegisterKiosk command);

    [Alias("Withdraw")]
    Task<Result<KioskView>> Withdraw(CommandContext context, WithdrawKiosk command);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Result<KioskView>> Get();
}

/// <summary>
/// One kiosk session, bound to one kiosk, then to one card, then to one request. Held in memory: a session
/// lost with its silo is simply gone and the resident starts again; it can never be completed for another card.
/// </summary>
public interface IKioskSessionGrain : IGrainWithGuidKey
{
    [Alias("Open")]
    Task<Result<KioskSessionView>> Open(string kiosk);

    [Alias("BindCard")]
    Task<Result<KioskBinding>> BindCard(string kiosk, string certificateSerial, byte[] signature);

    /// <summary>Issues the one document of this session; the same request again returns the same document.</summary>
    [Alias("Request")]
    Task<Result<KioskDocument>> Request(CommandContext context, string kiosk, KioskRequest request);
}

/// <summary>Public verification of printed certificates by their code. Stateless worker.</summary>
public interface IDocumentVerifierGrain : IGrainWithIntegerKey
{
    /// <summary>Confirms that a document was issued under this code: what, when, where, by whom. Never the holder's name.</summary>
    [Alias("Verify")]
    Task<Result<DocumentVerification>> Verify(string verificationCode);

    /// <summary>
    /// The same, with the holder's name, for a verifier who presents the code and the holder's date of birth. A wrong
    /// date of birth is answered exactly as an unknown code.
    /// </summary>
    [Alias("VerifyHolder")]
    Task<Result<DocumentVerification>> VerifyHolder(string verificationCode, DateOnly dateOfBirth);
}

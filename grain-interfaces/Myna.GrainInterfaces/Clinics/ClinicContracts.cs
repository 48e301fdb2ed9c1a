using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.GrainInterfaces.Clinics;

public enum InstitutionKind
{
    Hospital,
    Clinic,
    DentalClinic,
    Pharmacy,
}

/// <summary>How the patient's identity was confirmed at reception.</summary>
public enum VerificationMethod
{
    /// <summary>The patient entered the 4-digit PIN on the chip; the chip signed the backend's challenge.</summary>
    Pin,
    /// <summary>The terminal matched the face against the chip's photo and signs an attestation.</summary>
    FaceMatch,
    /// <summary>Staff compared the patient with the card's photo and the terminal signs an attestation naming them.</summary>
    VisualCheck,
    /// <summary>No card: staff checked an eligibility confirmation document (資格確認書); the terminal attests it, naming them.</summary>
    ConfirmationDocument,
}

/// <summary>What the patient may agree to share with the institution for 24 hours.</summary>
public enum ClinicConsentScope
{
    MedicationHistory,
    HealthCheckResults,
    ClinicalInformation,
    /// <summary>The high-cost ceiling category (限度額適用区分) in the eligibility answer.</summary>
    CeilingCategory,
}

/// <summary>Through which channel a card was registered for use as a health insurance card.</summary>
public enum InsuranceRegistrationChannel
{
    Portal,
    BankAtm,
    ClinicTerminal,
}

[GenerateSerializer, Immutable, Alias("myna.terminal-view")]
public sealed record TerminalView(
    [property: Id(0)] string TerminalId,
    [property: Id(1)] string PublicKey,
    [property: Id(2)] bool Active);

[GenerateSerializer, Immutable, Alias("myna.institution-view")]
public sealed record InstitutionView(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] InstitutionKind Kind,
    [property: Id(3)] string Prefecture,
    [property: Id(4)] bool AcceptsCard,
    [property: Id(5)] IReadOnlyList<TerminalView> Terminals,
    [property: Id(6)] long Version);

[GenerateSerializer, Immutable, Alias("myna.cmd.register-institution")]
public sealed record RegisterInstitution(
    [property: Id(0)] string Name,
    [property: Id(1)] InstitutionKind Kind,
    [property: Id(2)] string Prefecture,
    [property: Id(3)] bool AcceptsCard);

[GenerateSerializer, Immutable, Alias("myna.cmd.set-card-acceptance")]
public sealed record SetCardAcceptance([property: Id(0)] bool AcceptsCard);

/// <summary>A reception terminal and the ECDSA P-256 public key (base64 SPKI) it signs attestations with.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.register-terminal")]
public sealed record RegisterTerminal(
    [property: Id(0)] string TerminalId,
    [property: Id(1)] string PublicKey);

[GenerateSerializer, Immutable, Alias("myna.cmd.retire-terminal")]
public sealed record RetireTerminal([property: Id(0)] string TerminalId);

/// <summary>A medical institution or pharmacy (key: its 10-digit institution code) and its reception terminals.</summary>
public interface IInstitutionGrain : IGrainWithStringKey, IEventSourcedGrain
{
    [Alias("Register")]
    Task<Result<InstitutionView>> Register(CommandContext context, RegisterInstitution command);

    [Alias("SetCardAcceptance")]
    Task<Result<InstitutionView>> SetCardAcceptance(CommandContext context, SetCardAcceptance command);

    [Alias("RegisterTerminal")]
    Task<Result<InstitutionView>> RegisterTerminal(CommandContext context, RegisterTerminal command);

    [Alias("RetireTerminal")]
    Task<Result<InstitutionView>> RetireTerminal(CommandContext context, RetireTerminal command);

    [Alias("Get")]
    Task<Result<InstitutionView>> Get();
}

/// <summary>
/// What a reception terminal sends: how the patient was verified, the proof for that method, and the
/// patient's consent choices. PINs never leave the chip; only the chip's signature travels.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.check-eligibility")]
public sealed record CheckEligibility(
    [property: Id(0)] string Institution,
    [property: Id(1)] string TerminalId,
    [property: Id(2)] VerificationMethod Method,
    [property: Id(3)] CardId? Card,
    [property: Id(4)] string? CertificateSerial,
    [property: Id(5)] byte[]? ChipSignature,
    [property: Id(6)] byte[]? TerminalSignature,
    [property: Id(7)] string? StaffId,
    [property: Id(8)] IReadOnlyList<ClinicConsentScope> Consents,
    [property: Id(9)] bool RegisterCardForInsurance = false,
    [property: Id(10)] string? DocumentNumber = null,
    [property: Id(11)] byte[]? Challenge = null);

/// <summary>
/// The answer to a terminal. Never the Individual Number, never the person id: the qualification, the
/// patient's name and date of birth for the reception desk, and the ceiling category only with consent.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.eligibility-answer")]
public sealed record EligibilityAnswer(
    [property: Id(0)] Guid CheckId,
    [property: Id(1)] bool Eligible,
    [property: Id(2)] string? Reason,
    [property: Id(3)] string? PatientName,
    [property: Id(4)] DateOnly? DateOfBirth,
    [property: Id(5)] InsurerNumber? Insurer,
    [property: Id(6)] InsuredId? Insured,
    [property: Id(7)] DateOnly? ValidFrom,
    [property: Id(8)] DateOnly? ValidUntil,
    [property: Id(9)] CeilingCategory? Ceiling,
    [property: Id(10)] IReadOnlyList<ClinicConsentScope> ConsentsGiven,
    [property: Id(11)] DateTimeOffset? ConsentValidUntil);

/// <summary>
/// The online eligibility check (flow 5): a stateless worker on every silo, so a check makes no activation of
/// its own. The check's id is the id of the sealed challenge it consumes; a retried check (same command id)
/// answers the same and records once, because the consumed challenge and the ledger entry are both durable
/// and keyed by that command.
/// </summary>
public interface IEligibilityCheckerGrain : IGrainWithIntegerKey
{
    [Alias("Check")]
    Task<Result<EligibilityAnswer>> Check(CommandContext context, Guid challengeId, CheckEligibility command);
}

/// <summary>An eligibility check as the patient's ledger records it.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-eligibility-check")]
public sealed record RecordEligibilityCheck(
    [property: Id(0)] Guid CheckId,
    [property: Id(1)] CardId? Card,
    [property: Id(2)] string Institution,
    [property: Id(3)] string TerminalId,
    [property: Id(4)] VerificationMethod Method,
    [property: Id(5)] string? StaffId,
    [property: Id(6)] bool Eligible,
    [property: Id(7)] string? Reason,
    [property: Id(8)] InsurerNumber? Insurer,
    [property: Id(9)] IReadOnlyList<ClinicConsentScope> Consents,
    [property: Id(10)] string? DocumentNumber = null);

[GenerateSerializer, Immutable, Alias("myna.clinic-consent-view")]
public sealed record ClinicConsentView(
    [property: Id(0)] Guid ConsentId,
    [property: Id(1)] string Institution,
    [property: Id(2)] IReadOnlyList<ClinicConsentScope> Scopes,
    [property: Id(3)] VerificationMethod Method,
    [property: Id(4)] string? StaffId,
    [property: Id(5)] DateTimeOffset GivenAt,
    [property: Id(6)] DateTimeOffset ValidUntil,
    [property: Id(7)] bool Active);

[GenerateSerializer, Immutable, Alias("myna.ledger-receipt")]
public sealed record LedgerReceipt(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset? ConsentValidUntil);

/// <summary>
/// The person's access ledger for reads by clinics (its own stream, "ledger-{person}"), apart from the
/// person's stream so that a quarter of a billion checks a month never contend with the person's commands.
/// </summary>
public interface IAccessLedgerGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("RecordEligibilityCheck")]
    Task<Result<LedgerReceipt>> RecordEligibilityCheck(CommandContext context, RecordEligibilityCheck command);

    [Alias("GetClinicConsents")]
    Task<IReadOnlyList<ClinicConsentView>> GetClinicConsents();

    /// <summary>A clinic's read of medical information (or its refusal), durable before any data is returned.</summary>
    [Alias("RecordMedicalRead")]
    Task<Result<long>> RecordMedicalRead(CommandContext context, Medical.RecordMedicalRead command);

    /// <summary>A card-less disaster-mode lookup, durable before any data is returned.</summary>
    [Alias("RecordDisasterLookup")]
    Task<Result<long>> RecordDisasterLookup(CommandContext context, Disasters.RecordDisasterLookup command);

    /// <summary>The ledger, oldest first, from a version, at most <paramref name="limit"/> entries.</summary>
    [Alias("GetEntries")]
    Task<IReadOnlyList<Persons.AccessLedgerEntry>> GetEntries(long fromVersion, int limit);

    // The portal's ledger: agencies, apps, proxies and the resident's own number reveals land here too.

    [Alias("RecordAgencyRequest")]
    Task<Result<LedgerReceipt>> RecordAgencyRequest(CommandContext context, Portal.RecordAgencyRequest command);

    [Alias("RecordAppRequest")]
    Task<Result<LedgerReceipt>> RecordAppRequest(CommandContext context, Portal.RecordAppRequest command);

    [Alias("RecordProxyAccess")]
    Task<Result<LedgerReceipt>> RecordProxyAccess(CommandContext context, Portal.RecordProxyAccess command);

    [Alias("RecordStaffRead")]
    Task<Result<LedgerReceipt>> RecordStaffRead(CommandContext context, Portal.RecordStaffRead command);

    [Alias("RecordNumberReveal")]
    Task<Result<LedgerReceipt>> RecordNumberReveal(CommandContext context, Portal.RecordNumberReveal command);

    /// <summary>Newest first, keyset-paged, filtered by accessor kind and recorded period.</summary>
    [Alias("Query"), Orleans.Concurrency.ReadOnly]
    Task<Portal.LedgerPage> Query(Portal.LedgerQuery query);
}

[GenerateSerializer, Immutable, Alias("myna.institution-listing")]
public sealed record InstitutionListingView(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] InstitutionKind Kind,
    [property: Id(3)] string Prefecture);

/// <summary>The public list of institutions that accept the card. Stateless worker over a PostgreSQL listing.</summary>
public interface IInstitutionDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("AcceptingCard")]
    Task<IReadOnlyList<InstitutionListingView>> AcceptingCard(string prefecture, string? after, int limit);
}

using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.Domain.Portal;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Clinics;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

/// <summary>An event on a person's access ledger stream ("ledger-{person}").</summary>
public interface ILedgerEvent : IDomainEvent
{
    PersonId PersonId { get; }
}

/// <summary>A reception terminal checked the person's eligibility, successfully or not (invariant 11).</summary>
[EventName("eligibility_checked_v1")]
public sealed record EligibilityChecked(
    PersonId PersonId,
    Guid CheckId,
    CardId? Card,
    string Institution,
    string TerminalId,
    VerificationMethod Method,
    string? StaffId,
    bool Eligible,
    string? Reason,
    InsurerNumber? Insurer,
    string? DocumentNumber,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>The patient's consent choices at reception: scoped, for one institution, valid 24 hours (invariant 10).</summary>
[EventName("clinic_consent_given_v1")]
public sealed record ClinicConsentGiven(
    PersonId PersonId,
    Guid ConsentId,
    string Institution,
    IReadOnlyList<ClinicConsentScope> Scopes,
    VerificationMethod Method,
    string? StaffId,
    DateTimeOffset ValidUntil,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>
/// Bounded: the last <see cref="KeptConsents"/> consents (enough for any 24-hour window in practice) and a
/// count; the entries themselves are read from the stream, page by page.
/// </summary>
public sealed record LedgerState : IAggregateState<LedgerState, ILedgerEvent>
{
    public const int KeptConsents = 64;

    public static LedgerState Initial { get; } = new();

    public long Checks { get; init; }
    public ImmutableList<ClinicConsentGiven> RecentConsents { get; init; } = [];

    /// <summary>The ledger's latest entry when it is a staff read (null after any other entry): a repeat of it is not written again.</summary>
    public StaffDataRead? LatestStaffRead { get; init; }

    public LedgerState Apply(ILedgerEvent @event)
    {
        var next = @event switch
        {
            EligibilityChecked => this with { Checks = Checks + 1 },
            ClinicConsentGiven e => this with
            {
                RecentConsents = (RecentConsents.Count >= KeptConsents ? RecentConsents.RemoveAt(0) : RecentConsents).Add(e),
            },
            // Each records a look at the person's data; the ledger's entries are read from the stream, not the state.
            AgencyDataRequested or AppDataRequested or DisasterLookupPerformed or IndividualNumberRevealed
                or MedicalInformationRead or ProxyAccessed or StaffDataRead => this,
            _ => this,
        };
        return @event is StaffDataRead read ? next with { LatestStaffRead = read }
            : next.LatestStaffRead is null ? next : next with { LatestStaffRead = null };
    }
}

/// <summary>The eligibility check's pure rules (flow 5).</summary>
public static class EligibilityRules
{
    /// <summary>A consent given at reception lasts 24 hours.</summary>
    public static readonly TimeSpan ConsentLifetime = TimeSpan.FromHours(24);

    public const int MaxStaffIdLength = 40;

    /// <summary>What the terminal must send for each method; null when the request is complete.</summary>
    public static DomainError? ValidateRequest(CheckEligibility command)
    {
        if (command.StaffId is { } staff && !ExternalId.Fits(staff, MaxStaffIdLength))
        {
            return Invalid("staff", $"A staff id has 1 to {MaxStaffIdLength} letters, digits, '-' or '_'.");
        }
        if (command.Consents is null || command.Consents.Count != command.Consents.Distinct().Count())
        {
            return Invalid("consents", "List each consent scope at most once (an empty list means no consent).");
        }
        return command.Method switch
        {
            VerificationMethod.Pin when command.CertificateSerial is null || command.ChipSignature is not { Length: > 0 } =>
                Invalid("pin", "A PIN check sends the certificate serial and the chip's signature of the challenge."),
            VerificationMethod.FaceMatch or VerificationMethod.VisualCheck when command.Card is null || command.TerminalSignature is not { Length: > 0 } =>
                Invalid("attestation", "A face match or visual check sends the card id and the terminal's signed attestation."),
            VerificationMethod.VisualCheck or VerificationMethod.ConfirmationDocument when command.StaffId is null =>
                Invalid("staff", "A visual check or a confirmation document names the staff member who checked."),
            VerificationMethod.ConfirmationDocument when !Insurance.ConfirmationDocuments.IsDocumentNumber(command.DocumentNumber) || command.TerminalSignature is not { Length: > 0 } =>
                Invalid("document", "A confirmation document check sends the document number and the terminal's signed attestation."),
            _ => null,
        };
    }

    /// <summary>
    /// The bytes a terminal signs for a face match or visual check: the one-time challenge, the card, the
    /// method and the staff member, so an attestation cannot be replayed or moved to another card.
    /// </summary>
    public static byte[] AttestationPayload(ReadOnlySpan<byte> nonce, string presented, VerificationMethod method, string? staffId) =>
        [.. System.Text.Encoding.UTF8.GetBytes($"myna-eligibility-attestation-v1\n{Convert.ToBase64String(nonce)}\n{presented}\n{method}\n{staffId}")];

    /// <summary>A confirmation document confirms eligibility while it is valid and its qualification is active.</summary>
    public static (InsuranceQualificationView? Qualification, string? Reason) ByDocument(InsuranceSummary insurance, string documentNumber, DateOnly today)
    {
        if (insurance.Documents.FirstOrDefault(d => d.DocumentNumber == documentNumber) is not { } document)
        {
            return (null, "document.not-found");
        }
        if (today > document.ValidUntil)
        {
            return (null, "document.expired");
        }
        var (qualification, reason) = Qualification(insurance, today);
        return qualification is not null && qualification.QualificationId != document.QualificationId
            ? (null, "document.superseded")
            : (qualification, reason);
    }

    /// <summary>Why this card cannot confirm eligibility today (invariant 4), or null.</summary>
    public static string? CardRefusal(Myna.GrainInterfaces.Cards.CardView card, DateOnly today, VerificationMethod method)
    {
        var refusal = card.Status switch
        {
            Myna.GrainInterfaces.Cards.CardStatus.Active => null,
            Myna.GrainInterfaces.Cards.CardStatus.Suspended => "card.suspended",
            Myna.GrainInterfaces.Cards.CardStatus.Abolished => "card.abolished",
            _ => "card.not-active",
        };
        return refusal
            ?? (card.ExpiresOn is { } expires && today > expires ? "card.expired"
            : card.Lapsed ? "card.lapsed"
            : method == VerificationMethod.Pin && card.FaceAuthentication ? "card.face-authentication-has-no-pin"
            : card.RegisteredForInsuranceVia is null ? "card.not-registered-for-insurance"
            : null);
    }

    /// <summary>The active qualification today, or why there is none.</summary>
    public static (InsuranceQualificationView? Qualification, string? Reason) Qualification(InsuranceSummary insurance, DateOnly today)
    {
        if (insurance.RecordClosed)
        {
            return (null, "person.record-closed");
        }
        var active = Persons.InsuranceRules.ActiveOn(insurance, today);
        return active is null ? (null, "insurance.no-active-qualification") : (active, null);
    }

    /// <summary>
    /// The answer: the qualification for the reception desk, the ceiling category only with the patient's
    /// consent; never the number or the person id (the types carry neither).
    /// </summary>
    public static EligibilityAnswer Answer(
        Guid checkId, InsuranceSummary? insurance, InsuranceQualificationView? qualification, string? reason,
        IReadOnlyList<ClinicConsentScope> consents, DateTimeOffset? consentValidUntil) =>
        new(checkId,
            qualification is not null && reason is null,
            reason,
            insurance?.Name,
            insurance?.DateOfBirth,
            qualification?.Insurer,
            qualification?.Insured,
            qualification?.ValidFrom,
            qualification?.ValidUntil,
            qualification is not null && consents.Contains(ClinicConsentScope.CeilingCategory) ? qualification.Ceiling : null,
            consentValidUntil is null ? [] : consents,
            consentValidUntil);

    /// <summary>The ledger events of one check; consent is recorded only when the patient was confirmed eligible.</summary>
    public static Decision<ILedgerEvent> Record(PersonId person, RecordEligibilityCheck command, DateTimeOffset now, Actor actor)
    {
        var checkedEvent = new EligibilityChecked(person, command.CheckId, command.Card, command.Institution, command.TerminalId,
            command.Method, command.StaffId, command.Eligible, command.Reason, command.Insurer, command.DocumentNumber, now, actor);
        return command.Eligible && command.Consents.Count > 0
            ? Decision<ILedgerEvent>.Accept(checkedEvent, new ClinicConsentGiven(person, command.CheckId, command.Institution,
                command.Consents, command.Method, command.StaffId, now + ConsentLifetime, now, actor))
            : Decision<ILedgerEvent>.Accept(checkedEvent);
    }

    public static IReadOnlyList<ClinicConsentView> Consents(LedgerState state, DateTimeOffset now) =>
        state.RecentConsents
            .Select(c => new ClinicConsentView(c.ConsentId, c.Institution, c.Scopes, c.Method, c.StaffId, c.OccurredAt, c.ValidUntil, now < c.ValidUntil))
            .Reverse()
            .ToList();

    private static DomainError Invalid(string field, string message) => DomainError.Validation($"eligibility.invalid-{field}", message);
}

/// <summary>A clinic read (or was refused) the person's medical information under an eligibility-check consent.</summary>
[EventName("medical_information_read_v1")]
public sealed record MedicalInformationRead(
    PersonId PersonId,
    Guid ReadId,
    Guid CheckId,
    string Institution,
    string TerminalId,
    IReadOnlyList<ClinicConsentScope> Items,
    string? RefusedBecause,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>The ledger's rule for medical reads: every attempt is one line, recorded once per read id.</summary>
public static class MedicalReadRules
{
    public static Decision<ILedgerEvent> Record(PersonId person, Myna.GrainInterfaces.Medical.RecordMedicalRead command, DateTimeOffset now, Actor actor) =>
        Decision<ILedgerEvent>.Accept(new MedicalInformationRead(person, command.ReadId, command.CheckId, command.Institution, command.TerminalId,
            command.Items, command.RefusedBecause, now, actor));
}

/// <summary>
/// Disaster mode: a clinic in a declared area found the patient by the basic four items, without the card
/// and without a consent. Flagged as such on the ledger.
/// </summary>
[EventName("disaster_lookup_performed_v1")]
public sealed record DisasterLookupPerformed(
    PersonId PersonId,
    Guid LookupId,
    Guid DisasterId,
    string Institution,
    string TerminalId,
    bool IncludedMedication,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

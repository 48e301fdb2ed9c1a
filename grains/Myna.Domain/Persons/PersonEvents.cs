using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.
// Each type's stored name is its [EventName], never derived from the CLR name.

public interface IPersonEvent : IDomainEvent
{
    PersonId PersonId { get; }
}

/// <summary>A municipality entered the person on its resident record (birth or move-in).</summary>
[EventName("person_registered_v1")]
public sealed record PersonRegistered(
    PersonId PersonId,
    BasicFourItems Items,
    MunicipalityCode Municipality,
    RegistrationReason Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The person's lifelong Individual Number was assigned (reserved for ever from then on).</summary>
[EventName("individual_number_assigned_v1")]
public sealed record IndividualNumberAssigned(
    PersonId PersonId,
    [property: PersonalData] IndividualNumber Number,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The person's address on the resident record changed (a move within or into a municipality).</summary>
[EventName("person_moved_v1")]
public sealed record PersonMoved(
    PersonId PersonId,
    [property: PersonalData] string NewAddress,
    MunicipalityCode Municipality,
    DateOnly MovedOn,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>
/// Move-out recorded by the managing municipality (or by the resident online) towards a named destination
/// (invariant 17). Only a hash of the transfer reference's secret is kept: the usable reference is returned once.
/// </summary>
[EventName("person_moved_out_v1")]
public sealed record PersonMovedOut(
    PersonId PersonId,
    Guid TransferId,
    MunicipalityCode From,
    MunicipalityCode Destination,
    DateOnly PlannedMoveOn,
    DateOnly ExpiresOn,
    string SecretHash,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The move-out was withdrawn by its municipality before any move-in; the reference is dead.</summary>
[EventName("move_out_cancelled_v1")]
public sealed record MoveOutCancelled(
    PersonId PersonId,
    Guid TransferId,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>
/// The destination municipality recorded the move-in against the move-out: the record (and with it the card)
/// passes to it. Followed in the same commit by <see cref="PersonMoved"/> with the new address.
/// </summary>
[EventName("person_moved_in_v1")]
public sealed record PersonMovedIn(
    PersonId PersonId,
    Guid TransferId,
    MunicipalityCode From,
    MunicipalityCode To,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The name on the resident record changed (marriage, adoption, …). Revokes signature certificates (cards).</summary>
[EventName("person_renamed_v1")]
public sealed record PersonRenamed(
    PersonId PersonId,
    [property: PersonalData] string NewName,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>Death, emigration or removal closed the resident record; every later change is refused.</summary>
[EventName("resident_record_closed_v1")]
public sealed record ResidentRecordClosed(
    PersonId PersonId,
    ClosureReason Reason,
    DateOnly EffectiveOn,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>
/// The person's personal data was erased where the law requires it (crypto-shredding): their key is
/// destroyed, so every name, address, date of birth and sex stored in their events reads as erased from
/// now on. The event itself holds nothing personal; the facts (a record existed and was closed, cards,
/// insurance) stay auditable.
/// </summary>
[EventName("personal_data_erased_v1")]
public sealed record PersonalDataErased(
    PersonId PersonId,
    string LegalBasis,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>A clerk asked for the person's personal data to be erased; it waits for a second clerk's approval (invariant 22).</summary>
[EventName("personal_data_erasure_requested_v1")]
public sealed record PersonalDataErasureRequested(
    PersonId PersonId,
    string LegalBasis,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>A second, different clerk of the same municipality approved the pending erasure (the erasure follows in the same append).</summary>
[EventName("personal_data_erasure_approved_v1")]
public sealed record PersonalDataErasureApproved(
    PersonId PersonId,
    string RequestedBy,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>A clerk asked for the person's number to be replaced after a leak decision; it waits for a second clerk's approval.</summary>
[EventName("number_replacement_requested_v1")]
public sealed record NumberReplacementRequested(
    PersonId PersonId,
    string LeakDecisionReference,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>A second, different clerk approved the pending replacement (the new number follows in the same append).</summary>
[EventName("number_replacement_approved_v1")]
public sealed record NumberReplacementApproved(
    PersonId PersonId,
    string RequestedBy,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>
/// After a recorded leak decision the person got a new number. The old one stays reserved for ever
/// and is never issued to anybody again.
/// </summary>
[EventName("individual_number_replaced_v1")]
public sealed record IndividualNumberReplaced(
    PersonId PersonId,
    [property: PersonalData] IndividualNumber OldNumber,
    [property: PersonalData] IndividualNumber NewNumber,
    string LeakDecisionReference,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The number notification letter went out to this address. It is never proof of the number or of identity.</summary>
[EventName("number_notification_letter_sent_v1")]
public sealed record NumberNotificationLetterSent(
    PersonId PersonId,
    [property: PersonalData] string AddressUsed,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

[EventName("disability_certificate_recorded_v1")]
public sealed record DisabilityCertificateRecorded(
    PersonId PersonId,
    [property: PersonalData] string CertificateNumber,
    DisabilityKind Kind,
    [property: PersonalData] string Grade,
    [property: PersonalData] string Issuer,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

[EventName("disability_certificate_updated_v1")]
public sealed record DisabilityCertificateUpdated(
    PersonId PersonId,
    [property: PersonalData] string CertificateNumber,
    [property: PersonalData] string Grade,
    DateOnly? ValidUntil,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

[EventName("disability_certificate_expired_v1")]
public sealed record DisabilityCertificateExpired(
    PersonId PersonId,
    [property: PersonalData] string CertificateNumber,
    DateOnly ExpiredOn,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

[EventName("income_summary_recorded_v1")]
public sealed record IncomeSummaryRecorded(
    PersonId PersonId,
    int FiscalYear,
    [property: PersonalData] long TotalIncomeYen,
    [property: PersonalData] long TaxableIncomeYen,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

// Access ledger: every look at the person's data by someone else is an event on their own stream.

/// <summary>A counter checked the number and the person's identity for a procedure.</summary>
[EventName("identity_verified_v1")]
public sealed record IdentityVerified(
    PersonId PersonId,
    string Procedure,
    IReadOnlyList<PresentedDocumentKind> Documents,
    bool Accepted,
    IReadOnlyList<string> Reasons,
    string? HelpedBy,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>An agency obtained its own code for the person (the one time it used the number).</summary>
[EventName("agency_code_issued_v1")]
public sealed record AgencyCodeIssued(
    PersonId PersonId,
    string Agency,
    [property: PersonalData] AgencyCode Code,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>Data about the person was provided to an agency for a procedure.</summary>
[EventName("person_data_provided_v1")]
public sealed record PersonDataProvided(
    PersonId PersonId,
    string Agency,
    DataItem Item,
    string Procedure,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>An agency asked for an item it has no right to; it got nothing, and the person can see that it asked.</summary>
[EventName("person_data_request_refused_v1")]
public sealed record PersonDataRequestRefused(
    PersonId PersonId,
    string Agency,
    DataItem Item,
    string Procedure,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>
/// The resident record code from which the person's (current) Individual Number was derived. Recorded
/// with each assignment or replacement: a replacement after a leak derives from a new code.
/// </summary>
[EventName("resident_record_code_assigned_v1")]
public sealed record ResidentRecordCodeAssigned(
    PersonId PersonId,
    [property: PersonalData] ResidentRecordCode Code,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>A card became the person's one active card; the previous one (if any) is to be abolished as reissued.</summary>
[EventName("active_card_changed_v1")]
public sealed record ActiveCardChanged(
    PersonId PersonId,
    CardId Card,
    CardId? Previous,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>
/// A reaction this person's change caused on their card (signature certificate revoked, card abolished)
/// was carried out. Until then it is pending in the person's state and retried (at least once, idempotent).
/// </summary>
[EventName("card_reaction_completed_v1")]
public sealed record CardReactionCompleted(
    PersonId PersonId,
    long Reaction,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

// Health insurance: an insurer's enrolment lands here, on the member's own stream (invariants 8, 9).

/// <summary>An insurer enrolled the person: linked on the number they gave, or on a full basic-four match.</summary>
[EventName("insurance_qualification_acquired_v1")]
public sealed record InsuranceQualificationAcquired(
    PersonId PersonId,
    Guid QualificationId,
    InsurerNumber Insurer,
    InsuredId Insured,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    CeilingCategory Ceiling,
    LinkBasis LinkedBy,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The insurer disenrolled the person: the qualification's last day.</summary>
[EventName("insurance_qualification_ended_v1")]
public sealed record InsuranceQualificationEnded(
    PersonId PersonId,
    Guid QualificationId,
    InsurerNumber Insurer,
    DateOnly LastDay,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

[EventName("ceiling_category_changed_v1")]
public sealed record CeilingCategoryChanged(
    PersonId PersonId,
    Guid QualificationId,
    InsurerNumber Insurer,
    CeilingCategory Category,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The insurer issued an eligibility confirmation document (資格確認書) for one of the person's qualifications.</summary>
[EventName("confirmation_document_issued_v1")]
public sealed record ConfirmationDocumentIssued(
    PersonId PersonId,
    string DocumentNumber,
    Guid QualificationId,
    InsurerNumber Insurer,
    DateOnly IssuedOn,
    DateOnly ValidUntil,
    ConfirmationDocumentReason Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

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
[GenerateSerializer, Immutable, EventName("person_registered_v1")]
public sealed record PersonRegistered(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] BasicFourItems Items,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] RegistrationReason Reason,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>The person's lifelong Individual Number was assigned (reserved for ever from then on).</summary>
[GenerateSerializer, Immutable, EventName("individual_number_assigned_v1")]
public sealed record IndividualNumberAssigned(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] IndividualNumber Number,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>The person's address on the resident record changed (a move within or into a municipality).</summary>
[GenerateSerializer, Immutable, EventName("person_moved_v1")]
public sealed record PersonMoved(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] string NewAddress,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateOnly MovedOn,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>
/// Move-out recorded by the managing municipality (or by the resident online) towards a named destination
/// (invariant 17). Only a hash of the transfer reference's secret is kept: the usable reference is returned once.
/// </summary>
[GenerateSerializer, Immutable, EventName("person_moved_out_v1")]
public sealed record PersonMovedOut(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid TransferId,
    [property: Id(2)] MunicipalityCode From,
    [property: Id(3)] MunicipalityCode Destination,
    [property: Id(4)] DateOnly PlannedMoveOn,
    [property: Id(5)] DateOnly ExpiresOn,
    [property: Id(6)] string SecretHash,
    [property: Id(7)] DateTimeOffset OccurredAt,
    [property: Id(8)] Actor Actor) : IPersonEvent;

/// <summary>The move-out was withdrawn by its municipality before any move-in; the reference is dead.</summary>
[GenerateSerializer, Immutable, EventName("move_out_cancelled_v1")]
public sealed record MoveOutCancelled(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid TransferId,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

/// <summary>
/// The destination municipality recorded the move-in against the move-out: the record (and with it the card)
/// passes to it. Followed in the same commit by <see cref="PersonMoved"/> with the new address.
/// </summary>
[GenerateSerializer, Immutable, EventName("person_moved_in_v1")]
public sealed record PersonMovedIn(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid TransferId,
    [property: Id(2)] MunicipalityCode From,
    [property: Id(3)] MunicipalityCode To,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>The name on the resident record changed (marriage, adoption, …). Revokes signature certificates (cards).</summary>
[GenerateSerializer, Immutable, EventName("person_renamed_v1")]
public sealed record PersonRenamed(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] string NewName,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>Death, emigration or removal closed the resident record; every later change is refused.</summary>
[GenerateSerializer, Immutable, EventName("resident_record_closed_v1")]
public sealed record ResidentRecordClosed(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] ClosureReason Reason,
    [property: Id(2)] DateOnly EffectiveOn,
    [property: Id(3)] MunicipalityCode Municipality,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>
/// The person's personal data was erased where the law requires it (crypto-shredding): their key is
/// destroyed, so every name, address, date of birth and sex stored in their events reads as erased from
/// now on. The event itself holds nothing personal; the facts (a record existed and was closed, cards,
/// insurance) stay auditable.
/// </summary>
[GenerateSerializer, Immutable, EventName("personal_data_erased_v1")]
public sealed record PersonalDataErased(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string LegalBasis,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

/// <summary>A clerk asked for the person's personal data to be erased; it waits for a second clerk's approval (invariant 22).</summary>
[GenerateSerializer, Immutable, EventName("personal_data_erasure_requested_v1")]
public sealed record PersonalDataErasureRequested(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string LegalBasis,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>A second, different clerk of the same municipality approved the pending erasure (the erasure follows in the same append).</summary>
[GenerateSerializer, Immutable, EventName("personal_data_erasure_approved_v1")]
public sealed record PersonalDataErasureApproved(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string RequestedBy,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

/// <summary>A clerk asked for the person's number to be replaced after a leak decision; it waits for a second clerk's approval.</summary>
[GenerateSerializer, Immutable, EventName("number_replacement_requested_v1")]
public sealed record NumberReplacementRequested(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string LeakDecisionReference,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>A second, different clerk approved the pending replacement (the new number follows in the same append).</summary>
[GenerateSerializer, Immutable, EventName("number_replacement_approved_v1")]
public sealed record NumberReplacementApproved(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string RequestedBy,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

/// <summary>
/// After a recorded leak decision the person got a new number. The old one stays reserved for ever
/// and is never issued to anybody again.
/// </summary>
[GenerateSerializer, Immutable, EventName("individual_number_replaced_v1")]
public sealed record IndividualNumberReplaced(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] IndividualNumber OldNumber,
    [property: Id(2), PersonalData] IndividualNumber NewNumber,
    [property: Id(3)] string LeakDecisionReference,
    [property: Id(4)] MunicipalityCode Municipality,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor) : IPersonEvent;

/// <summary>The number notification letter went out to this address. It is never proof of the number or of identity.</summary>
[GenerateSerializer, Immutable, EventName("number_notification_letter_sent_v1")]
public sealed record NumberNotificationLetterSent(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] string AddressUsed,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

[GenerateSerializer, Immutable, EventName("disability_certificate_recorded_v1")]
public sealed record DisabilityCertificateRecorded(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] string CertificateNumber,
    [property: Id(2)] DisabilityKind Kind,
    [property: Id(3), PersonalData] string Grade,
    [property: Id(4), PersonalData] string Issuer,
    [property: Id(5)] DateOnly ValidFrom,
    [property: Id(6)] DateOnly? ValidUntil,
    [property: Id(7)] DateTimeOffset OccurredAt,
    [property: Id(8)] Actor Actor) : IPersonEvent;

[GenerateSerializer, Immutable, EventName("disability_certificate_updated_v1")]
public sealed record DisabilityCertificateUpdated(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] string CertificateNumber,
    [property: Id(2), PersonalData] string Grade,
    [property: Id(3)] DateOnly? ValidUntil,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

[GenerateSerializer, Immutable, EventName("disability_certificate_expired_v1")]
public sealed record DisabilityCertificateExpired(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] string CertificateNumber,
    [property: Id(2)] DateOnly ExpiredOn,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

[GenerateSerializer, Immutable, EventName("income_summary_recorded_v1")]
public sealed record IncomeSummaryRecorded(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] int FiscalYear,
    [property: Id(2), PersonalData] long TotalIncomeYen,
    [property: Id(3), PersonalData] long TaxableIncomeYen,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

// Access ledger: every look at the person's data by someone else is an event on their own stream.

/// <summary>A counter checked the number and the person's identity for a procedure.</summary>
[GenerateSerializer, Immutable, EventName("identity_verified_v1")]
public sealed record IdentityVerified(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string Procedure,
    [property: Id(2)] IReadOnlyList<PresentedDocumentKind> Documents,
    [property: Id(3)] bool Accepted,
    [property: Id(4)] IReadOnlyList<string> Reasons,
    [property: Id(5)] string? HelpedBy,
    [property: Id(6)] DateTimeOffset OccurredAt,
    [property: Id(7)] Actor Actor) : IPersonEvent;

/// <summary>An agency obtained its own code for the person (the one time it used the number).</summary>
[GenerateSerializer, Immutable, EventName("agency_code_issued_v1")]
public sealed record AgencyCodeIssued(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string Agency,
    [property: Id(2), PersonalData] AgencyCode Code,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>Data about the person was provided to an agency for a procedure.</summary>
[GenerateSerializer, Immutable, EventName("person_data_provided_v1")]
public sealed record PersonDataProvided(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string Agency,
    [property: Id(2)] DataItem Item,
    [property: Id(3)] string Procedure,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>An agency asked for an item it has no right to; it got nothing, and the person can see that it asked.</summary>
[GenerateSerializer, Immutable, EventName("person_data_request_refused_v1")]
public sealed record PersonDataRequestRefused(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string Agency,
    [property: Id(2)] DataItem Item,
    [property: Id(3)] string Procedure,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor) : IPersonEvent;

/// <summary>
/// The resident record code from which the person's (current) Individual Number was derived. Recorded
/// with each assignment or replacement: a replacement after a leak derives from a new code.
/// </summary>
[GenerateSerializer, Immutable, EventName("resident_record_code_assigned_v1")]
public sealed record ResidentRecordCodeAssigned(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1), PersonalData] ResidentRecordCode Code,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

/// <summary>A card became the person's one active card; the previous one (if any) is to be abolished as reissued.</summary>
[GenerateSerializer, Immutable, EventName("active_card_changed_v1")]
public sealed record ActiveCardChanged(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] CardId Card,
    [property: Id(2)] CardId? Previous,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>
/// A reaction this person's change caused on their card (signature certificate revoked, card abolished)
/// was carried out. Until then it is pending in the person's state and retried (at least once, idempotent).
/// </summary>
[GenerateSerializer, Immutable, EventName("card_reaction_completed_v1")]
public sealed record CardReactionCompleted(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] long Reaction,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPersonEvent;

// Health insurance: an insurer's enrolment lands here, on the member's own stream (invariants 8, 9).

/// <summary>An insurer enrolled the person: linked on the number they gave, or on a full basic-four match.</summary>
[GenerateSerializer, Immutable, EventName("insurance_qualification_acquired_v1")]
public sealed record InsuranceQualificationAcquired(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid QualificationId,
    [property: Id(2)] InsurerNumber Insurer,
    [property: Id(3)] InsuredId Insured,
    [property: Id(4)] DateOnly ValidFrom,
    [property: Id(5)] DateOnly? ValidUntil,
    [property: Id(6)] CeilingCategory Ceiling,
    [property: Id(7)] LinkBasis LinkedBy,
    [property: Id(8)] DateTimeOffset OccurredAt,
    [property: Id(9)] Actor Actor) : IPersonEvent;

/// <summary>The insurer disenrolled the person: the qualification's last day.</summary>
[GenerateSerializer, Immutable, EventName("insurance_qualification_ended_v1")]
public sealed record InsuranceQualificationEnded(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid QualificationId,
    [property: Id(2)] InsurerNumber Insurer,
    [property: Id(3)] DateOnly LastDay,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor) : IPersonEvent;

[GenerateSerializer, Immutable, EventName("ceiling_category_changed_v1")]
public sealed record CeilingCategoryChanged(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid QualificationId,
    [property: Id(2)] InsurerNumber Insurer,
    [property: Id(3)] CeilingCategory Category,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>The insurer issued an eligibility confirmation document (資格確認書) for one of the person's qualifications.</summary>
[GenerateSerializer, Immutable, EventName("confirmation_document_issued_v1")]
public sealed record ConfirmationDocumentIssued(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string DocumentNumber,
    [property: Id(2)] Guid QualificationId,
    [property: Id(3)] InsurerNumber Insurer,
    [property: Id(4)] DateOnly IssuedOn,
    [property: Id(5)] DateOnly ValidUntil,
    [property: Id(6)] ConfirmationDocumentReason Reason,
    [property: Id(7)] DateTimeOffset OccurredAt,
    [property: Id(8)] Actor Actor) : IPersonEvent;

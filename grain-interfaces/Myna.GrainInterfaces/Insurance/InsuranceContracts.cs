using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Insurance;

public enum InsurerStatus
{
    None,
    Active,
    Suspended,
    /// <summary>Merged into another insurer: terminal; it enrols nobody any more.</summary>
    Merged,
}

/// <summary>How a qualification was attached to the person (invariant 8: nothing else links).</summary>
public enum LinkBasis
{
    IndividualNumber,
    BasicFourItems,
}

/// <summary>記号・番号・枝番: the member's symbol, number and 2-digit branch number at the insurer.</summary>
[GenerateSerializer, Immutable, Alias("myna.insured-id")]
public sealed record InsuredId(
    [property: Id(0)] string Symbol,
    [property: Id(1)] string Number,
    [property: Id(2)] string Branch);

[GenerateSerializer, Immutable, Alias("myna.insurer-view")]
public sealed record InsurerView(
    [property: Id(0)] InsurerNumber Number,
    [property: Id(1)] string Name,
    [property: Id(2)] InsurerStatus Status,
    [property: Id(3)] InsurerNumber? MergedInto,
    [property: Id(4)] string? SuspendedBecause,
    [property: Id(5)] long Version);

/// <summary>One insurance qualification (資格) on a person's record.</summary>
[GenerateSerializer, Immutable, Alias("myna.insurance-qualification-view")]
public sealed record InsuranceQualificationView(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] InsurerNumber Insurer,
    [property: Id(2)] InsuredId Insured,
    [property: Id(3)] DateOnly ValidFrom,
    [property: Id(4)] DateOnly? ValidUntil,
    [property: Id(5)] CeilingCategory Ceiling,
    [property: Id(6)] LinkBasis LinkedBy,
    [property: Id(7)] string? EndedBecause);

/// <summary>Why an eligibility confirmation document (資格確認書) was issued.</summary>
public enum ConfirmationDocumentReason
{
    /// <summary>The member has no card registered as a health insurance card.</summary>
    NoRegisteredCard,
    /// <summary>The member asked for one because they need help using the card (elderly, disabled, …).</summary>
    Requested,
}

/// <summary>An eligibility confirmation document: accepted at reception instead of the card, checked by staff.</summary>
[GenerateSerializer, Immutable, Alias("myna.confirmation-document-view")]
public sealed record ConfirmationDocumentView(
    [property: Id(0)] string DocumentNumber,
    [property: Id(1)] Guid QualificationId,
    [property: Id(2)] InsurerNumber Insurer,
    [property: Id(3)] DateOnly IssuedOn,
    [property: Id(4)] DateOnly ValidUntil,
    [property: Id(5)] ConfirmationDocumentReason Reason);

/// <summary>What a person's insurance looks like from outside: never the number, never the person id.</summary>
[GenerateSerializer, Immutable, Alias("myna.insurance-summary")]
public sealed record InsuranceSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] DateOnly DateOfBirth,
    [property: Id(2)] bool RecordClosed,
    [property: Id(3)] IReadOnlyList<InsuranceQualificationView> Qualifications,
    [property: Id(4)] IReadOnlyList<ConfirmationDocumentView> Documents,
    [property: Id(5)] CardId? ActiveCard);

[GenerateSerializer, Immutable, Alias("myna.cmd.issue-confirmation-document")]
public sealed record IssueConfirmationDocument(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] ConfirmationDocumentReason Reason);

/// <summary>The document as the person's stream records it; the insurer grain checked the card's registration.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-confirmation-document")]
public sealed record RecordConfirmationDocument(
    [property: Id(0)] string DocumentNumber,
    [property: Id(1)] Guid QualificationId,
    [property: Id(2)] InsurerNumber Insurer,
    [property: Id(3)] ConfirmationDocumentReason Reason,
    [property: Id(4)] bool HasCardRegisteredForInsurance);

[GenerateSerializer, Immutable, Alias("myna.cmd.register-insurer")]
public sealed record RegisterInsurer([property: Id(0)] string Name);

[GenerateSerializer, Immutable, Alias("myna.cmd.suspend-insurer")]
public sealed record SuspendInsurer([property: Id(0)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.resume-insurer")]
public sealed record ResumeInsurer([property: Id(0)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.merge-insurer")]
public sealed record MergeInsurer([property: Id(0)] InsurerNumber Into);

/// <summary>
/// An insurer enrols a member: with the Individual Number the member gave, or with all four basic items.
/// Exactly one of <see cref="Number"/> and <see cref="Items"/> is given.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.enrol-member")]
public sealed record EnrolMember(
    [property: Id(0)] IndividualNumber? Number,
    [property: Id(1)] BasicFourItems? Items,
    [property: Id(2)] InsuredId Insured,
    [property: Id(3)] DateOnly ValidFrom,
    [property: Id(4)] DateOnly? ValidUntil,
    [property: Id(5)] CeilingCategory Ceiling);

[GenerateSerializer, Immutable, Alias("myna.enrolment-receipt")]
public sealed record EnrolmentReceipt(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] LinkBasis LinkedBy,
    [property: Id(2)] DateOnly ValidFrom,
    [property: Id(3)] DateOnly? ValidUntil);

[GenerateSerializer, Immutable, Alias("myna.cmd.disenrol-member")]
public sealed record DisenrolMember(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] DateOnly LastDay,
    [property: Id(2)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.change-ceiling-category")]
public sealed record ChangeCeilingCategory(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] CeilingCategory Category);

/// <summary>
/// The qualification as the person's stream records it. The insurer grain resolved the person first;
/// for a basic-four link the person grain compares the insurer's items with its own record again, inside
/// its consistency boundary, so a stale index can never link the wrong person.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.acquire-qualification")]
public sealed record AcquireQualification(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] InsurerNumber Insurer,
    [property: Id(2)] InsuredId Insured,
    [property: Id(3)] DateOnly ValidFrom,
    [property: Id(4)] DateOnly? ValidUntil,
    [property: Id(5)] CeilingCategory Ceiling,
    [property: Id(6)] LinkBasis LinkedBy,
    [property: Id(7)] BasicFourItems? ClaimedItems);

[GenerateSerializer, Immutable, Alias("myna.cmd.end-qualification")]
public sealed record EndQualification(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] InsurerNumber Insurer,
    [property: Id(2)] DateOnly LastDay,
    [property: Id(3)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.change-qualification-ceiling")]
public sealed record ChangeQualificationCeiling(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] InsurerNumber Insurer,
    [property: Id(2)] CeilingCategory Category);

/// <summary>
/// One health insurer (key: its insurer number). Its state is its registration only: members live on
/// their own person streams, so a 40-million-member insurer activates as fast as a small one. Member
/// commands read the insurer's status and are interleaved (<c>ReadOnly</c>), so one insurer's enrolments
/// run in parallel instead of queueing behind each other.
/// </summary>
public interface IInsurerGrain : IGrainWithStringKey, IEventSourcedGrain
{
    [Alias("Register")]
    Task<Result<InsurerView>> Register(CommandContext context, RegisterInsurer command);

    [Alias("Suspend")]
    Task<Result<InsurerView>> Suspend(CommandContext context, SuspendInsurer command);

    [Alias("Resume")]
    Task<Result<InsurerView>> Resume(CommandContext context, ResumeInsurer command);

    [Alias("Merge")]
    Task<Result<InsurerView>> Merge(CommandContext context, MergeInsurer command);

    [Alias("Get")]
    Task<Result<InsurerView>> Get();

    [Alias("Enrol"), Orleans.Concurrency.ReadOnly]
    Task<Result<EnrolmentReceipt>> Enrol(CommandContext context, EnrolMember command);

    [Alias("Disenrol"), Orleans.Concurrency.ReadOnly]
    Task<Result<InsuranceQualificationView>> Disenrol(CommandContext context, DisenrolMember command);

    /// <summary>Issues an eligibility confirmation document for one of this insurer's qualifications.</summary>
    [Alias("IssueConfirmationDocument"), Orleans.Concurrency.ReadOnly]
    Task<Result<ConfirmationDocumentView>> IssueConfirmationDocument(CommandContext context, IssueConfirmationDocument command);

    /// <summary>Voids a qualification linked to the wrong person (a correction, in effect from its first day).</summary>
    [Alias("VoidQualification"), Orleans.Concurrency.ReadOnly]
    Task<Result<QualificationVoidedReceipt>> VoidQualification(CommandContext context, VoidMemberQualification command);

    [Alias("ChangeCeiling"), Orleans.Concurrency.ReadOnly]
    Task<Result<InsuranceQualificationView>> ChangeCeiling(CommandContext context, ChangeCeilingCategory command);
}

using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.GrainInterfaces.Persons;

/// <summary>Whether a number is a person's current one, or one they held before a leak replacement.</summary>
public enum NumberStatus
{
    NotTheirs,
    Current,
    Replaced,
}

/// <summary>One resident: the basic four items, the Individual Number and everything recorded about them.</summary>
public interface IPersonGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("Register")]
    Task<Result<PersonProfile>> Register(CommandContext context, RegisterPerson command);

    [Alias("AssignIndividualNumber")]
    Task<Result<PersonProfile>> AssignIndividualNumber(CommandContext context, AssignIndividualNumber command);

    /// <summary>
    /// Registration and the first number as one command (one receipt): a line of a municipality's bulk
    /// registration. The bulk writer starts such streams itself; this is the same decision for one line, and
    /// the answer to a retried line whose stream exists.
    /// </summary>
    [Alias("RegisterWithNumber")]
    Task<Result<PersonProfile>> RegisterWithNumber(CommandContext context, RegisterPersonWithNumber command);

    /// <summary>Requests a replacement (invariant 22): nothing changes until <see cref="ApproveNumberReplacement"/> by a second clerk.</summary>
    [Alias("ReplaceIndividualNumber")]
    Task<Result<PersonProfile>> ReplaceIndividualNumber(CommandContext context, ReplaceIndividualNumber command);

    [Alias("ApproveNumberReplacement")]
    Task<Result<PersonProfile>> ApproveNumberReplacement(CommandContext context, ApproveNumberReplacement command);

    [Alias("RecordMove")]
    Task<Result<PersonProfile>> RecordMove(CommandContext context, RecordMove command);

    /// <summary>Move-out towards another municipality (invariant 17): the managing municipality's clerk or the resident.</summary>
    [Alias("RecordMoveOut")]
    Task<Result<MoveOutView>> RecordMoveOut(CommandContext context, RecordMoveOut command);

    [Alias("CancelMoveOut")]
    Task<Result<PersonProfile>> CancelMoveOut(CommandContext context, CancelMoveOut command);

    /// <summary>Move-in by the destination against the move-out's reference; any mismatch is one 404 <c>transfer.not-found</c>.</summary>
    [Alias("RecordMoveIn")]
    Task<Result<PersonProfile>> RecordMoveIn(CommandContext context, RecordMoveIn command);

    [Alias("Rename")]
    Task<Result<PersonProfile>> Rename(CommandContext context, RenamePerson command);

    [Alias("CloseRecord")]
    Task<Result<PersonProfile>> CloseRecord(CommandContext context, CloseResidentRecord command);

    [Alias("RecordDisabilityCertificate")]
    Task<Result<PersonProfile>> RecordDisabilityCertificate(CommandContext context, RecordDisabilityCertificate command);

    [Alias("UpdateDisabilityCertificate")]
    Task<Result<PersonProfile>> UpdateDisabilityCertificate(CommandContext context, UpdateDisabilityCertificate command);

    [Alias("ExpireDisabilityCertificate")]
    Task<Result<PersonProfile>> ExpireDisabilityCertificate(CommandContext context, ExpireDisabilityCertificate command);

    [Alias("RecordIncomeSummary")]
    Task<Result<PersonProfile>> RecordIncomeSummary(CommandContext context, RecordIncomeSummary command);

    /// <summary>The tax agency's feed: the years of one batch for this person, recorded under the batch's derived command id.</summary>
    /// <summary>Erases the personal data of a closed record for ever (its key is destroyed); the events stay.</summary>
    /// <summary>Requests an erasure (invariant 22): nothing is erased until <see cref="ApprovePersonalDataErasure"/> by a second clerk.</summary>
    [Alias("ErasePersonalData")]
    Task<Result<PersonProfile>> ErasePersonalData(CommandContext context, ErasePersonalData command);

    [Alias("ApprovePersonalDataErasure")]
    Task<Result<PersonProfile>> ApprovePersonalDataErasure(CommandContext context, ApprovePersonalDataErasure command);

    [Alias("RecordAssessedIncome")]
    Task<Result<PersonProfile>> RecordAssessedIncome(CommandContext context, RecordAssessedIncome command);

    /// <summary>Checks presented documents for a procedure; the check itself is on the person's ledger.</summary>
    [Alias("VerifyIdentity")]
    Task<Result<IdentityVerificationResult>> VerifyIdentity(CommandContext context, VerifyIdentity command);

    [Alias("RecordAgencyCodeIssued")]
    Task<Result<AgencyCode>> RecordAgencyCodeIssued(CommandContext context, string agency, AgencyCode code);

    /// <summary>Gives an agency one data item (never the number); provisions and refusals go on the ledger.</summary>
    [Alias("ProvideData")]
    Task<Result<ProvidedData>> ProvideData(CommandContext context, AgencyCode code, ProvideData request);

    /// <summary>
    /// Invariant 2, at most one active card: the person's stream serialises activations and says which
    /// card was active before, so the caller can abolish it.
    /// </summary>
    [Alias("RegisterActiveCard")]
    Task<Result<Cards.ActiveCardChange>> RegisterActiveCard(CommandContext context, CardId card);

    /// <summary>Invariants 8 and 9: the qualification an insurer enrolled, linked only on the number or a full basic-four match.</summary>
    [Alias("AcquireQualification")]
    Task<Result<InsuranceQualificationView>> AcquireQualification(CommandContext context, AcquireQualification command);

    [Alias("EndQualification")]
    Task<Result<InsuranceQualificationView>> EndQualification(CommandContext context, EndQualification command);

    /// <summary>A correction: the qualification was linked to the wrong person and never applied to this one.</summary>
    [Alias("VoidQualification")]
    Task<Result<QualificationVoidedReceipt>> VoidQualification(CommandContext context, VoidQualification command);

    [Alias("ChangeQualificationCeiling")]
    Task<Result<InsuranceQualificationView>> ChangeQualificationCeiling(CommandContext context, ChangeQualificationCeiling command);

    [Alias("RecordConfirmationDocument")]
    Task<Result<ConfirmationDocumentView>> RecordConfirmationDocument(CommandContext context, RecordConfirmationDocument command);

    /// <summary>The person's insurance as a clinic or the resident may see it (no number). Read-only, so clinic reads interleave.</summary>
    [Alias("GetInsurance"), Orleans.Concurrency.ReadOnly]
    Task<Result<InsuranceSummary>> GetInsurance();

    /// <summary>The current basic four items of an open record (null when unregistered or closed), for matching.</summary>
    [Alias("GetBasicFour"), Orleans.Concurrency.ReadOnly]
    Task<BasicFourItems?> GetBasicFour();

    /// <summary>A kiosk issuance (or its recorded refusal) for the card bound to a kiosk session.</summary>
    [Alias("IssueKioskCertificate")]
    Task<Result<Kiosks.KioskDocument>> IssueKioskCertificate(CommandContext context, Kiosks.IssueKioskCertificate command);

    [Alias("StartProtectionMeasure")]
    Task<Result<PersonProfile>> StartProtectionMeasure(CommandContext context, Kiosks.StartProtectionMeasure command);

    [Alias("EndProtectionMeasure")]
    Task<Result<PersonProfile>> EndProtectionMeasure(CommandContext context, Kiosks.EndProtectionMeasure command);

    [Alias("GetProfile")]
    Task<Result<PersonProfile>> GetProfile();

    [Alias("GetNumberStatus")]
    Task<NumberStatus> GetNumberStatus(IndividualNumber number);
}

using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>Why a resident record was closed. A closed record refuses every later command.</summary>
public enum ClosureReason
{
    Death,
    EmigratedAbroad,
    RemovedFromRecord,
}

public enum DisabilityKind
{
    Physical,
    Intellectual,
    MentalHealth,
}

/// <summary>A move to another municipality starts here: the managing municipality (or the resident) names the destination.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-move-out")]
public sealed record RecordMoveOut([property: Id(0)] MunicipalityCode Destination, [property: Id(1)] DateOnly PlannedMoveOn);

[GenerateSerializer, Immutable, Alias("myna.cmd.cancel-move-out")]
public sealed record CancelMoveOut([property: Id(0)] MunicipalityCode Municipality);

/// <summary>The destination municipality's move-in, against the secret part of the transfer reference.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-move-in")]
public sealed record RecordMoveIn(
    [property: Id(0)] string TransferSecret,
    [property: Id(1)] string NewAddress,
    [property: Id(2)] DateOnly MovedOn,
    [property: Id(3)] MunicipalityCode Municipality);

/// <summary>
/// A recorded move-out: the reference (person id and secret) that only the destination can use, once, until it expires.
/// Returned to the municipality or resident who recorded it, and again to a retry of the same command.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.move-out-view")]
public sealed record MoveOutView(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string TransferReference,
    [property: Id(2)] MunicipalityCode Destination,
    [property: Id(3)] DateOnly PlannedMoveOn,
    [property: Id(4)] DateOnly ExpiresOn);

[GenerateSerializer, Immutable, Alias("myna.cmd.rename-person")]
public sealed record RenamePerson([property: Id(0)] string NewName, [property: Id(1)] MunicipalityCode Municipality);

[GenerateSerializer, Immutable, Alias("myna.cmd.close-resident-record")]
public sealed record CloseResidentRecord(
    [property: Id(0)] ClosureReason Reason,
    [property: Id(1)] DateOnly EffectiveOn,
    [property: Id(2)] MunicipalityCode Municipality);

/// <summary>A number is replaced only after a recorded decision that it leaked (and could be misused).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.replace-individual-number")]
public sealed record ReplaceIndividualNumber(
    [property: Id(0)] string LeakDecisionReference,
    [property: Id(1)] MunicipalityCode Municipality);

[GenerateSerializer, Immutable, Alias("myna.cmd.record-disability-certificate")]
public sealed record RecordDisabilityCertificate(
    [property: Id(0)] string CertificateNumber,
    [property: Id(1)] DisabilityKind Kind,
    [property: Id(2)] string Grade,
    [property: Id(3)] string Issuer,
    [property: Id(4)] DateOnly ValidFrom,
    [property: Id(5)] DateOnly? ValidUntil,
    [property: Id(6)] MunicipalityCode Municipality);

[GenerateSerializer, Immutable, Alias("myna.cmd.update-disability-certificate")]
public sealed record UpdateDisabilityCertificate(
    [property: Id(0)] string CertificateNumber,
    [property: Id(1)] string Grade,
    [property: Id(2)] DateOnly? ValidUntil,
    [property: Id(3)] MunicipalityCode Municipality);

[GenerateSerializer, Immutable, Alias("myna.cmd.expire-disability-certificate")]
public sealed record ExpireDisabilityCertificate(
    [property: Id(0)] string CertificateNumber,
    [property: Id(1)] DateOnly ExpiredOn,
    [property: Id(2)] MunicipalityCode Municipality);

/// <summary>Resident tax is assessed by the municipality, which therefore records the income it was assessed on.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-income-summary")]
public sealed record RecordIncomeSummary(
    [property: Id(0)] int FiscalYear,
    [property: Id(1)] long TotalIncomeYen,
    [property: Id(2)] long TaxableIncomeYen,
    [property: Id(3)] MunicipalityCode Municipality);

/// <summary>
/// The tax agency's assessment of one person for one or more fiscal years, from one feed batch. Each year
/// replaces that year's figures, whoever recorded them before (the latest assessment is the one in force).
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-assessed-income")]
public sealed record RecordAssessedIncome([property: Id(0)] IReadOnlyList<IncomeSummaryView> Years);

/// <summary>Erase the personal data of a closed resident record (the law's retention ended, or an order): its key is destroyed.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.erase-personal-data")]
public sealed record ErasePersonalData([property: Id(0)] string LegalBasis, [property: Id(1)] MunicipalityCode Municipality);

/// <summary>A second clerk of the same municipality approves the pending erasure (invariant 22): only then is the key destroyed.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.approve-personal-data-erasure")]
public sealed record ApprovePersonalDataErasure([property: Id(0)] MunicipalityCode Municipality);

/// <summary>A second clerk of the same municipality approves the pending number replacement (invariant 22).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.approve-number-replacement")]
public sealed record ApproveNumberReplacement([property: Id(0)] MunicipalityCode Municipality);

/// <summary>An operation one clerk asked for and a second, different one must approve.</summary>
[GenerateSerializer, Immutable, Alias("myna.pending-approval")]
public sealed record PendingApproval(
    [property: Id(0)] string Operation,
    [property: Id(1)] string Reason,
    [property: Id(2)] string RequestedBy,
    [property: Id(3)] string RequestedByRole,
    [property: Id(4)] DateTimeOffset RequestedAt)
{
    public const string Erasure = "personal-data-erasure";
    public const string NumberReplacement = "individual-number-replacement";
}

[GenerateSerializer, Immutable, Alias("myna.disability-certificate")]
public sealed record DisabilityCertificateView(
    [property: Id(0), PersonalData] string CertificateNumber,
    [property: Id(1)] DisabilityKind Kind,
    [property: Id(2), PersonalData] string Grade,
    [property: Id(3), PersonalData] string Issuer,
    [property: Id(4)] DateOnly ValidFrom,
    [property: Id(5)] DateOnly? ValidUntil,
    [property: Id(6)] bool Expired);

[GenerateSerializer, Immutable, Alias("myna.income-summary")]
public sealed record IncomeSummaryView(
    [property: Id(0)] int FiscalYear,
    [property: Id(1), PersonalData] long TotalIncomeYen,
    [property: Id(2), PersonalData] long TaxableIncomeYen);

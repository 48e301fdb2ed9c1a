using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Procedures;

/// <summary>Online procedures in the catalogue: each has one receiving agency and the data items it needs.</summary>
public enum ProcedureKind
{
    /// <summary>Child allowance (児童手当): the welfare office, with the resident record and income.</summary>
    ChildAllowance,
    /// <summary>Disability welfare services (障害福祉サービス): the welfare office, with the resident record and disability certificates.</summary>
    DisabilityWelfareService,
    /// <summary>National pension premium exemption (国民年金保険料免除): the pension service, with the resident record and income.</summary>
    NationalPensionExemption,
}

public enum ProcedureStatus
{
    Submitted,
    Accepted,
    Returned,
    Decided,
}

public enum ProcedureOutcome
{
    Approved,
    Rejected,
}

[GenerateSerializer, Immutable, Alias("myna.procedure-definition")]
public sealed record ProcedureDefinition(
    [property: Id(0)] ProcedureKind Kind,
    [property: Id(1)] string Title,
    [property: Id(2)] string Agency,
    [property: Id(3)] IReadOnlyList<DataItem> Items);

/// <summary>A submission as its receiving agency sees it: under the agency's own code, never the number or person id.</summary>
[GenerateSerializer, Immutable, Alias("myna.procedure-view")]
public sealed record ProcedureView(
    [property: Id(0)] Guid SubmissionId,
    [property: Id(1)] ProcedureKind Kind,
    [property: Id(2)] string Agency,
    [property: Id(3)] AgencyCode Code,
    [property: Id(4)] ProcedureStatus Status,
    [property: Id(5)] IReadOnlyList<ProvidedData> Attachments,
    [property: Id(6)] DateTimeOffset SubmittedAt,
    [property: Id(7)] string? ReturnedBecause,
    [property: Id(8)] ProcedureOutcome? Outcome,
    [property: Id(9)] string? DecisionNote,
    [property: Id(10)] long Version);

[GenerateSerializer, Immutable, Alias("myna.cmd.submit-procedure")]
public sealed record SubmitProcedure(
    [property: Id(0)] PersonId Person,
    [property: Id(1)] ProcedureKind Kind);

[GenerateSerializer, Immutable, Alias("myna.cmd.resubmit-procedure")]
public sealed record ResubmitProcedure([property: Id(0)] PersonId Person);

[GenerateSerializer, Immutable, Alias("myna.cmd.accept-procedure")]
public sealed record AcceptProcedure([property: Id(0)] string Agency);

[GenerateSerializer, Immutable, Alias("myna.cmd.return-procedure")]
public sealed record ReturnProcedure([property: Id(0)] string Agency, [property: Id(1)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.decide-procedure")]
public sealed record DecideProcedure([property: Id(0)] string Agency, [property: Id(1)] ProcedureOutcome Outcome, [property: Id(2)] string? Note);

[GenerateSerializer, Immutable, Alias("myna.procedure-listing")]
public sealed record ProcedureListingView(
    [property: Id(0)] Guid SubmissionId,
    [property: Id(1)] ProcedureKind Kind,
    [property: Id(2)] AgencyCode Code,
    [property: Id(3)] ProcedureStatus Status,
    [property: Id(4)] DateTimeOffset SubmittedAt);

/// <summary>One submission of an online procedure: its data attached from the records, then the agency's handling.</summary>
public interface IProcedureGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("Submit")]
    Task<Result<ProcedureView>> Submit(CommandContext context, SubmitProcedure command);

    [Alias("Resubmit")]
    Task<Result<ProcedureView>> Resubmit(CommandContext context, ResubmitProcedure command);

    [Alias("Accept")]
    Task<Result<ProcedureView>> Accept(CommandContext context, AcceptProcedure command);

    [Alias("Return")]
    Task<Result<ProcedureView>> Return(CommandContext context, ReturnProcedure command);

    [Alias("Decide")]
    Task<Result<ProcedureView>> Decide(CommandContext context, DecideProcedure command);

    /// <summary>The submission for its receiving agency only.</summary>
    [Alias("GetForAgency"), Orleans.Concurrency.ReadOnly]
    Task<Result<ProcedureView>> GetForAgency(string agency);

    /// <summary>The submission for the person who made it only.</summary>
    [Alias("GetForPerson"), Orleans.Concurrency.ReadOnly]
    Task<Result<ProcedureView>> GetForPerson(PersonId person);

    /// <summary>
    /// Who made the submission (none before one): the audit routes record an auditor's read of this stream on that
    /// person's ledger. Nothing of the submission itself.
    /// </summary>
    [Alias("GetSubmitter"), Orleans.Concurrency.ReadOnly]
    Task<PersonId?> GetSubmitter();
}

/// <summary>Lists of submissions: an agency's inbox, a person's own. Stateless worker.</summary>
public interface IProcedureDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("ForAgency")]
    Task<IReadOnlyList<ProcedureListingView>> ForAgency(string agency, ProcedureStatus? status, int limit);

    [Alias("ForPerson")]
    Task<IReadOnlyList<ProcedureListingView>> ForPerson(PersonId person, int limit);

    /// <summary>The procedures a resident can start, with the agency each goes to and the data items it pulls.</summary>
    [Alias("Catalogue")]
    Task<IReadOnlyList<ProcedureDefinition>> Catalogue();
}

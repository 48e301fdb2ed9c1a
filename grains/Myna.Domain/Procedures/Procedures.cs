using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Procedures;

namespace Myna.Domain.Procedures;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

/// <summary>An event on a procedure submission's stream ("procedure-{id}").</summary>
public interface IProcedureEvent : IDomainEvent
{
    Guid SubmissionId { get; }
}

/// <summary>The resident submitted; the items the procedure needs were attached from the records, not sent by the resident.</summary>
[EventName("procedure_submitted_v1")]
public sealed record ProcedureSubmitted(
    Guid SubmissionId,
    PersonId PersonId,
    ProcedureKind Kind,
    string Agency,
    AgencyCode Code,
    IReadOnlyList<ProvidedData> Attachments,
    DateTimeOffset OccurredAt,
    Actor Actor) : IProcedureEvent;

[EventName("procedure_accepted_v1")]
public sealed record ProcedureAccepted(
    Guid SubmissionId,
    DateTimeOffset OccurredAt,
    Actor Actor) : IProcedureEvent;

/// <summary>The agency sent the submission back with a reason; the resident may resubmit.</summary>
[EventName("procedure_returned_v1")]
public sealed record ProcedureReturned(
    Guid SubmissionId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IProcedureEvent;

/// <summary>Resubmitted after a return, with the items attached afresh from the current records.</summary>
[EventName("procedure_resubmitted_v1")]
public sealed record ProcedureResubmitted(
    Guid SubmissionId,
    IReadOnlyList<ProvidedData> Attachments,
    DateTimeOffset OccurredAt,
    Actor Actor) : IProcedureEvent;

/// <summary>
/// Resubmitted after a return (version 2): names the person, so the attachments are stored under the person's key
/// and erased with them. Version 1 (without the person) stays readable; it is no longer written.
/// </summary>
[EventName("procedure_resubmitted_v2")]
public sealed record ProcedureResubmittedV2(
    Guid SubmissionId,
    PersonId PersonId,
    IReadOnlyList<ProvidedData> Attachments,
    DateTimeOffset OccurredAt,
    Actor Actor) : IProcedureEvent;

[EventName("procedure_decided_v1")]
public sealed record ProcedureDecided(
    Guid SubmissionId,
    ProcedureOutcome Outcome,
    string? Note,
    DateTimeOffset OccurredAt,
    Actor Actor) : IProcedureEvent;

public sealed record ProcedureState : IAggregateState<ProcedureState, IProcedureEvent>
{
    public static ProcedureState Initial { get; } = new();

    public bool IsSubmitted { get; init; }
    public Guid Id { get; init; }
    public PersonId Person { get; init; }
    public ProcedureKind Kind { get; init; }
    public string Agency { get; init; } = string.Empty;
    public AgencyCode Code { get; init; }
    public ImmutableList<ProvidedData> Attachments { get; init; } = [];
    public ProcedureStatus Status { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public string? ReturnedBecause { get; init; }
    public ProcedureOutcome? Outcome { get; init; }
    public string? DecisionNote { get; init; }

    public ProcedureState Apply(IProcedureEvent @event) => @event switch
    {
        ProcedureSubmitted e => this with
        {
            IsSubmitted = true, Id = e.SubmissionId, Person = e.PersonId, Kind = e.Kind, Agency = e.Agency, Code = e.Code,
            Attachments = [.. e.Attachments], Status = ProcedureStatus.Submitted, SubmittedAt = e.OccurredAt,
        },
        ProcedureAccepted => this with { Status = ProcedureStatus.Accepted },
        ProcedureReturned e => this with { Status = ProcedureStatus.Returned, ReturnedBecause = e.Reason },
        ProcedureResubmitted e => this with { Status = ProcedureStatus.Submitted, Attachments = [.. e.Attachments], ReturnedBecause = null },
        ProcedureResubmittedV2 e => this with { Status = ProcedureStatus.Submitted, Attachments = [.. e.Attachments], ReturnedBecause = null },
        ProcedureDecided e => this with { Status = ProcedureStatus.Decided, Outcome = e.Outcome, DecisionNote = e.Note },
        _ => this,
    };
}

/// <summary>The catalogue of online procedures and the rules of a submission's life.</summary>
public static class ProcedureRules
{
    public static IReadOnlyDictionary<ProcedureKind, ProcedureDefinition> Catalogue { get; } = new Dictionary<ProcedureKind, ProcedureDefinition>
    {
        [ProcedureKind.ChildAllowance] = new(ProcedureKind.ChildAllowance, "児童手当 認定請求", "welfare-office",
            [DataItem.BasicFourItems, DataItem.IncomeSummary]),
        [ProcedureKind.DisabilityWelfareService] = new(ProcedureKind.DisabilityWelfareService, "障害福祉サービス 支給申請", "welfare-office",
            [DataItem.BasicFourItems, DataItem.DisabilityCertificates]),
        [ProcedureKind.NationalPensionExemption] = new(ProcedureKind.NationalPensionExemption, "国民年金保険料 免除申請", "pension-service",
            [DataItem.BasicFourItems, DataItem.IncomeSummary]),
    };

    public static readonly DomainError NotFound = DomainError.NotFound("procedure.not-found", "No submission of yours exists under this id.");

    public static Decision<IProcedureEvent> Submit(ProcedureState state, Guid id, SubmitProcedure command, AgencyCode code, IReadOnlyList<ProvidedData> attachments, DateTimeOffset now, Actor actor)
    {
        if (!Catalogue.TryGetValue(command.Kind, out var definition))
        {
            return DomainError.Validation("procedure.unknown-kind", "This procedure is not in the catalogue.");
        }
        if (state.IsSubmitted)
        {
            return state.Person == command.Person && state.Kind == command.Kind
                ? Decision<IProcedureEvent>.Accept()
                : DomainError.Conflict("procedure.exists", "A different submission already exists under this id.");
        }
        if (!Covers(definition, attachments))
        {
            return DomainError.Rule("procedure.items-missing", "Not every item the procedure needs could be attached.");
        }
        return Decision<IProcedureEvent>.Accept(new ProcedureSubmitted(id, command.Person, command.Kind, definition.Agency, code, attachments, now, actor));
    }

    public static Decision<IProcedureEvent> Resubmit(ProcedureState state, ResubmitProcedure command, IReadOnlyList<ProvidedData> attachments, DateTimeOffset now, Actor actor)
    {
        if (!state.IsSubmitted || state.Person != command.Person)
        {
            return NotFound;
        }
        if (state.Status != ProcedureStatus.Returned)
        {
            return DomainError.Rule("procedure.not-returned", "Only a submission the agency returned can be resubmitted.");
        }
        return Covers(Catalogue[state.Kind], attachments)
            ? Decision<IProcedureEvent>.Accept(new ProcedureResubmittedV2(state.Id, state.Person, attachments, now, actor))
            : DomainError.Rule("procedure.items-missing", "Not every item the procedure needs could be attached.");
    }

    public static Decision<IProcedureEvent> Accept(ProcedureState state, AcceptProcedure command, DateTimeOffset now, Actor actor) =>
        AgencyCheck(state, command.Agency) ?? state.Status switch
        {
            ProcedureStatus.Submitted => Decision<IProcedureEvent>.Accept(new ProcedureAccepted(state.Id, now, actor)),
            ProcedureStatus.Accepted => Decision<IProcedureEvent>.Accept(),
            _ => WrongStatus(state),
        };

    public static Decision<IProcedureEvent> Return(ProcedureState state, ReturnProcedure command, DateTimeOffset now, Actor actor)
    {
        if (AgencyCheck(state, command.Agency) is { } refused)
        {
            return refused;
        }
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(reason, 500))
        {
            return DomainError.Validation("procedure.invalid-reason", $"Say why it is returned (1 to 500 {DisplayText.Shape}): the resident reads it.");
        }
        return state.Status is ProcedureStatus.Submitted or ProcedureStatus.Accepted
            ? Decision<IProcedureEvent>.Accept(new ProcedureReturned(state.Id, reason, now, actor))
            : WrongStatus(state);
    }

    public static Decision<IProcedureEvent> Decide(ProcedureState state, DecideProcedure command, DateTimeOffset now, Actor actor)
    {
        if (AgencyCheck(state, command.Agency) is { } refused)
        {
            return refused;
        }
        if (!Enum.IsDefined(command.Outcome) || (!string.IsNullOrWhiteSpace(command.Note) && !DisplayText.Fits(command.Note.Trim(), 500)))
        {
            return DomainError.Validation("procedure.invalid-decision",
                $"Approved or rejected, with a note of at most 500 {DisplayText.Shape}.");
        }
        return state.Status == ProcedureStatus.Accepted
            ? Decision<IProcedureEvent>.Accept(new ProcedureDecided(state.Id, command.Outcome, command.Note?.Trim(), now, actor))
            : WrongStatus(state);
    }

    public static ProcedureView ToView(ProcedureState state, long version) =>
        new(state.Id, state.Kind, state.Agency, state.Code, state.Status, state.Attachments, state.SubmittedAt, state.ReturnedBecause,
            state.Outcome, state.DecisionNote, version);

    private static bool Covers(ProcedureDefinition definition, IReadOnlyList<ProvidedData> attachments) =>
        definition.Items.All(item => attachments.Any(a => a.Item == item));

    /// <summary>Another agency learns nothing, not even that the submission exists.</summary>
    private static DomainError? AgencyCheck(ProcedureState state, string agency) =>
        !state.IsSubmitted || state.Agency != agency
            ? DomainError.NotFound("procedure.not-found", "No submission to this agency exists under this id.")
            : null;

    private static DomainError WrongStatus(ProcedureState state) =>
        DomainError.Rule("procedure.wrong-status", $"The submission is {state.Status.ToString().ToLowerInvariant()}.");
}

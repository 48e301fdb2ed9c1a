using System.Collections.Immutable;
using Myna.Domain.Authorization;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

public interface IBulkRegistrationJobEvent : IDomainEvent
{
    Guid JobId { get; }
}

/// <summary>A clerk started a bulk registration job: how many lines, into which municipality (the lines' personal data is not on this stream).</summary>
[EventName("bulk_registration_job_started_v1")]
public sealed record BulkRegistrationJobStarted(
    Guid JobId,
    MunicipalityCode Municipality,
    int Lines,
    string Digest,
    DateTimeOffset OccurredAt,
    Actor Actor) : IBulkRegistrationJobEvent;

/// <summary>A checkpoint: the outcomes of the lines from <c>FirstLine</c> on (one chunk), by line id and person id.</summary>
[EventName("bulk_registration_job_chunk_recorded_v1")]
public sealed record BulkRegistrationJobChunkRecorded(
    Guid JobId,
    int FirstLine,
    IReadOnlyList<BulkRegistrationJobLine> Lines,
    DateTimeOffset OccurredAt,
    Actor Actor) : IBulkRegistrationJobEvent;

/// <summary>Every line of the job has its outcome.</summary>
[EventName("bulk_registration_job_completed_v1")]
public sealed record BulkRegistrationJobCompleted(
    Guid JobId,
    int Created,
    int Existing,
    int Refused,
    DateTimeOffset OccurredAt,
    Actor Actor) : IBulkRegistrationJobEvent;

public sealed record BulkRegistrationJobState : IAggregateState<BulkRegistrationJobState, IBulkRegistrationJobEvent>
{
    public static BulkRegistrationJobState Initial { get; } = new();

    public bool Started { get; init; }
    public Guid Id { get; init; }
    public MunicipalityCode Municipality { get; init; }
    public int Total { get; init; }
    public ImmutableList<BulkRegistrationJobLine> Lines { get; init; } = [];
    public int Created { get; init; }
    public int Existing { get; init; }
    public int Refused { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public bool Completed => FinishedAt is not null;

    /// <summary>The lines done: the next chunk starts here.</summary>
    public int Done => Lines.Count;

    public BulkRegistrationJobState Apply(IBulkRegistrationJobEvent @event) => @event switch
    {
        BulkRegistrationJobStarted e => this with { Started = true, Id = e.JobId, Municipality = e.Municipality, Total = e.Lines, StartedAt = e.OccurredAt },
        // A checkpoint recorded twice (never, under its derived command id) would not count its lines twice.
        BulkRegistrationJobChunkRecorded e when e.FirstLine == Lines.Count => this with
        {
            Lines = Lines.AddRange(e.Lines),
            Created = Created + e.Lines.Count(l => l.Status == BulkRegistrationJobLine.Created),
            Existing = Existing + e.Lines.Count(l => l.Status == BulkRegistrationJobLine.Existing),
            Refused = Refused + e.Lines.Count(l => l.Status == BulkRegistrationJobLine.Refused),
        },
        BulkRegistrationJobChunkRecorded => this,
        BulkRegistrationJobCompleted e => this with { FinishedAt = e.OccurredAt },
        _ => this,
    };
}

/// <summary>The rules of a bulk registration job: who starts and reads it, and its checkpoints.</summary>
public static class BulkRegistrationJobRules
{
    public static DomainError NotFound { get; } = DomainError.NotFound("bulk-registration-job.not-found", "No bulk registration job under this id.");

    /// <summary>
    /// Only a clerk of the job's municipality (invariant 16). Before the job exists, the command's municipality
    /// decides; afterwards the job's own, so a clerk of another municipality learns nothing of it.
    /// </summary>
    public static DomainError? Authorize(BulkRegistrationJobState state, CommandContext context, MunicipalityCode requested) =>
        Access.ManagingMunicipality(context, state.Started ? state.Municipality : requested);

    public static Decision<IBulkRegistrationJobEvent> Start(BulkRegistrationJobState state, Guid id, StartBulkRegistrationJob command, DateTimeOffset now, Actor actor)
    {
        if (state.Started)
        {
            // The job's command id is derived from the request's: another command can only be a reused key.
            return DomainError.Conflict("idempotency.key-reused", "This Idempotency-Key was already used for a different request.");
        }
        if (command.Lines is < 1 or > IBulkRegistrationJobGrain.MaxLines || string.IsNullOrEmpty(command.Digest))
        {
            return DomainError.Validation("registration.invalid-batch", $"1 to {IBulkRegistrationJobGrain.MaxLines:N0} lines.");
        }
        return Decision<IBulkRegistrationJobEvent>.Accept(new BulkRegistrationJobStarted(id, command.Municipality, command.Lines, command.Digest, now, actor));
    }

    /// <summary>A chunk's outcomes, in order, right after the lines done; the completion in the same append when it is the last.</summary>
    public static Decision<IBulkRegistrationJobEvent> Record(BulkRegistrationJobState state, int firstLine, IReadOnlyList<BulkRegistrationJobLine> lines, DateTimeOffset now, Actor actor)
    {
        if (!state.Started || state.Completed || firstLine != state.Done || lines.Count == 0 || state.Done + lines.Count > state.Total)
        {
            return DomainError.Conflict("bulk-registration-job.out-of-order", "This chunk does not follow the lines done.");
        }
        var recorded = new BulkRegistrationJobChunkRecorded(state.Id, firstLine, lines, now, actor);
        if (state.Done + lines.Count < state.Total)
        {
            return Decision<IBulkRegistrationJobEvent>.Accept(recorded);
        }
        var after = state.Apply(recorded);
        return Decision<IBulkRegistrationJobEvent>.Accept(recorded, new BulkRegistrationJobCompleted(state.Id, after.Created, after.Existing, after.Refused, now, actor));
    }

    public static BulkRegistrationJobView ToView(BulkRegistrationJobState s, bool running, int offset, int limit, string? status = null)
    {
        IReadOnlyList<BulkRegistrationJobLine> matching = status is null ? s.Lines : s.Lines.Where(l => l.Status == status).ToList();
        return new(
            s.Id, s.Municipality,
            s.Completed ? BulkRegistrationJobStatus.Completed : running ? BulkRegistrationJobStatus.Running : BulkRegistrationJobStatus.Interrupted,
            s.Total, s.Done, s.Created, s.Existing, s.Refused, s.StartedAt, s.FinishedAt,
            offset, matching.Skip(offset).Take(limit).ToList(), matching.Count);
    }
}

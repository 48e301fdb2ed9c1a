using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Recovery;

/// <summary>The events of the reconciliation stream (<c>recovery-forward-journal</c>).</summary>
public interface IReconciliationEvent : IDomainEvent;

/// <summary>What the reconciliation stream says: how many runs, and where the journal was last read to.</summary>
public sealed record ReconciliationHistory(int Runs, DateTimeOffset? LastThrough) : IAggregateState<ReconciliationHistory, IReconciliationEvent>
{
    public static ReconciliationHistory Initial { get; } = new(0, null);

    public ReconciliationHistory Apply(IReconciliationEvent @event) => @event switch
    {
        ForwardJournalReconciled run => new(Runs + 1, run.JournalThrough),
        _ => this,
    };
}

/// <summary>
/// A silo re-applied the forward-only journal before it accepted commands (invariant 23): every number reservation
/// and key destruction journalled since <paramref name="JournalFrom"/> (null: the whole journal) was checked against
/// PostgreSQL and the key table, and what a restore had rolled back was put back.
/// </summary>
[EventName("forward_journal_reconciled_v1")]
public sealed record ForwardJournalReconciled(
    Guid RunId,
    string Host,
    DateTimeOffset? JournalFrom,
    DateTimeOffset JournalThrough,
    int ReservationsRead,
    int ReservationsRestored,
    int ReservationConflicts,
    int DestructionsRead,
    int KeysDestroyedAgain,
    DateTimeOffset OccurredAt,
    Actor Actor) : IReconciliationEvent;

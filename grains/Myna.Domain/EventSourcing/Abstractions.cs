using Myna.GrainInterfaces.Common;

namespace Myna.Domain.EventSourcing;

/// <summary>Every domain event says when it happened and who made it happen.</summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
    Actor Actor { get; }
}

/// <summary>
/// Immutable aggregate state folded from its events. <see cref="Apply"/> is total and pure: no I/O,
/// no clock, never throws (an unknown event leaves the state as it is).
/// </summary>
public interface IAggregateState<TSelf, in TEvent>
    where TSelf : IAggregateState<TSelf, TEvent>
{
    static abstract TSelf Initial { get; }

    TSelf Apply(TEvent @event);
}

/// <summary>The outcome of a pure decide function: the events to record, or why not.</summary>
public sealed record Decision<TEvent>
{
    public IReadOnlyList<TEvent> Events { get; private init; } = [];
    public DomainError? Error { get; private init; }

    public static Decision<TEvent> Accept(params TEvent[] events) => new() { Events = events };
    public static Decision<TEvent> Reject(DomainError error) => new() { Error = error };

    public static implicit operator Decision<TEvent>(DomainError error) => Reject(error);
}

public static class AggregateState
{
    /// <summary>Folds events onto a state with the same Apply the grains use (replay, audit, tests).</summary>
    public static TState Fold<TState, TEvent>(TState state, IEnumerable<TEvent> events)
        where TState : IAggregateState<TState, TEvent>
    {
        foreach (var e in events)
        {
            state = state.Apply(e);
        }
        return state;
    }
}

using Myna.Domain.EventSourcing;

namespace Myna.Domain.Tests.Support;

/// <summary>
/// The given/when/then harness every decider spec shares: <b>given</b> a history of events (folded with the
/// state's own Apply, as the grain does), <b>when</b> a decider decides, <b>then</b> the events it recorded or
/// the error it refused with.
/// </summary>
public abstract class DeciderSpec<TState, TEvent>
    where TState : class, IAggregateState<TState, TEvent>
    where TEvent : class
{
    /// <summary>The state after this history.</summary>
    protected static TState Given(params TEvent[] history) => AggregateState.Fold(TState.Initial, history);

    /// <summary>The state after the decision's events, which must have been accepted.</summary>
    protected static TState When(TState state, Decision<TEvent> decision)
    {
        Assert.True(decision.Error is null, $"refused: {decision.Error?.Code}");
        return AggregateState.Fold(state, decision.Events);
    }

    /// <summary>The one event the decision recorded, of this type.</summary>
    protected static TRecorded ThenRecorded<TRecorded>(Decision<TEvent> decision) where TRecorded : TEvent
    {
        Assert.True(decision.Error is null, $"refused: {decision.Error?.Code}");
        return Assert.IsType<TRecorded>(Assert.Single(decision.Events));
    }

    /// <summary>The decision refused with this code and recorded nothing.</summary>
    protected static void ThenRefused(Decision<TEvent> decision, string code)
    {
        Assert.Equal(code, decision.Error?.Code);
        Assert.Empty(decision.Events);
    }
}

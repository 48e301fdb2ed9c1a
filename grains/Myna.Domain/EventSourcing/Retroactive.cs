namespace Myna.Domain.EventSourcing;

/// <summary>
/// A correction: recorded now, in effect from an earlier moment. Replays "as known at T" take it from
/// when it was recorded; replays "as in effect at T" take it from <see cref="EffectiveFrom"/> (two timelines).
/// </summary>
public interface IRetroactiveEvent
{
    DateTimeOffset EffectiveFrom { get; }
}

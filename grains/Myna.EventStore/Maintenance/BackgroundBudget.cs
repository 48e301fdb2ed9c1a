using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Myna.EventStore.Maintenance;

/// <summary>Bound from the "Background" section of the silo's configuration.</summary>
public sealed class BackgroundOptions
{
    public const string Section = "Background";

    /// <summary>
    /// The share of its time a background scan may be busy while reception desks are checking (0.25: after each
    /// page it rests three times as long as the page took). With no check in the last
    /// <see cref="QuietMilliseconds"/> it runs at full speed.
    /// </summary>
    [Range(0.05, 1.0)]
    public double ShareWhileBusy { get; set; } = 0.25;

    [Range(0, 60_000)]
    public int QuietMilliseconds { get; set; } = 1_000;
}

/// <summary>
/// Isolation of background work (issue: the national peak): reception desks mark themselves active, and
/// whole-store scans (index rebuilds, their top-ups) pace themselves to a budget while they are, so a rebuild
/// never starves the clinic check of the two cores it shares with it. Nothing waits on this for correctness.
/// </summary>
public sealed class BackgroundBudget(IOptions<BackgroundOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan LongestRest = TimeSpan.FromSeconds(2);
    private readonly double _rest = 1 / options.Value.ShareWhileBusy - 1;
    private readonly long _quiet = (long)(options.Value.QuietMilliseconds / 1000.0 * clock.TimestampFrequency);
    private long _lastForeground = long.MinValue / 2;
    private long _rests;

    /// <summary>How many times background work rested for the foreground (for operators and the benchmark).</summary>
    public long Rests => Interlocked.Read(ref _rests);

    /// <summary>A reception desk is being served now.</summary>
    public void ForegroundActive() => Volatile.Write(ref _lastForeground, clock.GetTimestamp());

    /// <summary>Whether foreground work was served within the quiet period.</summary>
    public bool ForegroundBusy => clock.GetTimestamp() - Volatile.Read(ref _lastForeground) < _quiet;

    /// <summary>After a unit of background work that took <paramref name="busy"/>: rests its share while the foreground is busy.</summary>
    public async ValueTask PaceAsync(TimeSpan busy, CancellationToken cancellationToken)
    {
        if (_rest <= 0 || !ForegroundBusy)
        {
            return;
        }
        Interlocked.Increment(ref _rests);
        var rest = busy * _rest;
        await Task.Delay(rest < LongestRest ? rest : LongestRest, clock, cancellationToken);
    }
}

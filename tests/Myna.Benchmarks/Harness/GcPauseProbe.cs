using System.Diagnostics.Tracing;
using System.Globalization;

namespace Myna.Benchmarks.Harness;

/// <summary>
/// The garbage collector's pauses in this process (which hosts the load generator, the API and the silo), from the
/// runtime's own GC events: each pause runs from the runtime suspending every managed thread to its restarting them.
/// A step's slow operations can then be laid beside the pauses that fell within them, as the disk probe does for the
/// disk's flushes. A diagnostic beside the figures, not part of them; listening costs a few events per collection.
/// </summary>
public sealed class GcPauseProbe : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int GcStart = 1;
    private const int GcRestartEeEnd = 3;
    private const int GcSuspendEeBegin = 9;
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(5);

    // Created lazily: the base constructor calls OnEventSourceCreated before this class's field initialisers run.
    private object? _gate;
    private List<Pause>? _pauses;
    private DateTime? _suspendedAt;
    private int _generation = -1;

    /// <summary>One pause: when every thread was stopped, for how long, and the generation collected (-1: a pause without a collection).</summary>
    public readonly record struct Pause(DateTime StartUtc, double Ms, int Generation)
    {
        public DateTime EndUtc => StartUtc.AddMilliseconds(Ms);
    }

    private object Gate => LazyInitializer.EnsureInitialized(ref _gate);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        var at = eventData.TimeStamp.Kind == DateTimeKind.Local ? eventData.TimeStamp.ToUniversalTime() : eventData.TimeStamp;
        lock (Gate)
        {
            switch (eventData.EventId)
            {
                case GcSuspendEeBegin:
                    _suspendedAt = at;
                    _generation = -1;
                    break;
                case GcStart when eventData.Payload is { Count: > 1 } payload:
                    _generation = Convert.ToInt32(payload[1], CultureInfo.InvariantCulture);
                    break;
                case GcRestartEeEnd when _suspendedAt is { } from:
                    _pauses ??= new List<Pause>();
                    _pauses.Add(new Pause(from, (at - from).TotalMilliseconds, _generation));
                    _pauses.RemoveAll(p => p.StartUtc < at - Kept);
                    _suspendedAt = null;
                    break;
            }
        }
    }

    /// <summary>The pauses that overlap [from, to].</summary>
    public IReadOnlyList<Pause> Between(DateTime fromUtc, DateTime toUtc)
    {
        lock (Gate)
        {
            return (_pauses ?? []).Where(p => p.StartUtc <= toUtc && p.EndUtc >= fromUtc).ToList();
        }
    }

    /// <summary>
    /// A step beside the pauses within it: how many pauses, the longest, and how many of the operations over
    /// <paramref name="slowMs"/> had a pause fall inside their own span (from when each was due to when it answered).
    /// Events reach a listener a little after they happen: call this a moment after the step ended.
    /// </summary>
    public GcBeside Beside(RunResult run, double slowMs)
    {
        var pauses = Between(run.StartedUtc, run.StartedUtc + run.Elapsed);
        var slow = 0;
        var slowInPause = 0;
        for (var i = 0; i < run.LatenciesMs.Length && i < run.DueSeconds.Length; i++)
        {
            if (run.LatenciesMs[i] <= slowMs)
            {
                continue;
            }
            slow++;
            var from = run.StartedUtc.AddSeconds(run.DueSeconds[i]);
            var to = from.AddMilliseconds(run.LatenciesMs[i]);
            if (pauses.Any(p => p.StartUtc <= to && p.EndUtc >= from))
            {
                slowInPause++;
            }
        }
        return new GcBeside(pauses.Count, pauses.Count == 0 ? 0 : pauses.Max(p => p.Ms), pauses.Sum(p => p.Ms),
            pauses.Count(p => p.Generation >= 1), slow, slowInPause);
    }
}

/// <summary>What <see cref="GcPauseProbe.Beside"/> found in one step.</summary>
public readonly record struct GcBeside(int Pauses, double MaxMs, double TotalMs, int OlderGenerations, int Slow, int SlowInPause)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Pauses} ({OlderGenerations} gen1/2), max {Report.Format(MaxMs)}, total {Report.Format(TotalMs)} ms; slow {SlowInPause} of {Slow}");
}

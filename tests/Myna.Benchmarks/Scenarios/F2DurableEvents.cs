using System.Globalization;
using Myna.Benchmarks.Harness;
using Myna.GrainInterfaces.Common;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F2: durable events per second through grains: consent/eligibility commands on access-ledger grains,
/// each reply only once its event is committed, on 1k and 10k streams at concurrency 1/8/64 (closed
/// loop, uniform choice of stream). Baseline: the same event appended straight through Marten by the
/// same number of writers on as many streams. Then a hot-stream burst: many writers on one stream.
/// </summary>
public static class F2DurableEvents
{
    private static readonly Actor Terminal = new("desk-1", "terminal", "1310000001");

    public static CommandContext NewContext() => new(Guid.NewGuid(), Guid.NewGuid(), Terminal, "bench");

    public static async Task<bool> RecordAsync(IClusterClient client, Guid person)
    {
        var result = await client.GetLedger(new PersonId(person)).RecordEligibilityCheck(NewContext(), RawLedger.Command(Guid.NewGuid()));
        return result.IsSuccess;
    }

    public static async Task RunAsync(BenchContext ctx)
    {
        var client = ctx.Main.Client;
        var lines = new List<string>
        {
            $"Closed loop, {ctx.Sizes.LoopStep.TotalSeconds:0.#} s per step, after one untimed step of each side at each concurrency; one command = one `eligibility_checked_v1` event on `ledger-{{person}}` through `IAccessLedgerGrain.RecordEligibilityCheck` (batched ledger writer, reply after commit) from the API's Orleans client.",
            string.Empty,
            "| round | streams | concurrency | grains events/s | grains p99 ms | raw events/s | raw p99 ms |",
            "|---|---|---|---|---|---|---|",
        };
        foreach (var streams in ctx.Sizes.StreamCounts)
        {
            var grainStreams = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid()).ToArray();
            var rawStreams = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid()).ToArray();
            Progress.Line($"F2: warming {streams:N0} ledger grains and streams");
            await Load.BatchAsync(streams, 64, i => RecordAsync(client, grainStreams[i]));
            await Load.BatchAsync(streams, 64, async i =>
            {
                await RawLedger.AppendAsync(ctx.Raw, rawStreams[i]);
                return true;
            });
            foreach (var concurrency in ctx.Sizes.Concurrencies)
            {
                // Untimed, both paths at this concurrency for one step first, as F1, F4, F6 and F8 warm up: the tiered JIT
                // is still recompiling the paths the streams' warm-up ran, and round 1 at 1 in flight timed that.
                await Load.ClosedLoopAsync(concurrency, ctx.Sizes.LoopStep, _ => RecordAsync(client, grainStreams[Random.Shared.Next(streams)]));
                await Load.ClosedLoopAsync(concurrency, ctx.Sizes.LoopStep, async _ =>
                {
                    await RawLedger.AppendAsync(ctx.Raw, rawStreams[Random.Shared.Next(streams)]);
                    return true;
                });
                var subject = new List<double>();
                var baseline = new List<double>();
                for (var round = 1; round <= ctx.Sizes.Rounds; round++)
                {
                    // MYNA_BENCH_SPANS=1: a diagnostic run, not a figure (every grain call and command makes an activity);
                    // prints where a lone command's time goes, in grain-call and database spans, beside raw appends'.
                    using var spans = concurrency == 1 && Environment.GetEnvironmentVariable("MYNA_BENCH_SPANS") == "1"
                        ? new SpanProbe(SpanProbe.GrainsAndDatabase)
                        : null;
                    var subjectFrom = DateTime.UtcNow;
                    var s = await Load.ClosedLoopAsync(concurrency, ctx.Sizes.LoopStep, _ => RecordAsync(client, grainStreams[Random.Shared.Next(streams)]));
                    var rawFrom = DateTime.UtcNow;
                    var b = await Load.ClosedLoopAsync(concurrency, ctx.Sizes.LoopStep, async _ =>
                    {
                        await RawLedger.AppendAsync(ctx.Raw, rawStreams[Random.Shared.Next(streams)]);
                        return true;
                    });
                    if (spans is not null)
                    {
                        foreach (var line in spans.Summary(subjectFrom, rawFrom))
                        {
                            Progress.Line($"F2 spans, grains, p50 {s.P50:0.000} ms: {line}");
                        }
                        foreach (var line in spans.Summary(rawFrom, DateTime.UtcNow))
                        {
                            Progress.Line($"F2 spans, raw, p50 {b.P50:0.000} ms: {line}");
                        }
                    }
                    subject.Add(s.Throughput);
                    baseline.Add(b.Throughput);
                    Progress.Line($"F2 round {round}: {streams:N0} streams, c={concurrency}: grains {s.Throughput:0}/s ({s.Failed} failed), raw {b.Throughput:0}/s");
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| {round} | {streams:N0} | {concurrency} | {s.Throughput:0} | {s.P99:0.0} | {b.Throughput:0} | {b.P99:0.0} |"));
                }
                ctx.Report.Add(new Figure("F2", $"durable events/s, {streams:N0} streams, concurrency {concurrency}", "/s",
                    subject.ToArray(), baseline.ToArray(), "≥ 0.85×", (_, r) => r >= 0.85));
                if (streams == ctx.Sizes.StreamCounts[0] && concurrency == ctx.Sizes.Concurrencies[^1])
                {
                    ctx.LedgerPeak = Stats.Median(subject);
                }
            }
        }

        // Hot stream: every writer on the same stream. The grain serialises them in memory; raw writers
        // must read the version, append expecting it, and retry on conflict.
        var hotSubject = new List<double>();
        var hotBaseline = new List<double>();
        var retries = new List<double>();
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var hot = Guid.NewGuid();
            var rawHot = Guid.NewGuid();
            await RecordAsync(client, hot);
            var (grainTime, grainFailed) = await Load.BatchAsync(ctx.Sizes.HotBurst, 64, _ => RecordAsync(client, hot));
            var attempts = 0;
            var (rawTime, _) = await Load.BatchAsync(ctx.Sizes.HotBurst, 64, async _ =>
            {
                Interlocked.Add(ref attempts, await RawLedger.AppendExpectingAsync(ctx.Raw, rawHot));
                return true;
            });
            hotSubject.Add((ctx.Sizes.HotBurst - grainFailed) / grainTime.TotalSeconds);
            hotBaseline.Add(ctx.Sizes.HotBurst / rawTime.TotalSeconds);
            retries.Add((double)attempts / ctx.Sizes.HotBurst);
            Progress.Line($"F2 hot stream round {round}: grain {hotSubject[^1]:0}/s ({grainFailed} failed), raw with expected version {hotBaseline[^1]:0}/s ({retries[^1]:0.0} attempts per append)");
        }
        ctx.Report.Add(new Figure("F2", $"hot stream: {ctx.Sizes.HotBurst} commands by 64 writers on one stream", "/s",
            hotSubject.ToArray(), hotBaseline.ToArray(), "≥ 1.5×", (_, r) => r >= 1.5));
        lines.Add(string.Empty);
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"Hot stream baseline: raw writers read the stream version, append expecting it, and retry on a conflict (median {Stats.Median(retries):0.0} attempts per append); the grain decides each command on its in-memory state and appends once."));
        ctx.Report.Section("F2 durable events through grains", lines.ToArray());
    }
}

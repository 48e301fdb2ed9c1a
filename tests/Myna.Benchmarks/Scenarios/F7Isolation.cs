using System.Globalization;
using Myna.Api.Auth;
using Myna.Benchmarks.Harness;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F7: F1's p99 at a fixed offered rate while F2 runs at half its measured peak (open loop, other streams)
/// and the person-match index is rebuilt again and again, vs the same F1 rate alone.
/// </summary>
public static class F7Isolation
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var world = ctx.World;
        var zipf = new Zipf(world.Patients.Count, F1EligibilityChecks.ZipfExponent);
        var rate = Math.Max(50, Math.Round(ctx.BestCheckRate / 2));
        var ledgerRate = Math.Max(50, Math.Round(ctx.LedgerPeak / 2));
        var streams = Enumerable.Range(0, 1_000).Select(_ => Guid.NewGuid()).ToArray();
        var operatorToken = ctx.Main.Token(Roles.Operator);
        Func<int, Task<bool>> checks = i => ClinicWorld.CheckWithPinAsync(ctx.Main.Http, world.Receptions[i % world.Receptions.Count], world.Patients[zipf.Next()]);
        var step = ctx.Sizes.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10);

        var alone = new List<double>();
        var loaded = new List<double>();
        var rebuildOnly = new List<double>();
        var ledgerOnly = new List<double>();
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"F1 at {rate:0} checks/s (half of F1's best passing rate) for {step.TotalSeconds:0} s; with interference: F2 ledger commands at {ledgerRate:0}/s open loop (half of F2's peak at 64 in flight) on 1k other streams, and person-match rebuild jobs (`POST /v1/operations/rebuild-jobs`, polled to the end) back to back.")
                + " Each round also measures the check with the rebuilds alone (background work, paced by `Background:ShareWhileBusy`) and with the ledger load alone (foreground work of the same kind as the check's own ledger append).",
            string.Empty,
            "| round | F1 p99 alone ms | with rebuilds only ms | with F2 only ms | with F2 + rebuilds ms | F1 errors (alone / both) | F2 achieved /s | rebuilds |",
            "|---|---|---|---|---|---|---|---|",
        };
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var a = await Load.OpenLoopAsync(rate, step, checks);
            await Task.Delay(1_000);
            var (withRebuilds, _, _) = await UnderAsync(ledger: false, rebuild: true);
            await Task.Delay(1_000);
            var (withLedger, _, _) = await UnderAsync(ledger: true, rebuild: false);
            await Task.Delay(1_000);
            var (b, l, rebuilds) = await UnderAsync(ledger: true, rebuild: true);
            alone.Add(a.P99);
            loaded.Add(b.P99);
            rebuildOnly.Add(withRebuilds.P99);
            ledgerOnly.Add(withLedger.P99);
            Progress.Line($"F7 round {round}: F1 {rate:0}/s p99 alone {a.P99:0.0} ms, with rebuilds {withRebuilds.P99:0.0} ms, with F2 {withLedger.P99:0.0} ms, with F2 {l:0}/s + {rebuilds} rebuilds {b.P99:0.0} ms ({a.Failed}/{b.Failed} errors)");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {round} | {a.P99:0.0} | {withRebuilds.P99:0.0} | {withLedger.P99:0.0} | {b.P99:0.0} | {a.Failed} / {b.Failed} | {l:0} | {rebuilds} |"));
            await Task.Delay(1_000);
        }
        ctx.Report.Add(new Figure("F7", $"F1 p99 at {rate:0}/s with F2 at 50% and a rebuild (baseline: F1 alone; lower is better)", "ms",
            loaded.ToArray(), alone.ToArray(), "≤ 2×", (_, r) => r <= 2));
        ctx.Report.Add(new Figure("F7", $"F1 p99 at {rate:0}/s with rebuilds only (background isolation; baseline: F1 alone)", "ms",
            rebuildOnly.ToArray(), alone.ToArray(), "≤ 2×", (_, r) => r <= 2));
        ctx.Report.Add(new Figure("F7", $"F1 p99 at {rate:0}/s with F2 at 50% only (foreground load; baseline: F1 alone)", "ms",
            ledgerOnly.ToArray(), alone.ToArray(), null));
        ctx.Report.Section("F7 isolation", lines.ToArray());

        async Task<(RunResult Checks, double Ledger, int Rebuilds)> UnderAsync(bool ledger, bool rebuild)
        {
            using var stop = new CancellationTokenSource();
            var rebuilds = 0;
            var rebuilder = rebuild
                ? Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await RebuildJobs.RunAsync(ctx.Main.Http, operatorToken, "person-match");
                        rebuilds++;
                    }
                })
                : Task.CompletedTask;
            var ledgerLoad = ledger
                ? Load.OpenLoopAsync(ledgerRate, step + TimeSpan.FromSeconds(1), _ => F2DurableEvents.RecordAsync(ctx.Main.Client, streams[Random.Shared.Next(streams.Length)]))
                : null;
            await Task.Delay(500);
            var checked_ = await Load.OpenLoopAsync(rate, step, checks);
            await stop.CancelAsync();
            var achieved = ledgerLoad is null ? 0 : (await ledgerLoad).Throughput;
            await rebuilder;
            return (checked_, achieved, rebuilds);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Marten;
using Myna.Benchmarks.Harness;
using Myna.Domain.Clinics;
using Myna.GrainInterfaces.Common;
using Orleans.Core.Internal;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F3: the first call to a grain that is not active, against its history length, with and without a
/// snapshot. Baseline: Marten fetches the same stream (<c>FetchStreamAsync</c>) and the same pure
/// <c>Apply</c> folds it, which is what <c>AggregateStreamAsync</c> does for a self-aggregating type.
/// </summary>
public static class F3ColdActivation
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var client = ctx.Main.Client;
        var lines = new List<string>
        {
            $"{ctx.Sizes.ActivationRounds} rounds (each activation is one sample of a few ms, so F3 takes more rounds than the other figures). "
            + "Access-ledger grains (`ledger-{person}`), snapshot every 100 events (`Snapshots:Every`). A stream of L events is written straight to Marten, then the first call "
            + "(`GetClinicConsents`) activates the grain: time from the client's call to its answer. With snapshot: L−1 events written, one command through the grain "
            + "(which writes the snapshot at ≥ 100 events), the activation deactivated, then the first call timed. Below 100 events there is never a snapshot.",
            string.Empty,
            "| round | events | cold, no snapshot ms | replayed | cold, snapshot ms | from snapshot at | raw fetch + fold ms |",
            "|---|---|---|---|---|---|---|",
        };
        var noSnapshot = ctx.Sizes.HistoryLengths.ToDictionary(l => l, _ => new List<double>());
        var withSnapshot = ctx.Sizes.HistoryLengths.ToDictionary(l => l, _ => new List<double>());
        var rawFold = ctx.Sizes.HistoryLengths.ToDictionary(l => l, _ => new List<double>());
        for (var round = 1; round <= ctx.Sizes.ActivationRounds; round++)
        {
            foreach (var length in ctx.Sizes.HistoryLengths)
            {
                // A: cold activation by full replay.
                var plain = Guid.NewGuid();
                if (length > 0)
                {
                    await RawLedger.SeedStreamAsync(ctx.Raw, plain, length);
                }
                var plainMs = await TimeAsync(() => client.GetLedger(new PersonId(plain)).GetClinicConsents());
                var plainInfo = await client.GetLedger(new PersonId(plain)).GetStreamInfo();
                noSnapshot[length].Add(plainMs);

                // B: the same stream read and folded by Marten alone.
                var rawMs = await TimeAsync(async () =>
                {
                    await using var session = ctx.Raw.QuerySession();
                    var events = await session.Events.FetchStreamAsync(RawLedger.Key(plain));
                    var state = LedgerState.Initial;
                    foreach (var e in events)
                    {
                        state = state.Apply((ILedgerEvent)e.Data);
                    }
                    return state;
                });
                rawFold[length].Add(rawMs);

                // A': cold activation from a snapshot (only where one exists).
                double? snapMs = null;
                long? from = null;
                if (length > 0)
                {
                    var snapped = Guid.NewGuid();
                    if (length > 1)
                    {
                        await RawLedger.SeedStreamAsync(ctx.Raw, snapped, length - 1);
                    }
                    var grain = client.GetLedger(new PersonId(snapped));
                    await F2DurableEvents.RecordAsync(client, snapped);
                    await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
                    await Task.Delay(300);
                    snapMs = await TimeAsync(() => grain.GetClinicConsents());
                    from = (await grain.GetStreamInfo()).ActivatedFromSnapshotVersion;
                    withSnapshot[length].Add(snapMs.Value);
                    await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
                }
                else
                {
                    withSnapshot[length].Add(plainMs);
                }
                await client.GetLedger(new PersonId(plain)).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
                Progress.Line($"F3 round {round}: {length,6} events: cold {plainMs:0.0} ms (replayed {plainInfo.EventsReplayedOnActivation}), "
                    + $"with snapshot {(snapMs is null ? "n/a" : snapMs.Value.ToString("0.0", CultureInfo.InvariantCulture))} ms, raw fetch+fold {rawMs:0.0} ms");
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {length:N0} | {plainMs:0.0} | {plainInfo.EventsReplayedOnActivation:N0} | {(snapMs is null ? "–" : snapMs.Value.ToString("0.0", CultureInfo.InvariantCulture))} | {(from is null ? "–" : from.Value.ToString("N0", CultureInfo.InvariantCulture))} | {rawMs:0.0} |"));
            }
        }
        foreach (var length in ctx.Sizes.HistoryLengths)
        {
            ctx.Report.Add(new Figure("F3", $"cold activation, {length:N0} events, no snapshot (lower is better)", "ms",
                noSnapshot[length].ToArray(), rawFold[length].ToArray(), null));
            if (length >= 100)
            {
                ctx.Report.Add(new Figure("F3", $"cold activation, {length:N0} events, from snapshot (lower is better)", "ms",
                    withSnapshot[length].ToArray(), rawFold[length].ToArray(), null));
            }
        }
        var longest = ctx.Sizes.HistoryLengths[^1];
        var shortLength = ctx.Sizes.HistoryLengths.FirstOrDefault(l => l >= 10, ctx.Sizes.HistoryLengths[0]);
        ctx.Report.Add(new Figure("F3", $"{longest:N0} events from snapshot vs {shortLength:N0} events (baseline column = the {shortLength:N0}-event time)", "ms",
            withSnapshot[longest].ToArray(), withSnapshot[shortLength].ToArray(), "≤ 2×", (_, r) => r <= 2));
        ctx.Report.Section("F3 cold activation", lines.ToArray());
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        await call();
        return clock.Elapsed.TotalMilliseconds;
    }
}

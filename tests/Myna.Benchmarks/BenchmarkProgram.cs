using System.Diagnostics;
using Marten;
using Myna.Benchmarks.Harness;
using Myna.Benchmarks.Scenarios;

namespace Myna.Benchmarks;

/// <summary>
/// Runs the scenarios F1–F8 against the real silo and API hosted in this process, each figure beside a
/// baseline measured in the same run, and writes the markdown report. Started by deploy/bench.sh, which
/// owns the stores; arguments: [--quick] [--out FILE] [--only F1,F3] [--append FILE] [--command TEXT].
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var output = Argument(args, "--out") ?? "RESULTS.md";
        var only = Argument(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var append = Argument(args, "--append");
        var command = Argument(args, "--command") ?? "deploy/bench.sh" + (quick ? " --quick" : string.Empty);
        var sizes = quick ? BenchSizes.QuickRun : BenchSizes.Full;
        bool Runs(string id) => only is null || only.Contains(id);

        var wall = Stopwatch.StartNew();
        _ = Report.StartLoad;
        var stores = BenchStores.FromEnvironment();
        var report = new Report();
        await using var raw = stores.CreateStore();
        Progress.Line("applying the event store schema");
        await raw.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var postgres = await PostgresVersionAsync(raw);

        var ctx = new BenchContext(stores, sizes, report, raw);
        Progress.Line("starting one silo and the API");
        await using (ctx.Main = await Deployment.StartAsync(stores, siloCount: 1))
        {
            if (Runs("F1") || Runs("F6") || Runs("F7"))
            {
                ctx.World = new ClinicWorld(ctx.Main);
                await ctx.World.CreateAsync(sizes.Patients, sizes.Receptions, concurrency: 48);
            }
            if (Argument(args, "--hold") is { } hold)
            {
                // Profiling only: a steady F1 load (RATE:SECONDS), no report figures.
                var parts = hold.Split(':');
                await F1EligibilityChecks.HoldAsync(ctx, double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            }
            await Step("F1", Runs("F1"), () => F1EligibilityChecks.RunAsync(ctx), report);
            await Step("F2", Runs("F2"), () => F2DurableEvents.RunAsync(ctx), report);
            await Step("F7", Runs("F7"), async () =>
            {
                if (ctx.BestCheckRate == 0)
                {
                    ctx.BestCheckRate = 200;
                    report.Note("F7 ran without F1: 200 checks/s assumed as F1's best rate.");
                }
                if (ctx.LedgerPeak == 0)
                {
                    ctx.LedgerPeak = 400;
                    report.Note("F7 ran without F2: 400 events/s assumed as F2's peak.");
                }
                await F7Isolation.RunAsync(ctx);
            }, report);
            await Step("F6", Runs("F6"), () => F6ScaleOut.RunAsync(ctx), report);
            await Step("F3", Runs("F3"), () => F3ColdActivation.RunAsync(ctx), report);
            await Step("F8", Runs("F8") || Runs("F4") || Runs("F5"), () => F8BulkRegistration.RunAsync(ctx), report);
            await Step("F4", Runs("F4"), () => F4ReplayAndRebuild.RunAsync(ctx), report);
            await Step("F5", Runs("F5"), () => F5GrainMemory.RunAsync(ctx), report);
            await Step("R1", Runs("R1"), () => R1BackupRestore.RunAsync(ctx), report);
            Progress.Line("stopping the silo and the API");
        }

        var header = new List<string>
        {
            "Written by `deploy/bench.sh` (tests/Myna.Benchmarks). Every scenario runs the real silo (`AddMynaSilo()`) and the real API (`AddMynaApi()` on Kestrel, "
            + "real HTTP on loopback) in one process, against its own PostgreSQL (fsync = on, synchronous_commit = on) and Azurite; subject and baseline alternate "
            + $"(A/B/A/B, {sizes.Rounds} rounds).",
        };
        var markdown = report.Render(command, wall.Elapsed, quick, Report.MachineFacts(postgres), header);
        if (append is not null && File.Exists(append))
        {
            markdown += "\n" + await File.ReadAllTextAsync(append);
        }
        await File.WriteAllTextAsync(output, markdown);
        Progress.Line($"report written to {output} ({wall.Elapsed.TotalMinutes:0.0} min)");
        return 0;
    }

    private static async Task Step(string id, bool run, Func<Task> scenario, Report report)
    {
        if (!run)
        {
            return;
        }
        Progress.Line($"{id}: start");
        var clock = Stopwatch.StartNew();
        try
        {
            await scenario();
            Progress.Line($"{id}: done in {clock.Elapsed.TotalSeconds:0} s");
        }
        catch (Exception ex)
        {
            // One scenario failing must not cost the others' figures: say so in the report and go on.
            Progress.Line($"{id}: FAILED after {clock.Elapsed.TotalSeconds:0} s: {ex.GetType().Name}: {ex.Message}");
            report.Note($"{id} did not finish: {ex.GetType().Name} after {clock.Elapsed.TotalSeconds:0} s ({ex.Message.Split('\n')[0]}); its remaining figures are missing from this run.");
        }
    }

    private static async Task<string> PostgresVersionAsync(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        var version = (await session.QueryAsync<string>("select version()")).Single();
        var settings = (await session.QueryAsync<string>("select current_setting('fsync') || '/' || current_setting('synchronous_commit')")).Single();
        return $"{version.Split(" on ")[0]} (fsync/synchronous_commit = {settings})";
    }

    private static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

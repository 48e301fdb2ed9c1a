using System.Globalization;
using Myna.Benchmarks.Harness;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F6: the same workloads on one silo process and on three silo processes (<c>dotnet Myna.Silo.dll</c>, as
/// deploy/cluster.sh starts them: Azure Table membership on Azurite, each with its own silo, gateway and HTTP
/// ports; the API in this process reaches them through their gateways, as the production API does).
/// Saturation throughput, closed loop: F1 checks through HTTP at 32 in flight, F2 ledger commands at 64.
/// </summary>
public static class F6ScaleOut
{
    public static async Task RunAsync(BenchContext ctx)
    {
        Progress.Line("F6: starting a 1-silo-process deployment and a 3-silo-process deployment");
        await using var one = await Deployment.StartProcessesAsync(ctx.Stores, siloCount: 1);
        await using var three = await Deployment.StartProcessesAsync(ctx.Stores, siloCount: 3);
        Progress.Line($"F6: silo processes {string.Join(", ", one.SiloProcessIds)} (1 silo) and {string.Join(", ", three.SiloProcessIds)} (3 silos)");
        var world = ctx.World;
        var zipf = new Zipf(world.Patients.Count, F1EligibilityChecks.ZipfExponent);
        var streamsOne = Enumerable.Range(0, 1_000).Select(_ => Guid.NewGuid()).ToArray();
        var streamsThree = Enumerable.Range(0, 1_000).Select(_ => Guid.NewGuid()).ToArray();
        Func<Deployment, Func<int, Task<bool>>> checks = d => i => ClinicWorld.CheckWithPinAsync(d.Http, world.Receptions[i % world.Receptions.Count], world.Patients[zipf.Next()]);
        Func<Deployment, Guid[], Func<int, Task<bool>>> ledger = (d, streams) => _ => F2DurableEvents.RecordAsync(d.Client, streams[Random.Shared.Next(streams.Length)]);

        // Warm both deployments (the patients' grains are cold in both new clusters): one check for each of the
        // 1,000 most drawn patients (Zipf rank = index; all of them at the full run's 1,000), then one event per
        // ledger stream. A first check in a new cluster is slow (every grain of the patient activates): no more.
        var warmPatients = Math.Min(world.Patients.Count, 1_000);
        foreach (var (name, d, streams) in new[] { ("1 silo", one, streamsOne), ("3 silos", three, streamsThree) })
        {
            var (elapsed, failed) = await Load.BatchAsync(warmPatients, 32,
                i => ClinicWorld.CheckWithPinAsync(d.Http, world.Receptions[i % world.Receptions.Count], world.Patients[i]),
                Progress.Bar($"F6: warming the most drawn patients' grains on {name}", warmPatients));
            await Load.BatchAsync(streams.Length, 64, i => F2DurableEvents.RecordAsync(d.Client, streams[i]), Progress.Bar($"F6: warming 1,000 ledger grains on {name}", streams.Length));
            Progress.Line($"F6: warm-up on {name}: {warmPatients:N0} checks in {elapsed.TotalSeconds:0} s ({failed} failed)");
        }
        // Then one untimed step of each workload at saturation on each deployment, as F2 warms each of its steps: each silo
        // process compiles its own hot paths, and three processes on two cores get there later than one. Without it both
        // deployments were still speeding up through the timed rounds (one silo's ledger rounds 1,906, 2,784 and 3,197/s).
        foreach (var (name, d, streams) in new[] { ("1 silo", one, streamsOne), ("3 silos", three, streamsThree) })
        {
            var warmChecks = await Load.ClosedLoopAsync(32, ctx.Sizes.ScaleOutStep, checks(d));
            var warmLedger = await Load.ClosedLoopAsync(64, ctx.Sizes.ScaleOutStep, ledger(d, streams));
            Progress.Line($"F6: untimed step on {name}: {warmChecks.Throughput:0} checks/s, {warmLedger.Throughput:0} events/s");
        }

        var f1One = new List<double>();
        var f1Three = new List<double>();
        var f2One = new List<double>();
        var f2Three = new List<double>();
        var lines = new List<string>
        {
            "| round | F1 checks/s, 1 silo | F1 checks/s, 3 silos | F2 events/s, 1 silo | F2 events/s, 3 silos |",
            "|---|---|---|---|---|",
        };
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            f1One.Add((await Load.ClosedLoopAsync(32, ctx.Sizes.ScaleOutStep, checks(one))).Throughput);
            f1Three.Add((await Load.ClosedLoopAsync(32, ctx.Sizes.ScaleOutStep, checks(three))).Throughput);
            f2One.Add((await Load.ClosedLoopAsync(64, ctx.Sizes.ScaleOutStep, ledger(one, streamsOne))).Throughput);
            f2Three.Add((await Load.ClosedLoopAsync(64, ctx.Sizes.ScaleOutStep, ledger(three, streamsThree))).Throughput);
            Progress.Line($"F6 round {round}: F1 1 silo {f1One[^1]:0}/s, 3 silos {f1Three[^1]:0}/s; F2 1 silo {f2One[^1]:0}/s, 3 silos {f2Three[^1]:0}/s");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {round} | {f1One[^1]:0} | {f1Three[^1]:0} | {f2One[^1]:0} | {f2Three[^1]:0} |"));
        }
        ctx.Report.Add(new Figure("F6", "F1 checks/s at saturation (32 in flight): 3 silo processes (baseline: 1 silo process)", "/s",
            f1Three.ToArray(), f1One.ToArray(), "≥ 0.75×", (_, r) => r >= 0.75));
        ctx.Report.Add(new Figure("F6", "F2 events/s at saturation (64 in flight, 1k streams): 3 silo processes (baseline: 1 silo process)", "/s",
            f2Three.ToArray(), f2One.ToArray(), "≥ 0.75×", (_, r) => r >= 0.75));
        lines.Insert(0, "Silo processes (`dotnet Myna.Silo.dll`, Production settings, as deploy/cluster.sh starts them): one deployment of 1 and one of 3, each with its own cluster id; "
            + "each has its own API (`AddMynaApi()` in the benchmark's process, beside the load generator) that reaches the silos through their gateways. "
            + "Both deployments are warmed up (a check for each of the 1,000 most drawn patients, an event on each ledger stream, then one untimed step of each workload at saturation), stay up and are measured alternately; the benchmark's own in-process silo stays up, idle. They share PostgreSQL, so a patient's ledger grain in another cluster re-reads once after the first stale append.");
        lines.Insert(1, string.Empty);
        ctx.Report.Section("F6 one silo process vs three", lines.ToArray());
        Progress.Line("F6: stopping the silo processes");
    }
}

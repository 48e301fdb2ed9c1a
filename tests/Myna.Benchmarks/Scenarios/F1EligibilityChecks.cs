using System.Globalization;
using Myna.Benchmarks.Harness;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F1: eligibility checks per second through the HTTP API at fixed offered rates (open loop), Zipf-chosen
/// patients; the highest rate with p99 ≤ 25 ms and no error. Baseline: the same ledger event appended
/// straight through Marten at the same offered rate.
/// </summary>
public static class F1EligibilityChecks
{
    public const double SloMs = 25;
    public const double ZipfExponent = 0.8;

    /// <summary>
    /// For profiling (deploy/bench.sh --only F1 --hold 400:60): the check at one offered rate for a while, in
    /// 5-second slices, so that dotnet-counters or dotnet-trace can be attached to this process meanwhile.
    /// </summary>
    public static async Task HoldAsync(BenchContext ctx, double rate, int seconds)
    {
        var world = ctx.World;
        var zipf = new Zipf(world.Patients.Count, ZipfExponent);
        Func<int, Task<bool>> subject = i => ClinicWorld.CheckWithPinAsync(ctx.Main.Http, world.Receptions[i % world.Receptions.Count], world.Patients[zipf.Next()]);
        await Load.OpenLoopAsync(100, TimeSpan.FromSeconds(6), subject);
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"hold: {rate:0} checks/s for {seconds} s in process {Environment.ProcessId}"));
        using var disk = new DiskFlushProbe();
        using var gc = new GcPauseProbe();
        using var spans = new SpanProbe();
        for (var slice = 0; slice < seconds / 5; slice++)
        {
            disk.Take();
            // Each check's phases: its challenge request's time, its check request's span (a slice's checks by index).
            var total = Math.Max(1, (int)(rate * 5)); // as many as the open loop offers in a slice
            var challengeMs = new double[total];
            var checkSpan = new (DateTime From, DateTime To)[total];
            var r = await Load.OpenLoopAsync(rate, TimeSpan.FromSeconds(5), i => ClinicWorld.CheckWithPinAsync(ctx.Main.Http,
                world.Receptions[i % world.Receptions.Count], world.Patients[zipf.Next()], registerCard: false,
                (ms, from, to) => (challengeMs[i], checkSpan[i]) = (ms, (from, to))));
            var flushes = disk.Take();
            await Task.Delay(200); // the runtime's GC events reach the listener a moment late
            Progress.Line(string.Create(CultureInfo.InvariantCulture,
                $"hold: slice {slice + 1} from {r.StartedUtc:HH:mm:ss.fff}: p50 {r.P50:0.0} p99 {r.P99:0.0} max {(r.LatenciesMs.Length > 0 ? r.LatenciesMs.Max() : 0):0.0} ms, {r.Failed} errors, {r.Throughput:0}/s, disk flush {Cell(flushes)}, GC pauses {gc.Beside(r, SloMs)}"));
            // The checks over the SLO, each with where its time went: the challenge request, the check request, and the
            // server's and the database's spans within the check request.
            for (var k = 0; k < r.LatenciesMs.Length; k++)
            {
                if (r.LatenciesMs[k] <= SloMs)
                {
                    continue;
                }
                var i = (int)Math.Round(r.DueSeconds[k] * rate);
                var due = r.StartedUtc.AddSeconds(r.DueSeconds[k]);
                var (from, to) = checkSpan[i];
                Progress.Line(string.Create(CultureInfo.InvariantCulture,
                    $"hold:   {due:HH:mm:ss.fff} {r.LatenciesMs[k]:0.0} ms: challenge {challengeMs[i]:0.0}, check {(to - from).TotalMilliseconds:0.0} ms; {spans.Describe(from, to)}"));
            }
        }
    }

    public static async Task RunAsync(BenchContext ctx)
    {
        var world = ctx.World;
        var zipf = new Zipf(world.Patients.Count, ZipfExponent);
        var baselinePersons = world.Patients.Select(_ => Guid.NewGuid()).ToArray();
        Func<int, Task<bool>> subject = i => ClinicWorld.CheckWithPinAsync(ctx.Main.Http, world.Receptions[i % world.Receptions.Count], world.Patients[zipf.Next()]);
        Func<int, Task<bool>> baseline = async _ =>
        {
            await RawLedger.AppendAsync(ctx.Raw, baselinePersons[zipf.Next()]);
            return true;
        };

        // Warm up both paths (JIT, connection pools, the patients' card, person and ledger grains).
        Progress.Line("F1: warm-up");
        await Load.OpenLoopAsync(100, TimeSpan.FromSeconds(ctx.Sizes.Quick ? 2 : 6), subject);
        await Load.OpenLoopAsync(100, TimeSpan.FromSeconds(2), baseline);

        var bestSubject = new List<double>();
        var bestBaseline = new List<double>();
        var sustainedSubject = new List<double>();
        var sustainedBaseline = new List<double>();
        var lines = new List<string>
        {
            $"{world.Patients.Count:N0} enrolled patients (each: person with number, active card with chip keys, insurer enrolment, card registered for insurance; "
            + $"seeded through the public API, ten requests per patient, {world.SeedConcurrency} patients in flight, at {world.SeedRate:0} patients/s in this run, so the issue's 100,000 would take "
            + $"{100_000 / Math.Max(world.SeedRate, 1e-9) / 60:0} minutes and the patient count is the largest that fits the 30-minute run (BenchSizes.Patients)), "
            + $"{world.Receptions.Count} reception terminals (20 per institution, each under the production limit of 120 challenges a minute); patients drawn Zipf(s = {ZipfExponent}); PIN method (challenge → chip signature → check: two HTTP requests per check, "
            + $"latency measured from the check's scheduled start over both). Steps of {ctx.Sizes.RateStep.TotalSeconds:0} s, or as long as {MinStepChecks} checks take at the step's rate (so a step's p99 is never the worst or second worst of a hundred). A step meets the SLO with p99 ≤ {SloMs} ms and no error; "
            + $"it is sustained with no error and p99 ≤ {SustainedP99Ms:0} ms (latency counts from the scheduled start, so a growing backlog shows in p99). The ladder climbs until a step is not sustained. "
            + "Disk flush: what the disk did during the same step, beside the load: an 8 KB write and a flush to disk every 20 ms on the file system of PostgreSQL's WAL, p99 / max ms (a check answers after its commit's WAL flush). "
            + $"GC: the garbage collector's pauses in the benchmark process (generator, API and silo) during the step, from the runtime's GC events: how many (of them gen1/2), the longest and their sum, and how many of the step's operations over {SloMs} ms had a pause fall within their own span.",
            string.Empty,
            "| round | offered /s | API p50 ms | API p99 ms | API errors | API achieved /s | disk flush p99 / max ms (API step) | GC pauses (API step) | raw p50 ms | raw p99 ms | raw errors | raw achieved /s | disk flush p99 / max ms (raw step) | GC pauses (raw step) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        };
        using var disk = new DiskFlushProbe();
        using var gc = new GcPauseProbe();
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var a = new Ladder(disk, gc);
            var b = new Ladder(disk, gc);
            foreach (var rate in ctx.Sizes.Rates)
            {
                if (a.Stopped && b.Stopped)
                {
                    break;
                }
                var step = TimeSpan.FromSeconds(Math.Max(ctx.Sizes.RateStep.TotalSeconds, MinStepChecks / rate));
                var (s, sd, sg) = a.Stopped ? (null, null, null) : await a.StepAsync(rate, step, subject);
                var (r, rd, rg) = b.Stopped ? (null, null, null) : await b.StepAsync(rate, step, baseline);
                Progress.Line($"F1 round {round}: {rate}/s  API {Describe(s)}, disk flush {Cell(sd)}, GC {Cell(sg)}  raw {Describe(r)}, disk flush {Cell(rd)}, GC {Cell(rg)}");
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {rate:0} | {Cell(s?.P50)} | {Cell(s?.P99)} | {Cell(s?.Failed)} | {Cell(s?.Throughput)} | {Cell(sd)} | {Cell(sg)} | {Cell(r?.P50)} | {Cell(r?.P99)} | {Cell(r?.Failed)} | {Cell(r?.Throughput)} | {Cell(rd)} | {Cell(rg)} |"));
            }
            bestSubject.Add(a.BestWithinSlo);
            bestBaseline.Add(b.BestWithinSlo);
            sustainedSubject.Add(a.BestSustained);
            sustainedBaseline.Add(b.BestSustained);
        }
        ctx.BestCheckRate = Math.Max(Stats.Median(bestSubject), Stats.Median(sustainedSubject) / 2);
        ctx.Report.Add(new Figure("F1", $"eligibility checks/s at p99 ≤ {SloMs} ms, 0 errors (HTTP, N = {world.Patients.Count:N0})", "/s",
            bestSubject.ToArray(), bestBaseline.ToArray(), "≥ 3,000/s and ≥ 0.8×", (v, r) => v >= 3_000 && r >= 0.8));
        ctx.Report.Add(new Figure("F1", $"eligibility checks/s sustained (0 errors, p99 ≤ {SustainedP99Ms:0} ms)", "/s",
            sustainedSubject.ToArray(), sustainedBaseline.ToArray(), "≥ 0.8×", (_, r) => r >= 0.8));
        ctx.Report.Section("F1 eligibility checks through the API", lines.ToArray());
    }

    public const double SustainedP99Ms = 1_000;

    /// <summary>
    /// The fewest checks a step times. At 25/s a 4 s step timed 100, whose p99 is their second slowest: one scheduling
    /// stall on the shared box failed the first step of a round, and so the round's rate within the SLO (0/s in the run at
    /// 93f3cb2, where the same rounds met the SLO at up to 150/s further up). With 400 it is the fourth slowest.
    /// </summary>
    public const int MinStepChecks = 400;

    /// <summary>One side's climb: the best rate within the SLO (before the first miss) and the best sustained rate.</summary>
    private sealed class Ladder(DiskFlushProbe disk, GcPauseProbe gc)
    {
        private bool _sloMissed;

        public bool Stopped { get; private set; }

        public double BestWithinSlo { get; private set; }

        public double BestSustained { get; private set; }

        public async Task<(RunResult? Result, (double P99, double Max)? Disk, GcBeside? Gc)> StepAsync(double rate, TimeSpan step, Func<int, Task<bool>> operation)
        {
            disk.Take();
            var r = await Load.OpenLoopAsync(rate, step, operation);
            var flushes = disk.Take();
            if (!_sloMissed && r.Failed == 0 && r.P99 <= SloMs)
            {
                BestWithinSlo = rate;
            }
            else
            {
                _sloMissed = true;
            }
            // Open-loop latency counts from the scheduled start, so a backlog shows as a growing p99.
            if (r.Failed == 0 && r.P99 <= SustainedP99Ms)
            {
                BestSustained = rate;
            }
            else
            {
                Stopped = true;
            }
            await Task.Delay(1_000);
            return (r, flushes, gc.Beside(r, SloMs));
        }
    }

    private static string Describe(RunResult? r) => r is null
        ? "(stopped)"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {r.P50:0.0} p99 {r.P99:0.0} ms, {r.Failed} errors, {r.Throughput:0}/s");

    private static string Cell(double? v) => v is null ? "–" : Report.Format(v.Value);

    private static string Cell((double P99, double Max)? v) => v is { } d ? $"{Report.Format(d.P99)} / {Report.Format(d.Max)}" : "–";

    private static string Cell(GcBeside? v) => v is { } g ? g.ToString() : "–";

    private static string Cell(int? v) => v is null ? "–" : v.Value.ToString(CultureInfo.InvariantCulture);
}

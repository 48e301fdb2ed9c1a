using System.Diagnostics;

namespace Myna.Benchmarks.Harness;

/// <summary>One timed run: latencies of the operations that completed, how many failed, over how long.</summary>
public sealed record RunResult(int Offered, int Succeeded, int Failed, TimeSpan Elapsed, double[] LatenciesMs)
{
    public double Throughput => Succeeded / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public double P50 => Stats.Percentile(LatenciesMs, 0.50);

    public double P99 => Stats.Percentile(LatenciesMs, 0.99);

    /// <summary>Open loop only: when the run started (UTC), to lay its operations beside other probes.</summary>
    public DateTime StartedUtc { get; init; }

    /// <summary>Open loop only: when each operation of <see cref="LatenciesMs"/> was due, in seconds from <see cref="StartedUtc"/>.</summary>
    public double[] DueSeconds { get; init; } = [];
}

public static class Stats
{
    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.ToArray(), 0.5);
}

/// <summary>Skewed choice of patients: rank k drawn with probability ∝ 1/k^s.</summary>
public sealed class Zipf
{
    private readonly double[] _cdf;

    public Zipf(int n, double s)
    {
        _cdf = new double[n];
        var sum = 0.0;
        for (var k = 1; k <= n; k++)
        {
            sum += 1.0 / Math.Pow(k, s);
            _cdf[k - 1] = sum;
        }
        for (var k = 0; k < n; k++)
        {
            _cdf[k] /= sum;
        }
    }

    public int Next()
    {
        var u = Random.Shared.NextDouble();
        var i = Array.BinarySearch(_cdf, u);
        return Math.Min(i < 0 ? ~i : i, _cdf.Length - 1);
    }
}

public static class Load
{
    /// <summary>
    /// Open loop: operation i is due at i/rate seconds whatever happened before, and its latency counts
    /// from when it was due, so a slow system cannot slow the generator down and hide its queueing
    /// (no coordinated omission). Operations beyond <paramref name="maxOutstanding"/> in flight count as errors.
    /// </summary>
    public static async Task<RunResult> OpenLoopAsync(double rate, TimeSpan duration, Func<int, Task<bool>> operation, int maxOutstanding = 4_000)
    {
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var latencies = new double[total];
        var ok = new bool[total];
        var outstanding = 0;
        var failed = 0;
        var tasks = new List<Task>(total);
        var startedUtc = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.002)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }
            if (Volatile.Read(ref outstanding) >= maxOutstanding)
            {
                Interlocked.Increment(ref failed);
                latencies[i] = double.NaN;
                continue;
            }
            Interlocked.Increment(ref outstanding);
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    ok[index] = await operation(index);
                }
                catch (Exception)
                {
                    ok[index] = false;
                }
                finally
                {
                    latencies[index] = (clock.Elapsed.TotalSeconds - due) * 1000;
                    Interlocked.Decrement(ref outstanding);
                }
            }));
        }
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var succeeded = ok.Count(o => o);
        var kept = Enumerable.Range(0, total).Where(i => ok[i] && !double.IsNaN(latencies[i])).ToArray();
        return new RunResult(total, succeeded, total - succeeded, elapsed, kept.Select(i => latencies[i]).ToArray())
        {
            StartedUtc = startedUtc,
            DueSeconds = kept.Select(i => i / rate).ToArray(),
        };
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> workers each run the next operation as soon as the last one answered.</summary>
    public static async Task<RunResult> ClosedLoopAsync(int concurrency, TimeSpan duration, Func<int, Task<bool>> operation)
    {
        var clock = Stopwatch.StartNew();
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double[]>();
        var failed = 0;
        var counter = -1;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < duration)
            {
                var start = clock.Elapsed.TotalMilliseconds;
                bool success;
                try
                {
                    success = await operation(Interlocked.Increment(ref counter));
                }
                catch (Exception)
                {
                    success = false;
                }
                if (success)
                {
                    mine.Add(clock.Elapsed.TotalMilliseconds - start);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
            latencies.Add(mine.ToArray());
        })).ToList();
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).ToArray();
        return new RunResult(all.Length + failed, all.Length, failed, clock.Elapsed, all);
    }

    /// <summary>A fixed amount of work with bounded parallelism: how long it took.</summary>
    private static int _failureNamed;

    public static async Task<(TimeSpan Elapsed, int Failed)> BatchAsync(int count, int concurrency, Func<int, Task<bool>> operation, Action<int>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var next = -1;
        var failed = 0;
        var done = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                bool success;
                try
                {
                    success = await operation(i);
                }
                catch (Exception ex)
                {
                    success = false;
                    // The first failure is named (its type and message only), so a broken seed is seen at once.
                    if (Interlocked.Exchange(ref _failureNamed, 1) == 0)
                    {
                        Progress.Line($"first failure: {ex.GetType().Name}: {ex.Message}");
                    }
                }
                if (!success)
                {
                    Interlocked.Increment(ref failed);
                }
                var d = Interlocked.Increment(ref done);
                progress?.Invoke(d);
            }
        })).ToList();
        await Task.WhenAll(workers);
        return (clock.Elapsed, failed);
    }
}

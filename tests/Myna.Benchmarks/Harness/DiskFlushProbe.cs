using System.Diagnostics;

namespace Myna.Benchmarks.Harness;

/// <summary>
/// What the disk itself does while a step runs: on a thread of its own, an 8 KB write every 20 ms into a preallocated
/// file beside PostgreSQL's data (the same file system as its WAL), each followed by a flush to disk, timed. A check
/// answers after its ledger commit's WAL flush, so a step whose p99 breaks while the box is far from busy can be read
/// against the flushes the disk took in the same seconds. The probe's own 50 flushes a second are small beside the
/// commits it watches, and it runs beside both sides of a step.
/// </summary>
public sealed class DiskFlushProbe : IDisposable
{
    private const int BlockSize = 8192;
    private const long FileSize = 8L * 1024 * 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly string _path;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private List<double> _latencies = new();

    public DiskFlushProbe()
    {
        var pgData = Environment.GetEnvironmentVariable("MYNA_PG_DATA");
        var directory = pgData is { Length: > 0 } && Path.GetDirectoryName(Path.GetFullPath(pgData)) is { } parent && Directory.Exists(parent)
            ? parent
            : Path.GetTempPath();
        _path = Path.Combine(directory, $"disk-flush-probe-{Environment.ProcessId}.bin");
        _thread = new Thread(Run) { IsBackground = true, Name = "disk flush probe" };
        _thread.Start();
    }

    /// <summary>The flushes timed since the last call: p99 and max in ms (null when none finished).</summary>
    public (double P99, double Max)? Take()
    {
        List<double> taken;
        lock (_gate)
        {
            taken = _latencies;
            _latencies = new List<double>(taken.Count);
        }
        if (taken.Count == 0)
        {
            return null;
        }
        var values = taken.ToArray();
        return (Stats.Percentile(values, 0.99), values.Max());
    }

    private void Run()
    {
        try
        {
            using var handle = File.OpenHandle(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose, FileSize);
            var block = new byte[BlockSize];
            Random.Shared.NextBytes(block);
            long position = 0;
            while (!_stop.IsCancellationRequested)
            {
                RandomAccess.Write(handle, block, position);
                var started = Stopwatch.GetTimestamp();
                RandomAccess.FlushToDisk(handle);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (_gate)
                {
                    _latencies.Add(ms);
                }
                position = (position + BlockSize) % FileSize;
                _stop.Token.WaitHandle.WaitOne(Interval);
            }
        }
        catch (IOException e)
        {
            Progress.Line($"disk flush probe stopped: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Progress.Line($"disk flush probe stopped: {e.Message}");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}

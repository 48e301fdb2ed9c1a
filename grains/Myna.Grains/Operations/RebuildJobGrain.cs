using Microsoft.Extensions.Logging;
using Myna.EventStore.Maintenance;
using Myna.GrainInterfaces.Operations;

namespace Myna.Grains.Operations;

/// <summary>
/// Runs one index rebuild in the background of its activation and answers progress polls meanwhile. The scan
/// runs on the thread pool, off the grain's scheduler: a whole-store pass decrypts and folds events between its
/// awaits, and a turn must never hold the activation for seconds (polls would time out). Only its result comes
/// back into the grain's turn. The activation stays alive while it runs.
/// </summary>
public sealed class RebuildJobGrain(IIndexRebuilder rebuilder, TimeProvider clock, ILogger<RebuildJobGrain> logger) : Grain, IRebuildJobGrain
{
    private string _index = string.Empty;
    private RebuildJobStatus _status = RebuildJobStatus.NotStarted;
    private volatile ProgressBox _progress = new(default);
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private int? _rows;
    private string? _error;
    private Task? _run;

    public Task<RebuildJobView> Start(string index)
    {
        if (_run is null)
        {
            _index = index;
            _status = RebuildJobStatus.Running;
            _startedAt = clock.GetUtcNow();
            var which = IndexMaintenanceGrain.Parse(index);
            _run = RunAsync(which);
        }
        return GetProgress();
    }

    public Task<RebuildJobView> GetProgress()
    {
        TimeSpan? remaining = null;
        if (_status == RebuildJobStatus.Running && _startedAt is { } started && _progress.Value.Processed > 0)
        {
            var elapsed = clock.GetUtcNow() - started;
            var progress = _progress.Value;
            remaining = elapsed * ((double)(progress.Total - progress.Processed) / progress.Processed);
        }
        else if (_status == RebuildJobStatus.Completed)
        {
            remaining = TimeSpan.Zero;
        }
        return Task.FromResult(new RebuildJobView(
            this.GetPrimaryKey(), _index, _status, _progress.Value.Processed, _progress.Value.Total, remaining, _rows, _startedAt, _finishedAt, _error));
    }

    private async Task RunAsync(RebuildableIndex index)
    {
        // Yield first so Start answers before the scan begins.
        await Task.Yield();
        try
        {
            DelayDeactivation(TimeSpan.FromHours(2));
            var sink = new Sink(this);
            _rows = await Task.Run(() => rebuilder.RebuildAsync(index, sink));
            _status = RebuildJobStatus.Completed;
            logger.LogInformation("Rebuild {Job} of {Index}: {Rows} rows from {Events} events", this.GetPrimaryKey(), _index, _rows, _progress.Value.Processed);
        }
        catch (Exception ex)
        {
            _status = RebuildJobStatus.Failed;
            _error = ex.GetType().Name;
            logger.LogError(ex, "Rebuild {Job} of {Index} failed", this.GetPrimaryKey(), _index);
        }
        finally
        {
            _finishedAt = clock.GetUtcNow();
            // Keep the outcome readable for a while, then let the activation go.
            DelayDeactivation(TimeSpan.FromHours(1));
        }
    }

    /// <summary>The latest progress, swapped whole (the scan reports from the thread pool, polls read in the grain's turn).</summary>
    private sealed record ProgressBox(RebuildProgress Value);

    /// <summary>Synchronous progress sink, called from the scan's thread: one reference write, never a torn struct.</summary>
    private sealed class Sink(RebuildJobGrain job) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => job._progress = new ProgressBox(value);
    }
}

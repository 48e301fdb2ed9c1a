using Microsoft.Extensions.Logging;
using Myna.EventStore.Maintenance;
using Myna.GrainInterfaces.Operations;

namespace Myna.Grains.Operations;

/// <summary>
/// Runs one index rebuild in the background of its activation and answers progress polls meanwhile (the
/// rebuild awaits I/O, so polls interleave between its turns). The activation stays alive while it runs.
/// </summary>
public sealed class RebuildJobGrain(IIndexRebuilder rebuilder, TimeProvider clock, ILogger<RebuildJobGrain> logger) : Grain, IRebuildJobGrain
{
    private string _index = string.Empty;
    private RebuildJobStatus _status = RebuildJobStatus.NotStarted;
    private RebuildProgress _progress;
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
        if (_status == RebuildJobStatus.Running && _startedAt is { } started && _progress.Processed > 0)
        {
            var elapsed = clock.GetUtcNow() - started;
            remaining = elapsed * ((double)(_progress.Total - _progress.Processed) / _progress.Processed);
        }
        else if (_status == RebuildJobStatus.Completed)
        {
            remaining = TimeSpan.Zero;
        }
        return Task.FromResult(new RebuildJobView(
            this.GetPrimaryKey(), _index, _status, _progress.Processed, _progress.Total, remaining, _rows, _startedAt, _finishedAt, _error));
    }

    private async Task RunAsync(RebuildableIndex index)
    {
        // Yield first so Start answers before the scan begins.
        await Task.Yield();
        try
        {
            DelayDeactivation(TimeSpan.FromHours(2));
            _rows = await rebuilder.RebuildAsync(index, new Sink(this));
            _status = RebuildJobStatus.Completed;
            logger.LogInformation("Rebuild {Job} of {Index}: {Rows} rows from {Events} events", this.GetPrimaryKey(), _index, _rows, _progress.Processed);
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

    /// <summary>Synchronous progress sink (no synchronisation context: the report lands in the grain's own turn).</summary>
    private sealed class Sink(RebuildJobGrain job) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => job._progress = value;
    }
}

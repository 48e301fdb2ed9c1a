using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Operations;

namespace Myna.Grains.Operations;

/// <summary>
/// One per index: a rebuild job starts only when no other job of the index is running. The running job is asked
/// for its own status, so a job lost with its silo (status NotStarted on a fresh activation) frees the index.
/// </summary>
public sealed class IndexRebuildLockGrain : Grain, IIndexRebuildLockGrain
{
    private Guid? _current;

    public async Task<RebuildJobView> Start(Guid jobId)
    {
        if (_current is { } current && current != jobId)
        {
            var running = await GrainFactory.GetRebuildJob(current).GetProgress();
            if (running.Status == RebuildJobStatus.Running)
            {
                return running;
            }
        }
        _current = jobId;
        return await GrainFactory.GetRebuildJob(jobId).Start(this.GetPrimaryKeyString());
    }
}

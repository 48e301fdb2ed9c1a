namespace Myna.GrainInterfaces.Operations;

public enum RebuildJobStatus
{
    NotStarted,
    Running,
    Completed,
    Failed,
}

/// <summary>A rebuild's progress: events read of the events the index is derived from, and the estimated time left.</summary>
[GenerateSerializer, Immutable, Alias("myna.operations.rebuild-job")]
public sealed record RebuildJobView(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] string Index,
    [property: Id(2)] RebuildJobStatus Status,
    [property: Id(3)] long Processed,
    [property: Id(4)] long Total,
    [property: Id(5)] TimeSpan? EstimatedRemaining,
    [property: Id(6)] int? Rows,
    [property: Id(7)] DateTimeOffset? StartedAt,
    [property: Id(8)] DateTimeOffset? FinishedAt,
    [property: Id(9)] string? Error)
{
    public double Percent => Total == 0 ? (Status == RebuildJobStatus.Completed ? 100 : 0) : Math.Round(100.0 * Processed / Total, 1);
}

/// <summary>
/// One rebuild of a read model from the event store, run in the background and polled for progress and an
/// ETA (the job lives in memory on its silo: a job lost with its silo is simply started again).
/// </summary>
public interface IRebuildJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts the rebuild once; a second start of the same job answers its progress.</summary>
    [Alias("Start")]
    Task<RebuildJobView> Start(string index);

    [Alias("GetProgress")]
    Task<RebuildJobView> GetProgress();
}

/// <summary>
/// One rebuild per index at a time (issue 17): keyed by the index name, it starts a job only when no other job of
/// that index is running, and otherwise answers the running one. Non-reentrant, so check and start are one step.
/// </summary>
public interface IIndexRebuildLockGrain : IGrainWithStringKey
{
    /// <summary>Starts <paramref name="jobId"/> (or answers it again, for a retry), or answers the job of this index that is still running.</summary>
    [Alias("Start")]
    Task<RebuildJobView> Start(Guid jobId);
}

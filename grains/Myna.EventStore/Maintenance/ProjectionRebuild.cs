using JasperFx.Events.Daemon;
using Marten;

namespace Myna.EventStore.Maintenance;

/// <summary>An index that is a Marten projection: the projection's name (the daemon's) and how its rows are counted.</summary>
public sealed record ProjectedIndex(string Name, Func<IQuerySession, CancellationToken, Task<int>> CountRows)
{
    public static ProjectedIndex Of<T>(string name)
        where T : notnull =>
        new(name, (query, cancellationToken) => query.Query<T>().CountAsync(cancellationToken));
}

/// <summary>
/// A rebuild by Marten's projection daemon (a daemon of its own, built for the rebuild: the silo runs no
/// async daemon, every projection is inline). Progress is read from the daemon's shard tracker: the events
/// of the index's types up to the sequence the rebuild has reached.
/// </summary>
internal static class ProjectionRebuild
{
    /// <summary>A whole-store replay is long; the daemon gives up on a shard that takes longer than this.</summary>
    private static readonly TimeSpan ShardTimeout = TimeSpan.FromHours(1);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>Rebuilds the projection; returns how many rows it holds afterwards.</summary>
    public static async Task<int> RunAsync(IDocumentStore store, ProjectedIndex index, string[] types, long total,
        IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        using var daemon = await store.BuildProjectionDaemonAsync();
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = progress is null
            ? Task.CompletedTask
            : ReportAsync(store, daemon, index.Name, types, total, progress, reporting.Token);
        try
        {
            await daemon.RebuildProjectionAsync(index.Name, ShardTimeout, cancellationToken);
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter;
        }
        await using var query = store.QuerySession();
        return await index.CountRows(query, cancellationToken);
    }

    private static async Task ReportAsync(IDocumentStore store, IProjectionDaemon daemon, string projection, string[] types, long total,
        IProgress<RebuildProgress> progress, CancellationToken cancellationToken)
    {
        var shard = projection + ":";
        try
        {
            while (true)
            {
                await Task.Delay(PollEvery, cancellationToken);
                var reached = daemon.Tracker.CurrentStates()
                    .Where(s => s.ShardName.StartsWith(shard, StringComparison.Ordinal))
                    .Select(s => s.Sequence)
                    .DefaultIfEmpty(0)
                    .Max();
                if (reached > 0)
                {
                    var processed = await MartenIndexRebuilder.CountAsync(store, types, reached, cancellationToken);
                    progress.Report(new RebuildProgress(Math.Min(processed, total), total));
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The rebuild ended (or was cancelled): the caller reports the outcome.
        }
    }
}

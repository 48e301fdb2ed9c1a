using System.Collections.Concurrent;
using JasperFx.Events;
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
        // One rebuild of a projection at a time in this process (the operations endpoint and a job may ask at
        // once): two daemons replaying one shard would race on its progression.
        var gate = Running.GetOrAdd(index.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await RebuildAsync(store, index, types, total, progress, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Running = new(StringComparer.Ordinal);

    private static async Task<int> RebuildAsync(IDocumentStore store, ProjectedIndex index, string[] types, long total,
        IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        var before = await LastSequenceAsync(store, cancellationToken);
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
        // The daemon replays up to the high-water mark it found, then tears down: an event committed after that
        // check (or above a gap in it) had its inline row deleted and was not replayed. Apply those again.
        await TopUpAsync(store, index.Name, types, Math.Min(before, Reached(daemon, index.Name) ?? before), cancellationToken);
        await using var query = store.QuerySession();
        return await index.CountRows(query, cancellationToken);
    }

    /// <summary>
    /// Applies the projection's events after a sequence number again, through the projection's own inline
    /// application, in sequence order. Rows are folds of absolute values (a serial's card, an institution's
    /// current acceptance), so applying an event twice leaves the row as applying it once.
    /// </summary>
    internal static async Task TopUpAsync(IDocumentStore store, string projection, string[] types, long after, CancellationToken cancellationToken)
    {
        if (!((StoreOptions)store.Options).Projections.TryFindProjection(projection, out var source))
        {
            throw new InvalidOperationException($"No projection named {projection} is configured.");
        }
        var tail = new List<IEvent>();
        await MartenIndexRebuilder.ScanAsync(store, types, tail.Add, cancellationToken, after);
        var inline = source.BuildForInline();
        foreach (var chunk in tail.Chunk(TopUpChunk))
        {
            await using var session = store.LightweightSession();
            var streams = chunk.GroupBy(e => e.StreamKey!, StringComparer.Ordinal).Select(g => StreamAction.Append(g.Key, g.ToArray()));
            await inline.ApplyAsync(session, streams, cancellationToken);
            await session.SaveChangesAsync(cancellationToken);
        }
    }

    private const int TopUpChunk = 500;

    private static async Task<long> LastSequenceAsync(IDocumentStore store, CancellationToken cancellationToken) =>
        (await MartenIndexRebuilder.HighWaterAsync(store, cancellationToken)).Sequence;

    /// <summary>The sequence the daemon's shard of the projection has reached (null if it reported none).</summary>
    private static long? Reached(IProjectionDaemon daemon, string projection)
    {
        var shard = projection + ":";
        var reached = daemon.Tracker.CurrentStates().Where(s => s.ShardName.StartsWith(shard, StringComparison.Ordinal)).Select(s => s.Sequence).ToList();
        return reached.Count > 0 ? reached.Max() : null;
    }

    private static async Task ReportAsync(IDocumentStore store, IProjectionDaemon daemon, string projection, string[] types, long total,
        IProgress<RebuildProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(PollEvery, cancellationToken);
                if (Reached(daemon, projection) is > 0 and var reached)
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

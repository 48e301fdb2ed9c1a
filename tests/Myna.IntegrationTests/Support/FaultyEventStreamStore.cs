using Myna.EventStore.Streams;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// The grains' event store with faults a test can arm for one stream: an append that commits and then
/// loses its connection (the outcome is unknown to the grain), an append that fails before committing,
/// and tail reads that fail while the database is unreachable. Everything else goes to the real store.
/// </summary>
public sealed class FaultyEventStreamStore(IEventStreamStore inner) : IEventStreamStore
{
    public enum AppendFault { None, CommitThenLoseConnection, LoseConnectionBeforeCommit }

    private static readonly Dictionary<string, (AppendFault Append, int FailingReads)> Armed = new(StringComparer.Ordinal);

    /// <summary>The next append to <paramref name="streamKey"/> meets <paramref name="fault"/>; the <paramref name="failingReads"/> reads after it fail too.</summary>
    public static void Arm(string streamKey, AppendFault fault, int failingReads = 0)
    {
        lock (Armed)
        {
            Armed[streamKey] = (fault, failingReads);
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string streamKey, long fromVersion, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ThrowIfReadArmed(streamKey);
        return await inner.ReadAsync(streamKey, fromVersion, limit, cancellationToken);
    }

    private static void ThrowIfReadArmed(string streamKey)
    {
        lock (Armed)
        {
            if (Armed.TryGetValue(streamKey, out var armed) && armed.Append == AppendFault.None && armed.FailingReads > 0)
            {
                Armed[streamKey] = armed with { FailingReads = armed.FailingReads - 1 };
                throw new IOException("injected: the database is unreachable");
            }
        }
    }

    public async Task<StreamHead> ReadHeadAsync(string streamKey, int limit, CancellationToken cancellationToken = default)
    {
        ThrowIfReadArmed(streamKey);
        return await inner.ReadHeadAsync(streamKey, limit, cancellationToken);
    }

    public Task<long> GetVersionAsync(string streamKey, CancellationToken cancellationToken = default) =>
        inner.GetVersionAsync(streamKey, cancellationToken);

    public async Task<long> AppendAsync(string streamKey, long expectedVersion, IReadOnlyList<object> events, AppendMetadata metadata, CancellationToken cancellationToken = default)
    {
        AppendFault fault;
        lock (Armed)
        {
            fault = Armed.TryGetValue(streamKey, out var armed) ? armed.Append : AppendFault.None;
            if (fault != AppendFault.None)
            {
                Armed[streamKey] = armed with { Append = AppendFault.None };
            }
        }
        switch (fault)
        {
            case AppendFault.LoseConnectionBeforeCommit:
                throw new IOException("injected: the connection was lost before the commit");
            case AppendFault.CommitThenLoseConnection:
                await inner.AppendAsync(streamKey, expectedVersion, events, metadata, cancellationToken);
                throw new IOException("injected: the connection was lost after the commit");
            default:
                return await inner.AppendAsync(streamKey, expectedVersion, events, metadata, cancellationToken);
        }
    }
}

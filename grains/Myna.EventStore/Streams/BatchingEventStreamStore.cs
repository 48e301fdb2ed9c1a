using Myna.EventStore.Configuration;
using System.Collections.Concurrent;
using System.Threading.Channels;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Logging;
using Myna.EventStore.Integrity;
using Myna.EventStore.Privacy;

namespace Myna.EventStore.Streams;

/// <summary>
/// An <see cref="IEventStreamStore"/> for hot, small appends to many different streams (the access ledgers
/// of clinic checks): appends waiting at the same moment go to PostgreSQL in <b>one</b> transaction, one
/// round trip, each still with its own expected version and metadata. Every caller's task completes only
/// once its events are durable. If the shared transaction fails (one stale stream refuses it), each append
/// of that batch is retried on its own, so one conflict never fails or delays the others' outcome.
/// Reads go straight to Marten.
/// </summary>
public sealed class BatchingEventStreamStore : IEventStreamStore, IAsyncDisposable
{
    public const string ServiceKey = "batched";
    public const int MaxBatch = 512;

    /// <summary>
    /// Transactions in flight at once. One at a time made every append wait for the previous commit and
    /// left PostgreSQL's group commit idle; a few overlap commits. A stream with an append in flight gets
    /// no second one until that transaction ends, as before.
    /// </summary>
    public const int MaxInFlight = 4;

    private readonly SemaphoreSlim _slots = new(MaxInFlight);
    private readonly ConcurrentDictionary<string, byte> _streamsInFlight = new(StringComparer.Ordinal);

    private readonly IDocumentStore _store;
    private readonly MartenEventStreamStore _direct;
    private readonly ILogger<BatchingEventStreamStore> _logger;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public BatchingEventStreamStore(IDocumentStore store, ILogger<BatchingEventStreamStore> logger)
        : this(store, new ChainSealer(store), logger)
    {
    }

    public BatchingEventStreamStore(IDocumentStore store, ChainSealer sealer, ILogger<BatchingEventStreamStore> logger)
    {
        _store = store;
        _direct = new MartenEventStreamStore(store, sealer);
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>How many transactions and appends went out (for the benchmark and operators).</summary>
    public (long Transactions, long Appends) Counters => (Interlocked.Read(ref _transactions), Interlocked.Read(ref _appends));

    private long _transactions;
    private long _appends;

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string streamKey, long fromVersion, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        _direct.ReadAsync(streamKey, fromVersion, limit, cancellationToken);

    public Task<StreamHead> ReadHeadAsync(string streamKey, int limit, CancellationToken cancellationToken = default) =>
        _direct.ReadHeadAsync(streamKey, limit, cancellationToken);

    public Task<long> GetVersionAsync(string streamKey, CancellationToken cancellationToken = default) =>
        _direct.GetVersionAsync(streamKey, cancellationToken);

    public Task<long> AppendAsync(string streamKey, long expectedVersion, IReadOnlyList<object> events, AppendMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        var pending = new PendingAppend(streamKey, expectedVersion, events, metadata);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The event writer has stopped.");
        }
        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        var deferred = new Queue<PendingAppend>();
        while (deferred.Count > 0 || await _queue.Reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var streams = new HashSet<string>(StringComparer.Ordinal);
            // One append per stream per transaction: a second one for the same stream waits for the next.
            var carried = deferred.Count;
            for (var i = 0; i < carried && batch.Count < MaxBatch; i++)
            {
                var item = deferred.Dequeue();
                if (!_streamsInFlight.ContainsKey(item.StreamKey) && streams.Add(item.StreamKey))
                {
                    batch.Add(item);
                }
                else
                {
                    deferred.Enqueue(item);
                }
            }
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (!_streamsInFlight.ContainsKey(item.StreamKey) && streams.Add(item.StreamKey))
                {
                    batch.Add(item);
                }
                else
                {
                    deferred.Enqueue(item);
                }
            }
            if (batch.Count > 0)
            {
                foreach (var pending in batch)
                {
                    _streamsInFlight[pending.StreamKey] = 0;
                }
                _ = WriteAndReleaseAsync(batch);
                batch = new List<PendingAppend>(MaxBatch);
            }
            else
            {
                // Only appends whose stream is still in flight are waiting.
                _slots.Release();
                await Task.Delay(1);
            }
        }
        // Stopping: wait for the transactions still in flight.
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _slots.WaitAsync();
        }
    }

    private async Task WriteAndReleaseAsync(List<PendingAppend> batch)
    {
        try
        {
            await WriteBatchAsync(batch);
        }
        finally
        {
            foreach (var pending in batch)
            {
                _streamsInFlight.TryRemove(pending.StreamKey, out _);
            }
            _slots.Release();
        }
    }

    private async Task WriteBatchAsync(List<PendingAppend> batch)
    {
        if (batch.Count == 1)
        {
            await WriteAloneAsync(batch[0]);
            return;
        }
        try
        {
            await _store.PersonalData().PrepareAppendAsync(batch.SelectMany(p => p.Events));
            await using var session = _store.LightweightSession();
            var seals = new List<ChainSealer.PendingSeal>(batch.Count);
            foreach (var pending in batch)
            {
                var action = pending.ExpectedVersion == 0
                    ? session.Events.StartStream(pending.StreamKey, pending.Events.ToArray())
                    : session.Events.Append(pending.StreamKey, pending.ExpectedVersion + pending.Events.Count, pending.Events.ToArray());
                foreach (var e in action.Events)
                {
                    e.CausationId = pending.Metadata.CommandId.ToString("D");
                    e.CorrelationId = pending.Metadata.CorrelationId.ToString("D");
                    e.SetHeader(MartenEventStreamStore.ChannelHeader, pending.Metadata.Channel);
                    e.SetHeader(MartenEventStreamStore.FingerprintHeader, pending.Metadata.Fingerprint);
                }
                seals.Add(new ChainSealer.PendingSeal(pending.StreamKey, pending.ExpectedVersion, action.Events, pending.Metadata));
            }
            var heads = await _direct.Sealer.SealAsync(seals);
            await session.SaveChangesAsync();
            _direct.Sealer.Committed(heads);
            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _appends, batch.Count);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult(pending.ExpectedVersion + pending.Events.Count);
            }
        }
        catch (Exception ex)
        {
            // Nothing of the shared transaction was written: give each append its own outcome.
            _logger.LogDebug(ex, "A batch of {Count} appends was refused as a whole; writing them one by one", batch.Count);
            foreach (var pending in batch)
            {
                await WriteAloneAsync(pending);
            }
        }
    }

    private async Task WriteAloneAsync(PendingAppend pending)
    {
        try
        {
            var version = await _direct.AppendAsync(pending.StreamKey, pending.ExpectedVersion, pending.Events, pending.Metadata);
            Interlocked.Increment(ref _transactions);
            Interlocked.Increment(ref _appends);
            pending.Completion.TrySetResult(version);
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    private sealed record PendingAppend(string StreamKey, long ExpectedVersion, IReadOnlyList<object> Events, AppendMetadata Metadata)
    {
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

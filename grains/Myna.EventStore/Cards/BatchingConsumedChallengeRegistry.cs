using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Logging;

namespace Myna.EventStore.Cards;

/// <summary>
/// Group commit for consumed challenges (portal logins, kiosk bindings, relying parties, counter proofs; an
/// eligibility check consumes its own in its ledger commit, <see cref="ConsumedChallengeProjection"/>): the
/// consumptions waiting at the same moment go to PostgreSQL in <b>one</b> transaction. Each caller is
/// answered only once its row is durable. If the shared transaction is refused (one challenge already consumed:
/// a replay, or a retry), each consumption of that batch is decided on its own, so a replay never fails or
/// delays the others. Two consumptions of the same challenge never share a batch.
/// </summary>
public sealed class BatchingConsumedChallengeRegistry : IConsumedChallengeRegistry, IAsyncDisposable
{
    public const int MaxBatch = 256;
    public const int MaxInFlight = 4;

    private readonly IDocumentStore _store;
    private readonly MartenConsumedChallengeRegistry _direct;
    private readonly ILogger<BatchingConsumedChallengeRegistry> _logger;
    private readonly SemaphoreSlim _slots = new(MaxInFlight);
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _transactions;
    private long _consumed;

    public BatchingConsumedChallengeRegistry(IDocumentStore store, ILogger<BatchingConsumedChallengeRegistry> logger)
    {
        _store = store;
        _direct = new MartenConsumedChallengeRegistry(store);
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>How many transactions and consumptions went out (for the benchmark and operators).</summary>
    public (long Transactions, long Consumed) Counters => (Interlocked.Read(ref _transactions), Interlocked.Read(ref _consumed));

    public Task<bool> TryConsumeAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, Guid? consumedBy = null, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(new ConsumedChallenge { Id = challengeId, Purpose = purpose, ExpiresAt = expiresAt, ConsumedBy = consumedBy });
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The consumed-challenge writer has stopped.");
        }
        return pending.Completion.Task;
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        _direct.PurgeExpiredAsync(before, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var deferred = new Queue<Pending>();
        while (deferred.Count > 0 || await _queue.Reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<Pending>();
            var ids = new HashSet<Guid>();
            for (var carried = deferred.Count; carried > 0 && batch.Count < MaxBatch; carried--)
            {
                Take(deferred.Dequeue());
            }
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                Take(item);
            }
            if (batch.Count == 0)
            {
                _slots.Release();
                continue;
            }
            _ = WriteAndReleaseAsync(batch);

            void Take(Pending item)
            {
                if (ids.Add(item.Row.Id))
                {
                    batch.Add(item);
                }
                else
                {
                    deferred.Enqueue(item);
                }
            }
        }
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _slots.WaitAsync();
        }
    }

    private async Task WriteAndReleaseAsync(List<Pending> batch)
    {
        try
        {
            if (batch.Count == 1)
            {
                await AloneAsync(batch[0]);
                return;
            }
            try
            {
                await using var session = _store.LightweightSession();
                foreach (var pending in batch)
                {
                    session.Insert(pending.Row);
                }
                await session.SaveChangesAsync();
                Interlocked.Increment(ref _transactions);
                Interlocked.Add(ref _consumed, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult(true);
                }
            }
            catch (Exception ex)
            {
                // Nothing of the shared transaction was written: each consumption is decided on its own.
                _logger.LogDebug(ex, "A batch of {Count} consumed challenges was refused as a whole; writing them one by one", batch.Count);
                foreach (var pending in batch)
                {
                    await AloneAsync(pending);
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task AloneAsync(Pending pending)
    {
        try
        {
            var row = pending.Row;
            var consumed = await _direct.TryConsumeAsync(row.Id, row.Purpose, row.ExpiresAt, row.ConsumedBy);
            Interlocked.Increment(ref _transactions);
            pending.Completion.TrySetResult(consumed);
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    private sealed record Pending(ConsumedChallenge Row)
    {
        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using Myna.EventStore.Configuration;
using Myna.EventStore.Privacy;
using Marten;
using Myna.EventStore.Streams;

namespace Myna.EventStore.Audit;

/// <summary>A stored event and the stream it belongs to.</summary>
public sealed record StreamEvent(string StreamKey, StoredEvent Event);

/// <summary>Reads across streams for auditors (the grains' adapter reads one stream at a time).</summary>
public interface IEventHistoryReader
{
    /// <summary>Every event recorded under a correlation id (one request), in global order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StreamEvent>> ByCorrelationAsync(Guid correlationId, int limit, CancellationToken cancellationToken = default);
}

public sealed class MartenEventHistoryReader(IDocumentStore store) : IEventHistoryReader
{
    public async Task<IReadOnlyList<StreamEvent>> ByCorrelationAsync(Guid correlationId, int limit, CancellationToken cancellationToken = default)
    {
        var id = correlationId.ToString("D");
        return await store.PersonalData().ReadAsync(async () =>
        {
            await using var query = store.QuerySession();
            var events = await query.Events.QueryAllRawEvents()
                .Where(e => e.CorrelationId == id)
                .OrderBy(e => e.Sequence)
                .Take(limit)
                .ToListAsync(cancellationToken);
            return (IReadOnlyList<StreamEvent>)events.Select(e => new StreamEvent(e.StreamKey!, MartenEventStreamStore.ToStored(e))).ToList();
        }, cancellationToken: cancellationToken);
    }
}

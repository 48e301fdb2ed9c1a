using Myna.EventStore.Configuration;
using Myna.EventStore.Privacy;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace Myna.EventStore.Streams;

/// <summary>Pages through one stream newest first, filtered by event type and recorded time (the portal's access ledger).</summary>
public interface IStreamPageReader
{
    /// <summary>
    /// Events of <paramref name="streamKey"/> with version below <paramref name="beforeVersion"/> (all when null),
    /// of the given types (all when null), recorded in [<paramref name="from"/>, <paramref name="to"/>), newest first.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> ReadBackwardAsync(
        string streamKey, long? beforeVersion, IReadOnlyList<Type>? types, DateTimeOffset? from, DateTimeOffset? to, int limit,
        CancellationToken cancellationToken = default);
}

public sealed class MartenStreamPageReader(IDocumentStore store) : IStreamPageReader
{
    public async Task<IReadOnlyList<StoredEvent>> ReadBackwardAsync(
        string streamKey, long? beforeVersion, IReadOnlyList<Type>? types, DateTimeOffset? from, DateTimeOffset? to, int limit,
        CancellationToken cancellationToken = default)
    {
        return await store.PersonalData().ReadAsync(async () =>
        {
            await using var session = store.QuerySession();
            IQueryable<IEvent> query = session.Events.QueryAllRawEvents().Where(e => e.StreamKey == streamKey);
            if (beforeVersion is { } before)
            {
                query = query.Where(e => e.Version < before);
            }
            if (types is { Count: > 0 })
            {
                var array = types.ToArray();
                query = query.Where(e => e.EventTypesAre(array));
            }
            if (from is { } start)
            {
                query = query.Where(e => e.Timestamp >= start);
            }
            if (to is { } end)
            {
                query = query.Where(e => e.Timestamp < end);
            }
            var events = await query.OrderByDescending(e => e.Version).Take(limit).ToListAsync(cancellationToken);
            return (IReadOnlyList<StoredEvent>)events.Select(MartenEventStreamStore.ToStored).ToList();
        }, PersonalDataProtection.SubjectOfStream(streamKey), cancellationToken);
    }
}

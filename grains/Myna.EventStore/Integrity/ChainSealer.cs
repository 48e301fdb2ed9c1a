using System.Collections.Concurrent;
using JasperFx.Events;
using Marten;
using Myna.EventStore.Configuration;
using Myna.EventStore.Streams;

namespace Myna.EventStore.Integrity;

/// <summary>
/// Seals events at append time: each gets the hash of its content chained to the previous event's hash in
/// the same stream (Marten headers <see cref="EventHash.HashHeader"/> and <see cref="EventHash.PreviousHeader"/>).
/// The previous hash comes from a small cache of the heads this process wrote last (a stream's grain lives
/// on one silo, so it nearly always hits) or else from the row itself. The append's expected version makes
/// the link exact: if the stream moved, the append is refused and nothing sealed with a stale link is kept.
/// A stream whose earlier events predate sealing starts its chain at its first sealed event (previous "").
/// </summary>
public sealed class ChainSealer(IDocumentStore store)
{
    private static readonly Dictionary<Type, string> TypeNames = EventCatalogue.All.ToDictionary(e => e.Type, e => e.Name);

    private readonly HeadCache _heads = new(100_000);

    /// <summary>One stream's events of one append, before they are saved.</summary>
    public sealed record PendingSeal(string StreamKey, long ExpectedVersion, IReadOnlyList<IEvent> Events, AppendMetadata Metadata);

    /// <summary>Sets the hash headers on the events of these appends (one per stream) and returns the new heads.</summary>
    public async Task<IReadOnlyDictionary<string, (long Version, string Hash)>> SealAsync(
        IReadOnlyList<PendingSeal> appends, CancellationToken cancellationToken = default)
    {
        var previous = await PreviousHashesAsync(appends, cancellationToken);
        var serializer = store.Options.Serializer();
        var heads = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var append in appends)
        {
            var prev = previous.GetValueOrDefault(append.StreamKey, string.Empty);
            var version = append.ExpectedVersion;
            foreach (var e in append.Events)
            {
                version++;
                var hash = EventHash.Compute(new EventSealInput(
                    append.StreamKey,
                    version,
                    TypeNames.TryGetValue(e.EventType, out var name) ? name : e.EventTypeName,
                    append.Metadata.CommandId.ToString("D"),
                    append.Metadata.CorrelationId.ToString("D"),
                    append.Metadata.Channel,
                    append.Metadata.Fingerprint,
                    prev,
                    serializer.ToJson(e.Data)));
                e.SetHeader(EventHash.PreviousHeader, prev);
                e.SetHeader(EventHash.HashHeader, hash);
                prev = hash;
            }
            heads[append.StreamKey] = (version, prev);
        }
        return heads;
    }

    /// <summary>Remembers heads once their append is committed.</summary>
    public void Committed(IEnumerable<KeyValuePair<string, (long Version, string Hash)>> heads)
    {
        foreach (var (stream, head) in heads)
        {
            _heads.Set(stream, head);
        }
    }

    private async Task<Dictionary<string, string>> PreviousHashesAsync(IReadOnlyList<PendingSeal> appends, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<PendingSeal>();
        foreach (var append in appends.Where(a => a.ExpectedVersion > 0))
        {
            if (_heads.TryGetValue(append.StreamKey, out var head) && head.Version == append.ExpectedVersion)
            {
                result[append.StreamKey] = head.Hash;
            }
            else
            {
                missing.Add(append);
            }
        }
        if (missing.Count == 0)
        {
            return result;
        }
        await using var query = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        // An event written before sealing has no hash: the chain starts again at the next one ("").
        var rows = await query.AdvancedSql.QueryAsync<string>(
            $"""
            select e.stream_id || chr(10) || coalesce(e.headers ->> '{EventHash.HashHeader}', '')
            from {schema}.mt_events e
            join unnest(?::text[], ?::bigint[]) as k(stream_id, version) on e.stream_id = k.stream_id and e.version = k.version
            """,
            cancellationToken,
            missing.Select(m => m.StreamKey).ToArray(),
            missing.Select(m => m.ExpectedVersion).ToArray());
        foreach (var row in rows)
        {
            var split = row.IndexOf('\n', StringComparison.Ordinal);
            result[row[..split]] = row[(split + 1)..];
        }
        return result;
    }
}

/// <summary>
/// The heads this process wrote last, bounded in two generations: once the current one holds
/// <c>generationSize</c> streams it becomes the previous one (the one before is dropped) and a new one starts. A
/// lookup tries both, and a hit in the previous generation is carried into the current one. So the streams written
/// within about the last <c>generationSize</c> distinct streams always hit, whatever the number of streams a silo
/// writes, where clearing one dictionary when full made every stream miss once after each clearing (each miss a
/// database read in the append's path).
/// </summary>
internal sealed class HeadCache(int generationSize)
{
    /// <summary>One generation and how many streams it holds (ConcurrentDictionary.Count takes every lock of the map).</summary>
    private sealed class Generation
    {
        public readonly ConcurrentDictionary<string, (long Version, string Hash)> Heads = new(StringComparer.Ordinal);
        public int Count;
    }

    private readonly object _turn = new();
    private Generation _current = new();
    private Generation _previous = new();

    /// <summary>How many heads are held (both generations; a stream in both counts twice).</summary>
    public int Count => Volatile.Read(ref Volatile.Read(ref _current).Count) + Volatile.Read(ref Volatile.Read(ref _previous).Count);

    public bool TryGetValue(string stream, out (long Version, string Hash) head)
    {
        if (Volatile.Read(ref _current).Heads.TryGetValue(stream, out head))
        {
            return true;
        }
        if (Volatile.Read(ref _previous).Heads.TryGetValue(stream, out head))
        {
            Set(stream, head);
            return true;
        }
        return false;
    }

    public void Set(string stream, (long Version, string Hash) head)
    {
        var current = Volatile.Read(ref _current);
        // Only a stream new to the current generation can fill it; a known one is updated in place below.
        if (Volatile.Read(ref current.Count) >= generationSize && !current.Heads.ContainsKey(stream))
        {
            lock (_turn)
            {
                if (ReferenceEquals(current, _current))
                {
                    Volatile.Write(ref _previous, current);
                    Volatile.Write(ref _current, new Generation());
                }
                current = _current;
            }
        }
        if (current.Heads.TryAdd(stream, head))
        {
            Interlocked.Increment(ref current.Count);
        }
        else
        {
            current.Heads[stream] = head;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Audit;
using Myna.EventStore.Integrity;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Audit;

/// <summary>Reads stored histories for auditors. Read-only; holds nothing between calls.</summary>
[StatelessWorker]
public sealed class AuditGrain(
    IEventStreamStore store,
    IEventHistoryReader history,
    ChainVerifier verifier,
    CheckpointWriter checkpoints) : Grain, IAuditGrain
{
    private const int ScanChunk = 500;

    private static readonly DomainError StreamNotFound = DomainError.NotFound("audit.stream-not-found", "No events are stored for this stream.");

    private static readonly DomainError UnknownEventType = DomainError.Rule("audit.unknown-event-type",
        "An event asked for is of a type this version does not know (a newer version wrote it), so it cannot be read as its type here; "
        + "read the stream's events instead, which name it and withhold its data.");

    /// <summary>The whole stream read as its types; null when it holds an event of a type this build does not know.</summary>
    private async Task<IReadOnlyList<StoredEvent>?> ReadWholeAsync(string streamKey)
    {
        try
        {
            return await store.ReadAsync(streamKey, 1);
        }
        catch (UnknownEventTypeException)
        {
            return null;
        }
    }

    public async Task<Result<StreamPage>> ReadStream(StreamRef stream, HistoryQuery query)
    {
        if (query.FromVersion < 1 || query.Limit is < 1 or > HistoryQuery.MaxLimit)
        {
            return DomainError.Validation("audit.invalid-page", $"fromVersion starts at 1 and limit is 1 to {HistoryQuery.MaxLimit}.");
        }
        if (query.RecordedFrom is { } from && query.RecordedTo is { } to && to < from)
        {
            return DomainError.Validation("audit.invalid-period", "The period ends before it starts.");
        }
        var types = query.Types is { Count: > 0 } t ? new HashSet<string>(t, StringComparer.Ordinal) : null;
        var filtered = types is not null || query.RecordedFrom is not null || query.RecordedTo is not null;
        // Unfiltered, a page is exactly the next `limit` versions (a stream's versions have no gaps): read just those,
        // alongside the stream's version. Filters may skip many events: then chunks are read until a page and one more match.
        var head = store.GetVersionAsync(stream.Key);
        var first = ReadChunkAsync(stream.Key, query.FromVersion, filtered ? ScanChunk : query.Limit);
        await Task.WhenAll(head, first);
        var version = await head;
        var chunk = await first;
        if (version == 0)
        {
            return StreamNotFound;
        }
        if (!filtered)
        {
            long? following = chunk.Count > 0 && chunk[^1].Version < version ? chunk[^1].Version + 1 : null;
            return Page(stream.Key, version, chunk, following);
        }
        bool Matches(AuditedEvent e) =>
            (types is null || types.Contains(e.EventTypeName))
            && (query.RecordedFrom is not { } from || e.RecordedAt >= from)
            && (query.RecordedTo is not { } to || e.RecordedAt <= to);

        var matches = new List<AuditedEvent>(query.Limit + 1);
        while (true)
        {
            matches.AddRange(chunk.Where(Matches).Take(query.Limit + 1 - matches.Count));
            var next = chunk.Count > 0 ? chunk[^1].Version + 1 : version + 1;
            if (matches.Count > query.Limit || next > version || chunk.Count == 0)
            {
                break;
            }
            chunk = await ReadChunkAsync(stream.Key, next, ScanChunk);
        }
        long? nextFrom = matches.Count > query.Limit ? matches[query.Limit].Version : null;
        return Page(stream.Key, version, matches.Take(query.Limit).ToList(), nextFrom);
    }

    private static Result<StreamPage> Page(string streamKey, long version, IReadOnlyList<AuditedEvent> events, long? nextFrom) =>
        Result<StreamPage>.Ok(new StreamPage(streamKey, version, events.Count, AuditEventsJson.WriteBlocks(events.Select(e => View(streamKey, e))), nextFrom));

    /// <summary>
    /// A chunk of a stream, each event of a type without masked or personal values keeping its stored JSON (never
    /// deserialised and written again); an event this build cannot name is shown with its data withheld.
    /// </summary>
    private Task<IReadOnlyList<AuditedEvent>> ReadChunkAsync(string streamKey, long fromVersion, int limit) =>
        history.ReadStreamAsync(streamKey, fromVersion, limit, AuditEventJson.ShowsStored);

    public async Task<Result<IReadOnlyList<RecordedEventView>>> ReadCorrelation(Guid correlationId, int limit)
    {
        if (limit is < 1 or > HistoryQuery.MaxLimit)
        {
            return DomainError.Validation("audit.invalid-page", $"limit is 1 to {HistoryQuery.MaxLimit}.");
        }
        IReadOnlyList<StreamEvent> events;
        try
        {
            events = await history.ByCorrelationAsync(correlationId, limit);
        }
        catch (UnknownEventTypeException)
        {
            return UnknownEventType;
        }
        if (events.Count == 0)
        {
            return DomainError.NotFound("audit.correlation-not-found", "No events are recorded under this correlation id.");
        }
        return Result<IReadOnlyList<RecordedEventView>>.Ok(events.Select(e => View(e.StreamKey, e.Event)).ToList());
    }

    public async Task<Result<StateView>> StateAsOf(StreamRef stream, AsOfQuery query)
    {
        if (await ReadWholeAsync(stream.Key) is not { } events)
        {
            return UnknownEventType;
        }
        if (events.Count == 0)
        {
            return StreamNotFound;
        }
        if (query.Version is { } version && (version < 0 || version > events[^1].Version))
        {
            return DomainError.Validation("audit.invalid-version", $"The stream has versions 1 to {events[^1].Version}.");
        }
        return Replay(stream, events, query) is { } view ? Result<StateView>.Ok(view) : StreamFolds.NotFoldable(stream.Kind);
    }

    public async Task<Result<TimelineComparison>> CompareTimelines(StreamRef stream, DateTimeOffset at)
    {
        if (await ReadWholeAsync(stream.Key) is not { } events)
        {
            return UnknownEventType;
        }
        if (events.Count == 0)
        {
            return StreamNotFound;
        }
        if (Replay(stream, events, new AsOfQuery(At: at, Timeline: Timeline.Known)) is not { } known
            || Replay(stream, events, new AsOfQuery(At: at, Timeline: Timeline.Effective)) is not { } effective)
        {
            return StreamFolds.NotFoldable(stream.Kind);
        }
        var differences = new List<StateDifference>();
        Diff("$", JsonNode.Parse(known.State), JsonNode.Parse(effective.State), differences);
        // The corrections that make the difference: recorded after the moment, in effect at or before it.
        var corrections = events
            .Where(e => e.RecordedAt > at && e.Data is IRetroactiveEvent r && r.EffectiveFrom <= at)
            .Select(e => View(stream.Key, e))
            .ToList();
        return Result<TimelineComparison>.Ok(new TimelineComparison(known, effective, differences, corrections));
    }

    public async Task<Result<StreamVerificationView>> VerifyStream(StreamRef stream)
    {
        var result = await verifier.VerifyStreamAsync(stream.Key);
        return result is null ? StreamNotFound : Result<StreamVerificationView>.Ok(View(result, null));
    }

    public async Task<StoreVerificationView> VerifyAll()
    {
        var result = await verifier.VerifyAllAsync();
        return new StoreVerificationView(result.VerifiedAt, result.StreamsChecked, result.StreamsIntact, result.EventsChecked,
            result.LegacyEvents, result.CheckpointId, result.Broken.Select(b => View(b, result.CheckpointId)).ToList());
    }

    public async Task<CheckpointView> WriteCheckpoint()
    {
        var checkpoint = await checkpoints.WriteAsync();
        return new CheckpointView(checkpoint.Id, checkpoint.TakenAt, checkpoint.MerkleRoot, checkpoint.Heads.Count);
    }

    /// <summary>The state folded by the kind's own Apply (<see cref="StreamFolds"/>); null for a kind without a fold.</summary>
    private static StateView? Replay(StreamRef stream, IReadOnlyList<StoredEvent> events, AsOfQuery query)
    {
        IEnumerable<StoredEvent> applied = (query.Version, query.At, query.Timeline) switch
        {
            ({ } version, _, _) => events.Where(e => e.Version <= version),
            (null, { } at, Timeline.Known) => events.Where(e => e.RecordedAt <= at),
            // In effect at T: everything known now; a correction counts from its effective date.
            (null, { } at, _) => events.Where(e => (e.Data is IRetroactiveEvent r ? r.EffectiveFrom : e.RecordedAt) <= at),
            _ => events,
        };
        var list = applied.ToList();
        if (!StreamFolds.TryFold(stream.Kind, list.Select(e => e.Data), out var state))
        {
            return null;
        }
        return new StateView(
            stream.Key,
            list.Count > 0 ? list[^1].Version : 0,
            list.Count,
            list.Count > 0 ? list[^1].RecordedAt : null,
            query.Version is null ? query.Timeline : Timeline.Known,
            query.Version is null ? query.At : null,
            AuditEventJson.Write(state));
    }

    private static void Diff(string path, JsonNode? known, JsonNode? effective, List<StateDifference> differences)
    {
        switch (known, effective)
        {
            case (JsonObject a, JsonObject b):
                foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    Diff($"{path}.{name}", a[name], b[name], differences);
                }
                break;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
                {
                    Diff($"{path}[{i}]", i < a.Count ? a[i] : null, i < b.Count ? b[i] : null, differences);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(known, effective))
                {
                    differences.Add(new StateDifference(path, known?.ToJsonString(), effective?.ToJsonString()));
                }
                break;
        }
    }

    private static RecordedEventView View(string streamKey, StoredEvent e) => new(
        e.Version, e.Sequence, e.EventTypeName, e.RecordedAt, e.CommandId, e.CorrelationId, e.Channel,
        AuditEventJson.Write(e.Data),
        streamKey,
        (e.Data as IDomainEvent)?.OccurredAt,
        (e.Data as IDomainEvent)?.Actor,
        (e.Data as IRetroactiveEvent)?.EffectiveFrom);

    private static RecordedEventView View(string streamKey, AuditedEvent e) => new(
        e.Version, e.Sequence, e.EventTypeName, e.RecordedAt, e.CommandId, e.CorrelationId, e.Channel,
        e.StoredJson ?? AuditEventJson.Write(e.Data!),
        streamKey, e.OccurredAt, e.Actor, e.EffectiveFrom);

    private static StreamVerificationView View(StreamVerification v, string? checkpoint) => new(
        v.StreamKey, v.Intact, v.Events, v.LegacyEvents, v.FirstBadVersion,
        v.Problem is { } p ? JsonNamingPolicy.KebabCaseLower.ConvertName(p.ToString()) : null, v.Detail, checkpoint);
}

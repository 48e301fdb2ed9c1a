using Myna.EventStore.Configuration;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Myna.EventStore.Integrity;
using Myna.EventStore.Privacy;
using Npgsql;

namespace Myna.EventStore.Streams;

public sealed class MartenEventStreamStore(IDocumentStore store, ChainSealer sealer) : IEventStreamStore
{
    /// <summary>Seals appended events into their stream's hash chain (shared with the batching writer).</summary>
    internal ChainSealer Sealer => sealer;

    /// <summary>A store with its own seal cache (tools and tests; the silo shares one <see cref="ChainSealer"/>).</summary>
    public MartenEventStreamStore(IDocumentStore store)
        : this(store, new ChainSealer(store))
    {
    }

    internal const string ChannelHeader = "channel";
    internal const string FingerprintHeader = "command-fingerprint";

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string streamKey, long fromVersion, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        return await store.PersonalData().ReadAsync(async () =>
        {
            await using var session = store.QuerySession();
            // A stream's versions have no gaps, so `limit` events from `fromVersion` end at fromVersion + limit - 1 (0: no
            // upper bound). Marten's stream fetch is a prepared statement: no LINQ query to parse on every read.
            var upTo = limit == int.MaxValue ? 0 : fromVersion + limit - 1;
            try
            {
                var events = await session.Events.FetchStreamAsync(streamKey, upTo, null, fromVersion, cancellationToken);
                return (IReadOnlyList<StoredEvent>)events.Select(ToStored).ToList();
            }
            catch (Exception ex) when (UnknownEventTypeException.IsMartens(ex))
            {
                throw new UnknownEventTypeException($"Stream {streamKey}", ex);
            }
        }, PersonalDataProtection.SubjectOfStream(streamKey), cancellationToken);
    }

    public async Task<StreamHead> ReadHeadAsync(string streamKey, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await store.PersonalData().ReadAsync(async () =>
        {
            await using var session = store.QuerySession();
            // Both are Marten's prepared stream reads, sent together as one batch.
            var batch = session.CreateBatchQuery();
            var events = batch.Events.FetchStream(streamKey, limit, null, 1);
            var state = batch.Events.FetchStreamState(streamKey);
            try
            {
                await batch.Execute(cancellationToken);
                var head = await events;
                return new StreamHead(head.Select(ToStored).ToList(), (await state)?.Version ?? 0);
            }
            catch (Exception ex) when (UnknownEventTypeException.IsMartens(ex))
            {
                throw new UnknownEventTypeException($"Stream {streamKey}", ex);
            }
        }, PersonalDataProtection.SubjectOfStream(streamKey), cancellationToken);
    }

    public async Task<long> GetVersionAsync(string streamKey, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var state = await session.Events.FetchStreamStateAsync(streamKey, cancellationToken);
        return state?.Version ?? 0;
    }

    public async Task<long> AppendAsync(string streamKey, long expectedVersion, IReadOnlyList<object> events, AppendMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        await store.PersonalData().PrepareAppendAsync(events, cancellationToken);
        await using var session = store.LightweightSession();
        session.CausationId = metadata.CommandId.ToString("D");
        session.CorrelationId = metadata.CorrelationId.ToString("D");
        session.SetHeader(ChannelHeader, metadata.Channel);
        session.SetHeader(FingerprintHeader, metadata.Fingerprint);

        var newVersion = expectedVersion + events.Count;
        // Marten takes the version the stream will have *after* this append.
        var action = expectedVersion == 0
            ? session.Events.StartStream(streamKey, events.ToArray())
            : session.Events.Append(streamKey, newVersion, events.ToArray());
        var heads = await sealer.SealAsync([new ChainSealer.PendingSeal(streamKey, expectedVersion, action.Events, metadata)], cancellationToken);

        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (Cards.ConsumedChallengeProjection.IsReplay(ex))
        {
            // Before the conflict test: a taken challenge row is a unique violation too, but reading the stream and
            // deciding again would only meet it again.
            throw new AppendRefusedException(streamKey, Myna.Domain.Cards.SealedChallenge.Invalid, ex);
        }
        catch (Exception ex) when (IsConflict(ex))
        {
            throw new StreamConflictException(streamKey, expectedVersion, ex);
        }
        sealer.Committed(heads);
        return newVersion;
    }

    /// <summary>
    /// The personal-data keys of new persons, before their streams are started: whatever else the caller does
    /// meanwhile overlaps the key table's writes, and <see cref="TryStartStreamsAsync"/> then finds them loaded.
    /// </summary>
    public Task PrepareKeysAsync(IEnumerable<Guid> persons, CancellationToken cancellationToken = default) =>
        store.PersonalData().PrepareSubjectsAsync(persons, cancellationToken);

    /// <summary>A new stream for <see cref="TryStartStreamsAsync"/>: its events and the one command that caused them.</summary>
    public sealed record NewStream(string StreamKey, IReadOnlyList<object> Events, AppendMetadata Metadata);

    /// <summary>
    /// Starts many new streams in one transaction, with <paramref name="documents"/> written in the same one (a
    /// bulk registration's chunk and its match-index rows). Each stream's events carry its own command's
    /// metadata and hash chain, exactly as <see cref="AppendAsync"/> writes them, so the grains that later own
    /// the streams find their receipts. False, with nothing written, when any of the streams already exists.
    /// </summary>
    public async Task<bool> TryStartStreamsAsync(IReadOnlyList<NewStream> streams, IReadOnlyList<object> documents, CancellationToken cancellationToken = default)
    {
        await store.PersonalData().PrepareAppendAsync(streams.SelectMany(s => s.Events), cancellationToken);
        await using var session = store.LightweightSession();
        var seals = new List<ChainSealer.PendingSeal>(streams.Count);
        foreach (var stream in streams)
        {
            var action = session.Events.StartStream(stream.StreamKey, stream.Events.ToArray());
            foreach (var e in action.Events)
            {
                e.CausationId = stream.Metadata.CommandId.ToString("D");
                e.CorrelationId = stream.Metadata.CorrelationId.ToString("D");
                e.SetHeader(ChannelHeader, stream.Metadata.Channel);
                e.SetHeader(FingerprintHeader, stream.Metadata.Fingerprint);
            }
            seals.Add(new ChainSealer.PendingSeal(stream.StreamKey, 0, action.Events, stream.Metadata));
        }
        foreach (var document in documents)
        {
            session.Store(document);
        }
        var heads = await sealer.SealAsync(seals, cancellationToken);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (IsConflict(ex))
        {
            return false;
        }
        sealer.Committed(heads);
        return true;
    }

    private static bool IsConflict(Exception ex) => ex switch
    {
        JasperFx.ConcurrencyException => true,
        JasperFx.Events.ExistingStreamIdCollisionException => true,
        Marten.Exceptions.ExistingStreamIdCollisionException => true,
        // A racing first append can surface as a unique violation on the stream or event tables.
        MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        // Several streams of one transaction (a bulk start) report their collisions together.
        AggregateException { InnerExceptions: var all } => all.Count > 0 && all.All(IsConflict),
        _ => false,
    };

    internal static StoredEvent ToStored(IEvent e) => new(
        e.Version,
        e.Sequence,
        e.Data,
        e.EventTypeName,
        e.Timestamp,
        Guid.TryParse(e.CausationId, out var command) ? command : null,
        Guid.TryParse(e.CorrelationId, out var correlation) ? correlation : null,
        e.GetHeader(ChannelHeader)?.ToString(),
        e.GetHeader(FingerprintHeader)?.ToString());
}

using System.Globalization;
using Myna.EventStore.Configuration;
using Myna.EventStore.Privacy;
using Marten;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Npgsql;

namespace Myna.EventStore.Audit;

/// <summary>A stored event and the stream it belongs to.</summary>
public sealed record StreamEvent(string StreamKey, StoredEvent Event);

/// <summary>
/// One stored event as an auditor sees it: either its stored JSON as it is (<see cref="StoredJson"/>, for a type the
/// caller may show as stored) or its data read back as its type (<see cref="Data"/>, decrypted), with what every event
/// says of itself (when it happened, who acted, from when a correction counts).
/// </summary>
public sealed record AuditedEvent(
    long Version,
    long Sequence,
    string EventTypeName,
    DateTimeOffset RecordedAt,
    Guid? CommandId,
    Guid? CorrelationId,
    string? Channel,
    object? Data,
    string? StoredJson,
    DateTimeOffset? OccurredAt,
    Actor? Actor,
    DateTimeOffset? EffectiveFrom);

/// <summary>Reads across streams for auditors (the grains' adapter reads one stream at a time).</summary>
public interface IEventHistoryReader
{
    /// <summary>Every event recorded under a correlation id (one request), in global order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StreamEvent>> ByCorrelationAsync(Guid correlationId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Versions <paramref name="fromVersion"/> to <paramref name="fromVersion"/> + <paramref name="limit"/> − 1 of a stream.
    /// An event whose type <paramref name="showsStored"/> accepts keeps its stored JSON and is never deserialised (nor
    /// written again by the caller); the others are read as their type. An event of a type this build does not know (a
    /// newer version wrote it) is given by its name and envelope with its data withheld (<see cref="WithheldJson"/>):
    /// it may hold a number or personal data that only its own type can mask.
    /// </summary>
    Task<IReadOnlyList<AuditedEvent>> ReadStreamAsync(string streamKey, long fromVersion, int limit, Func<Type, bool> showsStored,
        CancellationToken cancellationToken = default);
}

public sealed class MartenEventHistoryReader(IDocumentStore store) : IEventHistoryReader
{
    /// <summary>The data shown for an event of a type this build does not know.</summary>
    public const string WithheldJson = "null";

    /// <summary>Stored names under which events are shown as stored: current names only (a legacy name is read as its type).</summary>
    private static readonly IReadOnlyDictionary<string, Type> CurrentNames =
        EventCatalogue.All.ToDictionary(e => e.Name, e => e.Type, StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, Type> LegacyNames =
        EventCatalogue.Legacy.ToDictionary(e => e.LegacyName, e => e.Type, StringComparer.Ordinal);

    public async Task<IReadOnlyList<StreamEvent>> ByCorrelationAsync(Guid correlationId, int limit, CancellationToken cancellationToken = default)
    {
        var id = correlationId.ToString("D");
        return await store.PersonalData().ReadAsync(async () =>
        {
            await using var query = store.QuerySession();
            try
            {
                var events = await query.Events.QueryAllRawEvents()
                    .Where(e => e.CorrelationId == id)
                    .OrderBy(e => e.Sequence)
                    .Take(limit)
                    .ToListAsync(cancellationToken);
                return (IReadOnlyList<StreamEvent>)events.Select(e => new StreamEvent(e.StreamKey!, MartenEventStreamStore.ToStored(e))).ToList();
            }
            catch (Exception ex) when (UnknownEventTypeException.IsMartens(ex))
            {
                throw new UnknownEventTypeException($"Correlation {id}", ex);
            }
        }, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<AuditedEvent>> ReadStreamAsync(string streamKey, long fromVersion, int limit, Func<Type, bool> showsStored,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var upTo = fromVersion > long.MaxValue - limit ? long.MaxValue : fromVersion + limit - 1;
        var serializer = store.Options.Serializer();
        // What every event says of itself is read by PostgreSQL from the stored JSON, so an event shown as stored is
        // never parsed here. The names are the camel-cased IDomainEvent and IRetroactiveEvent properties.
        var sql = $"""
            select version, seq_id, type, timestamp, causation_id, correlation_id, headers ->> '{MartenEventStreamStore.ChannelHeader}', data,
                   data ->> 'occurredAt', data -> 'actor' ->> 'subject', data -> 'actor' ->> 'role', data -> 'actor' ->> 'onBehalfOf',
                   data ->> 'effectiveFrom'
            from {store.Options.Events.DatabaseSchemaName}.mt_events
            where stream_id = @stream and version >= @from and version <= @upTo
            order by version
            """;
        return await store.PersonalData().ReadAsync(async () =>
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("stream", streamKey);
            command.Parameters.AddWithValue("from", fromVersion);
            command.Parameters.AddWithValue("upTo", upTo);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var page = new List<AuditedEvent>(Math.Min(limit, 1_000));
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(2);
                var current = CurrentNames.TryGetValue(name, out var type);
                if (!current && !LegacyNames.TryGetValue(name, out type))
                {
                    page.Add(new AuditedEvent(
                        reader.GetInt64(0), reader.GetInt64(1), name, reader.GetFieldValue<DateTimeOffset>(3),
                        Guid.TryParse(Text(reader, 4), out var unknownCommand) ? unknownCommand : null,
                        Guid.TryParse(Text(reader, 5), out var unknownCorrelation) ? unknownCorrelation : null,
                        Text(reader, 6), null, WithheldJson, null, null, null));
                    continue;
                }
                var asStored = current && showsStored(type!);
                var data = asStored ? null : serializer.FromJson(type!, reader, 7);
                page.Add(new AuditedEvent(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    name,
                    reader.GetFieldValue<DateTimeOffset>(3),
                    Guid.TryParse(Text(reader, 4), out var commandId) ? commandId : null,
                    Guid.TryParse(Text(reader, 5), out var correlationId) ? correlationId : null,
                    Text(reader, 6),
                    data,
                    asStored ? reader.GetString(7) : null,
                    asStored ? Moment(Text(reader, 8)) : (data as IDomainEvent)?.OccurredAt,
                    asStored ? ActorOf(Text(reader, 9), Text(reader, 10), Text(reader, 11)) : (data as IDomainEvent)?.Actor,
                    asStored
                        ? typeof(IRetroactiveEvent).IsAssignableFrom(type) ? Moment(Text(reader, 12)) : null
                        : (data as IRetroactiveEvent)?.EffectiveFrom));
            }
            return (IReadOnlyList<AuditedEvent>)page;
        }, PersonalDataProtection.SubjectOfStream(streamKey), cancellationToken);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Moment(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static Actor? ActorOf(string? subject, string? role, string? onBehalfOf) =>
        subject is null || role is null ? null : new Actor(subject, role, onBehalfOf);
}

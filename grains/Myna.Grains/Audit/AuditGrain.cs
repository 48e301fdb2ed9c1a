using System.Text.Json;
using System.Text.Json.Serialization;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Audit;

/// <summary>Reads stored histories for auditors. Read-only; holds nothing between calls.</summary>
[StatelessWorker]
public sealed class AuditGrain(IEventStreamStore store) : Grain, IAuditGrain
{
    public const int MaxPageSize = 500;

    // Auditors replay histories; they do not need the numbers themselves, so event data is shown with
    // every Individual Number and resident record code masked to its last four digits.
    private static readonly JsonSerializerOptions AuditJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(), new MaskedConverter<IndividualNumber>(), new MaskedConverter<ResidentRecordCode>() },
    };

    public async Task<Result<StreamPage>> ReadStream(StreamRef stream, long fromVersion, int limit)
    {
        if (fromVersion < 1 || limit is < 1 or > MaxPageSize)
        {
            return DomainError.Validation("audit.invalid-page", $"fromVersion starts at 1 and limit is 1 to {MaxPageSize}.");
        }
        var version = await store.GetVersionAsync(stream.Key);
        if (version == 0)
        {
            return DomainError.NotFound("audit.stream-not-found", "No events are stored for this stream.");
        }
        var events = await store.ReadAsync(stream.Key, fromVersion, limit + 1);
        var page = events.Take(limit).Select(e => new RecordedEventView(
            e.Version, e.Sequence, e.EventTypeName, e.RecordedAt, e.CommandId, e.CorrelationId, e.Channel,
            JsonSerializer.Serialize(e.Data, e.Data.GetType(), AuditJson))).ToList();
        long? next = events.Count > limit ? events[limit].Version : null;
        return Result<StreamPage>.Ok(new StreamPage(stream.Key, version, page, next));
    }

    /// <summary>Writes a sensitive typed value as its <c>ToString()</c>, which these types keep masked.</summary>
    private sealed class MaskedConverter<T> : JsonConverter<T>
        where T : struct
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Audit views are written, never read back.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}

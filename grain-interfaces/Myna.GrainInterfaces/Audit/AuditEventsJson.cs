using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Myna.GrainInterfaces.Audit;

/// <summary>
/// Events as the API shows them to auditors: the fields of its audit event response, in its order, camel-cased, with
/// ASP.NET Core's relaxed escaping, each event's data copied as the audit grain wrote it. A page of a stream is written
/// here once, by the audit grain, and crosses to the API as one block of UTF-8 that the API copies into its response,
/// instead of hundreds of objects serialised by Orleans, read back, and serialised again as JSON. The correlation trail
/// and the timelines write the same fields through the API's serializer; a test holds the two to the same bytes.
/// </summary>
public static class AuditEventsJson
{
    /// <summary>ASP.NET Core's escaping, for the events and for the answer the API writes around them.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The events as one JSON array.</summary>
    public static byte[] WriteArray(IEnumerable<RecordedEventView> events)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                Write(writer, e);
            }
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, RecordedEventView e)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", e.Version);
        writer.WriteNumber("sequence", e.Sequence);
        writer.WriteString("type", e.EventType);
        writer.WriteString("recordedAt", e.RecordedAt);
        WriteOrNull(writer, "commandId", e.CommandId);
        WriteOrNull(writer, "correlationId", e.CorrelationId);
        writer.WriteString("channel", e.Channel);
        writer.WritePropertyName("data");
        writer.WriteRawValue(e.Data, skipInputValidation: true);
        writer.WriteString("stream", e.StreamKey);
        WriteOrNull(writer, "occurredAt", e.OccurredAt);
        if (e.Actor is { } actor)
        {
            writer.WriteStartObject("actor");
            writer.WriteString("subject", actor.Subject);
            writer.WriteString("role", actor.Role);
            writer.WriteString("onBehalfOf", actor.OnBehalfOf);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("actor");
        }
        WriteOrNull(writer, "effectiveFrom", e.EffectiveFrom);
        writer.WriteEndObject();
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, Guid? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}

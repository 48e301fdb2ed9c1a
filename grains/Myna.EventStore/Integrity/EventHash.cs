using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Myna.EventStore.Integrity;

/// <summary>
/// The tamper-evident seal of one stored event: SHA-256 over its stream, version, stored type name,
/// command metadata, the previous event's hash and the canonical JSON of its stored data. The data is
/// hashed as PostgreSQL stores it (jsonb), canonicalised (keys sorted ordinally, no whitespace, numbers
/// normalised), so the hash computed at append time equals the one recomputed from the row.
/// </summary>
public static class EventHash
{
    /// <summary>Marten header holding the event's hash.</summary>
    public const string HashHeader = "hash";

    /// <summary>Marten header holding the previous event's hash ("" where a chain starts).</summary>
    public const string PreviousHeader = "prev-hash";

    private static readonly JsonWriterOptions Canonical = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static string Compute(EventSealInput input)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Canonical))
        {
            writer.WriteStartArray();
            writer.WriteStringValue("myna-event-seal-v1");
            writer.WriteStringValue(input.StreamKey);
            writer.WriteNumberValue(input.Version);
            writer.WriteStringValue(input.EventType);
            writer.WriteStringValue(input.CausationId ?? string.Empty);
            writer.WriteStringValue(input.CorrelationId ?? string.Empty);
            writer.WriteStringValue(input.Channel ?? string.Empty);
            writer.WriteStringValue(input.Fingerprint ?? string.Empty);
            writer.WriteStringValue(input.PreviousHash);
            using var data = JsonDocument.Parse(input.DataJson);
            WriteCanonical(writer, data.RootElement);
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The canonical form of a JSON text (what both sides of a verification hash).</summary>
    public static string Canonicalise(string json)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Canonical))
        {
            using var document = JsonDocument.Parse(json);
            WriteCanonical(writer, document.RootElement);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // jsonb keeps a number's scale but not its spelling (1E3 → 1000): normalise through decimal.
                var raw = element.GetRawText();
                writer.WriteRawValue(decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : raw);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}

/// <summary>What one event's seal covers.</summary>
public sealed record EventSealInput(
    string StreamKey,
    long Version,
    string EventType,
    string? CausationId,
    string? CorrelationId,
    string? Channel,
    string? Fingerprint,
    string PreviousHash,
    string DataJson);

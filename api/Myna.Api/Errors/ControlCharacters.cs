using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myna.Api.Errors;

/// <summary>A text field of a request carried a control character (Unicode category Cc).</summary>
public sealed class ControlCharacterException(string message) : JsonException(message);

/// <summary>
/// Every string read from a request body: control characters (Unicode category Cc: NUL, line breaks, escape,
/// C1 controls) are refused as 400 <c>request.invalid</c>, never passed on to a grain, a log or an event.
/// Everything else passes, the ideographic variation selectors (IVS) of Japanese names included.
/// </summary>
public sealed class ControlCharacterRejectingStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A text value was expected.");
        }
        var value = reader.GetString()!;
        foreach (var c in value)
        {
            if (char.GetUnicodeCategory(c) == UnicodeCategory.Control)
            {
                throw new ControlCharacterException("Text fields may not contain control characters.");
            }
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

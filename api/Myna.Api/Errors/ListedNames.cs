using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myna.Api.Errors;

/// <summary>
/// Enumerations read from a request by their listed names only. <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
/// and System.Text.Json's string-enum converter also take numbers (<c>1</c>, <c>"0"</c>), names padded with spaces, and
/// comma lists, which they combine as flags: <c>"male, female"</c> read as female, two registration reasons as a third.
/// None of those is a listed name, and each is refused. A number in particular means different things to different
/// senders (ISO 5218 codes sex 1 as male; the list's own order, as female), so it is never guessed.
/// </summary>
public static class ListedNames
{
    public const string Message = "One of its listed names.";

    /// <summary>The longest listed name.</summary>
    private const int MaxLength = 64;

    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary>Letters, digits and (kebab-case) hyphens, a letter first: the only shape a listed name has.</summary>
    public static bool IsNameShaped(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= MaxLength && char.IsAsciiLetter(text[0]) && !text.ContainsAnyExcept(NameCharacters);

    public static bool IsNameShaped(string? text) => text is not null && IsNameShaped(text.AsSpan());

    /// <summary>
    /// The same shape, read from the JSON reader's value without making a string: it is unescaped into a stack buffer
    /// (a name-shaped value is at most <see cref="MaxLength"/> characters, each at most six bytes as <c>\uXXXX</c>).
    /// </summary>
    public static bool IsNameShaped(ref Utf8JsonReader reader)
    {
        const int MaxBytes = MaxLength * 6;
        if ((reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > MaxBytes)
        {
            return false;
        }
        Span<char> text = stackalloc char[MaxBytes];
        return IsNameShaped(text[..reader.CopyString(text)]);
    }

    /// <summary>
    /// A route or query value by its name, case-insensitive. <paramref name="kebab"/>: spelt as the JSON bodies spell it
    /// (<c>medication-dispensed</c>), hyphens dropped; otherwise the name as it is, without hyphens.
    /// </summary>
    public static bool TryParse<T>(string? text, bool kebab, out T value) where T : struct, Enum
    {
        value = default;
        if (!IsNameShaped(text) || !kebab && text!.Contains('-'))
        {
            return false;
        }
        var name = kebab ? text!.Replace("-", string.Empty, StringComparison.Ordinal) : text!;
        return Enum.TryParse(name, ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}

/// <summary>A request's enumerated field held something other than one of its listed names (the value is never echoed).</summary>
public sealed class UnlistedNameException() : JsonException(ListedNames.Message);

/// <summary>
/// The API's enumerations in JSON: written and read by their kebab-case names as <see cref="JsonStringEnumConverter"/>
/// does, but read from a string that is one listed name only (see <see cref="ListedNames"/>). Anything else answers 400
/// <c>request.invalid</c> naming the field (<see cref="ApiExceptionHandler"/>).
/// </summary>
public sealed class ListedNameEnumConverter(JsonNamingPolicy naming) : JsonConverterFactory
{
    private readonly JsonStringEnumConverter _names = new(naming, allowIntegerValues: false);

    /// <summary>Writing is as before: a value outside the list (an erased record's) is written as its number.</summary>
    private readonly JsonStringEnumConverter _written = new(naming);

    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Strict<>).MakeGenericType(typeToConvert),
            _names.CreateConverter(typeToConvert, options), _written.CreateConverter(typeToConvert, options))!;

    private sealed class Strict<T>(JsonConverter names, JsonConverter written) : JsonConverter<T> where T : struct, Enum
    {
        private readonly JsonConverter<T> _names = (JsonConverter<T>)names;
        private readonly JsonConverter<T> _written = (JsonConverter<T>)written;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadName(ref reader, typeToConvert, options, asPropertyName: false);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => _written.Write(writer, value, options);

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadName(ref reader, typeToConvert, options, asPropertyName: true);

        /// <summary>A value or a map key: one name-shaped string the framework's converter knows, or refused.</summary>
        private T ReadName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options, bool asPropertyName)
        {
            if (!asPropertyName && reader.TokenType != JsonTokenType.String || !ListedNames.IsNameShaped(ref reader))
            {
                throw new UnlistedNameException();
            }
            try
            {
                return asPropertyName ? _names.ReadAsPropertyName(ref reader, typeToConvert, options) : _names.Read(ref reader, typeToConvert, options);
            }
            catch (JsonException)
            {
                throw new UnlistedNameException();
            }
        }

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            _written.WriteAsPropertyName(writer, value, options);
    }
}

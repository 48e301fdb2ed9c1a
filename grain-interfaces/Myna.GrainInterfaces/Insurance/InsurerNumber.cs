using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myna.GrainInterfaces.Insurance;

/// <summary>
/// A health insurer's number (保険者番号). Eight digits: scheme (法別番号, 2) + prefecture (都道府県番号, 2)
/// + insurer (保険者別番号, 3) + check digit (検証番号, 1). National health insurance (国民健康保険) has no
/// scheme and uses six digits: prefecture (2) + insurer (3) + check digit (1).
/// Only values accepted by <see cref="TryParse"/> should be constructed.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.insurer-number")]
[JsonConverter(typeof(InsurerNumberJsonConverter))]
public readonly record struct InsurerNumber([property: Id(0)] string Value)
{
    /// <summary>True for a 6-digit national health insurance number.</summary>
    public bool IsNationalHealthInsurance => Value.Length == 6;

    /// <summary>The 2-digit prefecture number, 01–47.</summary>
    public string Prefecture => IsNationalHealthInsurance ? Value[..2] : Value[2..4];

    /// <summary>The 2-digit scheme number (法別番号); null for national health insurance.</summary>
    public string? Scheme => IsNationalHealthInsurance ? null : Value[..2];

    public override string ToString() => Value;

    /// <summary>
    /// Accepts 8 or 6 ASCII digits after trimming surrounding white space; nothing else is normalised
    /// (full-width digits, inner spaces and hyphens are refused so the clerk re-enters the number).
    /// The prefecture must be 01–47, an 8-digit number's scheme must not be 00, and the check digit must
    /// match <see cref="ComputeCheckDigit"/>. <paramref name="reason"/> is a sentence for the clerk when
    /// false and empty when true.
    /// </summary>
    public static bool TryParse(string? text, out InsurerNumber number, out string reason)
    {
        number = default;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            reason = "Enter the insurer number.";
            return false;
        }
        if (!trimmed.All(char.IsAsciiDigit))
        {
            reason = "An insurer number contains only the half-width digits 0-9.";
            return false;
        }
        if (trimmed.Length is not (8 or 6))
        {
            reason = "An insurer number has 8 digits (6 for national health insurance).";
            return false;
        }
        var isNational = trimmed.Length == 6;
        if (!isNational && trimmed.StartsWith("00", StringComparison.Ordinal))
        {
            reason = "The scheme number (first two digits) of an insurer number cannot be 00.";
            return false;
        }
        var prefecture = isNational ? trimmed[..2] : trimmed[2..4];
        var prefectureNumber = ((prefecture[0] - '0') * 10) + (prefecture[1] - '0');
        if (prefectureNumber is < 1 or > 47)
        {
            reason = $"The prefecture number {prefecture} in the insurer number is not between 01 and 47.";
            return false;
        }
        if (ComputeCheckDigit(trimmed.AsSpan(0, trimmed.Length - 1)) != trimmed[^1])
        {
            reason = "The insurer number's check digit is wrong; check the number for a typing error.";
            return false;
        }
        reason = string.Empty;
        number = new InsurerNumber(trimmed);
        return true;
    }

    /// <summary>
    /// The check digit (検証番号) for the digits before it: multiply them alternately by 2 and 1, starting
    /// with 2 on the rightmost; add the digits of each product (14 counts as 1 + 4); the check digit is
    /// (10 − sum mod 10) mod 10.
    /// </summary>
    /// <exception cref="ArgumentException">The body is empty or contains anything but ASCII digits.</exception>
    public static char ComputeCheckDigit(ReadOnlySpan<char> body)
    {
        if (body.IsEmpty)
        {
            throw new ArgumentException("The body of an insurer number cannot be empty.", nameof(body));
        }
        var sum = 0;
        var weight = 2;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var c = body[i];
            if (!char.IsAsciiDigit(c))
            {
                throw new ArgumentException("The body of an insurer number has only ASCII digits.", nameof(body));
            }
            var product = (c - '0') * weight;
            sum += (product / 10) + (product % 10);
            weight = weight == 2 ? 1 : 2;
        }
        return (char)('0' + ((10 - (sum % 10)) % 10));
    }
}

/// <summary>Stored and sent as the plain digit string; an invalid string on read is a <see cref="JsonException"/>.</summary>
public sealed class InsurerNumberJsonConverter : JsonConverter<InsurerNumber>
{
    public override InsurerNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("An insurer number must be a JSON string.");
        }
        return InsurerNumber.TryParse(reader.GetString(), out var number, out var reason)
            ? number
            : throw new JsonException(reason);
    }

    public override void Write(Utf8JsonWriter writer, InsurerNumber value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

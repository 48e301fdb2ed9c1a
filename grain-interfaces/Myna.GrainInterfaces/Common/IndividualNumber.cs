using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myna.GrainInterfaces.Common;

/// <summary>
/// The lifelong 12-digit Individual Number. Validated on construction (format + check digit).
/// <see cref="ToString"/> is masked on purpose so that the number never lands in a log line or an
/// exception message by accident; use <see cref="Digits"/> where the full number is really needed.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.individual-number")]
[JsonConverter(typeof(IndividualNumberJsonConverter))]
public readonly record struct IndividualNumber
{
    [Id(0)] private readonly string? _digits;

    private IndividualNumber(string digits) => _digits = digits;

    public string Digits => _digits ?? throw new InvalidOperationException("Uninitialised Individual Number.");

    /// <summary>No number: the default value, which is also what an erased person's number reads as.</summary>
    public bool IsEmpty => _digits is null;

    /// <summary>The last four digits, the only part a resident-facing screen shows by default.</summary>
    public string Last4 => Digits[^4..];

    public string Masked => "********" + Last4;

    public override string ToString() => _digits is null ? "(none)" : Masked;

    public static IndividualNumber Parse(string text) =>
        TryParse(text, out var number, out var error)
            ? number
            : throw new FormatException(error == IndividualNumberError.InvalidCheckDigit
                ? "The Individual Number's check digit is wrong."
                : "An Individual Number is exactly 12 ASCII digits.");

    public static bool TryParse(string? text, out IndividualNumber number, out IndividualNumberError error)
    {
        number = default;
        if (text is null || text.Length != 12 || !text.All(char.IsAsciiDigit))
        {
            error = IndividualNumberError.InvalidFormat;
            return false;
        }
        if (CheckDigit(text.AsSpan(0, 11)) != text[11] - '0')
        {
            error = IndividualNumberError.InvalidCheckDigit;
            return false;
        }
        error = IndividualNumberError.None;
        number = new IndividualNumber(text);
        return true;
    }

    /// <summary>Builds a number from an 11-digit body by appending its check digit.</summary>
    public static IndividualNumber FromBody(ReadOnlySpan<char> body11)
    {
        if (body11.Length != 11)
        {
            throw new ArgumentException("The body of an Individual Number has 11 digits.", nameof(body11));
        }
        foreach (var c in body11)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw new ArgumentException("The body of an Individual Number has only digits.", nameof(body11));
            }
        }
        return new IndividualNumber(string.Concat(body11, ((char)('0' + CheckDigit(body11))).ToString()));
    }

    /// <summary>
    /// Check digit per the ministerial ordinance: Pn is the n-th of the first 11 digits counted from the
    /// right, Qn = n+1 for n ≤ 6 and n−5 for n ≥ 7; r = Σ Pn·Qn mod 11; check = 0 if r ≤ 1 else 11 − r.
    /// </summary>
    public static int CheckDigit(ReadOnlySpan<char> body11)
    {
        var sum = 0;
        for (var n = 1; n <= 11; n++)
        {
            var p = body11[11 - n] - '0';
            var q = n <= 6 ? n + 1 : n - 5;
            sum += p * q;
        }
        var r = sum % 11;
        return r <= 1 ? 0 : 11 - r;
    }
}

public enum IndividualNumberError
{
    None,
    InvalidFormat,
    InvalidCheckDigit,
}

/// <summary>Stores the full digits: used by the event store. Responses to outsiders use DTOs that never carry it.</summary>
public sealed class IndividualNumberJsonConverter : JsonConverter<IndividualNumber>
{
    public override IndividualNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IndividualNumber.Parse(reader.GetString() ?? string.Empty);

    public override void Write(Utf8JsonWriter writer, IndividualNumber value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Digits);
}

/// <summary>
/// The 11-digit resident record code (住民票コード) from which the Individual Number is derived by a
/// secret conversion. Sensitive like the number: <see cref="ToString"/> is masked.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.resident-record-code")]
[JsonConverter(typeof(ResidentRecordCodeJsonConverter))]
public readonly record struct ResidentRecordCode
{
    public const long Space = 100_000_000_000L;

    [Id(0)] private readonly long _value;

    public ResidentRecordCode(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, Space);
        _value = value;
    }

    public long Value => _value;

    public string Digits => _value.ToString("D11", System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => "*******" + Digits[^4..];
}

public sealed class ResidentRecordCodeJsonConverter : JsonConverter<ResidentRecordCode>
{
    public override ResidentRecordCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(long.Parse(reader.GetString() ?? string.Empty, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture));

    public override void Write(Utf8JsonWriter writer, ResidentRecordCode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Digits);
}

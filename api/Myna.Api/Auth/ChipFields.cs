using Myna.Api.Errors;

namespace Myna.Api.Auth;

/// <summary>
/// The fields a chip-signed request carries, read one way on every route: a certificate serial, a sealed challenge as
/// it was issued (base64, at most 1,024 bytes) and a chip's signature (base64, at most 256 bytes). A field that is
/// absent, not base64, too long, or blank (blank text decodes to no bytes at all) is malformed and refused with a 400
/// before any grain call, so a slip in a request never spends the one-time challenge it names.
/// </summary>
public static class ChipFields
{
    public const int MaxChallengeBytes = 1_024;

    public const int MaxSignatureBytes = 256;

    /// <summary>A certificate serial: 1 to 64 ASCII letters and digits.</summary>
    public static bool IsSerial(string? serial) => serial is { Length: > 0 and <= 64 } && serial.All(char.IsAsciiLetterOrDigit);

    /// <summary>A sealed challenge as a client sends it back, or null when malformed.</summary>
    public static byte[]? Challenge(string? text) => Decode(text, MaxChallengeBytes);

    /// <summary>A chip's signature, or null when malformed.</summary>
    public static byte[]? Signature(string? text) => Decode(text, MaxSignatureBytes);

    /// <summary>A signature that may be left out: null when absent; one that is there and malformed is named in <paramref name="errors"/>.</summary>
    public static byte[]? OptionalSignature(string? text, string field, RequestErrors errors)
    {
        if (text is null)
        {
            return null;
        }
        var signature = Signature(text);
        if (signature is null)
        {
            errors.Add(field, $"A signature, base64, at most {MaxSignatureBytes} bytes.");
        }
        return signature;
    }

    private static byte[]? Decode(string? text, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2 * maxBytes)
        {
            return null;
        }
        var buffer = new byte[maxBytes];
        return Convert.TryFromBase64String(text, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myna.Grains.EventSourcing;

/// <summary>
/// A snapshot's command receipts in one compact string: each receipt's command id and fingerprint hash as bytes,
/// the command type names once. A stream keeps 256 receipts, which as JSON objects were most of a snapshot (32.0 KB
/// of a ledger's); compact they are 11.6 KB, a third of the storage (an activation's time did not change with the
/// size: FINDINGS.md). Exact: every fingerprint reads back as the same string. Snapshots written before this form
/// (an array of objects) are still read.
/// </summary>
internal sealed class ReceiptsJsonConverter : JsonConverter<List<CommandReceipt>>
{
    private const string Prefix = "r1.";
    private const int HashBytes = 16;
    private const byte Hashed = 0; // "<32 lowercase hex>:<name>"
    private const byte Verbatim = 1; // any other fingerprint ("" for an event written without one)

    /// <summary>Strict both ways: a name that is not valid UTF-16 (a lone surrogate) is refused, never written altered.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override List<CommandReceipt> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var receipts = new List<CommandReceipt>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                receipts.Add(JsonSerializer.Deserialize<CommandReceipt>(ref reader, options)
                    ?? throw new JsonException("A receipt is null."));
            }
            return receipts;
        }
        if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { } text || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new JsonException("Receipts are an array or a compact string.");
        }
        try
        {
            return Decode(Convert.FromBase64String(text[Prefix.Length..]));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new JsonException("The compact receipts do not read.", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, List<CommandReceipt> value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Prefix + Convert.ToBase64String(Encode(value)));

    internal static byte[] Encode(IReadOnlyList<CommandReceipt> receipts)
    {
        var names = new List<string>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var body = new List<byte>(receipts.Count * (16 + 1 + HashBytes + 1));
        Span<byte> id = stackalloc byte[16];
        Span<byte> hash = stackalloc byte[HashBytes];
        foreach (var receipt in receipts)
        {
            receipt.CommandId.TryWriteBytes(id);
            body.AddRange(id);
            var fingerprint = receipt.Fingerprint;
            string name;
            if (IsHashed(fingerprint))
            {
                body.Add(Hashed);
                Convert.FromHexString(fingerprint.AsSpan(0, HashBytes * 2), hash, out _, out _);
                body.AddRange(hash);
                name = fingerprint[(HashBytes * 2 + 1)..];
            }
            else
            {
                body.Add(Verbatim);
                name = fingerprint;
            }
            if (!indexOf.TryGetValue(name, out var index))
            {
                index = names.Count;
                indexOf[name] = index;
                names.Add(name);
            }
            WriteCount(body, index);
        }
        var bytes = new List<byte>(body.Count + 64);
        WriteCount(bytes, names.Count);
        foreach (var name in names)
        {
            var utf8 = Utf8.GetBytes(name);
            WriteCount(bytes, utf8.Length);
            bytes.AddRange(utf8);
        }
        WriteCount(bytes, receipts.Count);
        bytes.AddRange(body);
        return [.. bytes];
    }

    internal static List<CommandReceipt> Decode(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        var names = new string[Bounded(ReadCount(bytes, ref at), bytes.Length)];
        for (var i = 0; i < names.Length; i++)
        {
            var length = ReadCount(bytes, ref at);
            names[i] = Utf8.GetString(bytes.Slice(at, length));
            at += length;
        }
        var count = Bounded(ReadCount(bytes, ref at), bytes.Length / 18);
        var receipts = new List<CommandReceipt>(count);
        for (var i = 0; i < count; i++)
        {
            var commandId = new Guid(bytes.Slice(at, 16));
            at += 16;
            var tag = bytes[at++];
            string? hash = null;
            if (tag == Hashed)
            {
                hash = Convert.ToHexStringLower(bytes.Slice(at, HashBytes));
                at += HashBytes;
            }
            else if (tag != Verbatim)
            {
                throw new FormatException("An unknown receipt form.");
            }
            var name = names[ReadCount(bytes, ref at)];
            receipts.Add(new CommandReceipt(commandId, hash is null ? name : hash + ":" + name));
        }
        if (at != bytes.Length)
        {
            throw new FormatException("Bytes left after the receipts.");
        }
        return receipts;
    }

    /// <summary>What <c>EventSourcedGrain.Fingerprint</c> writes: 32 lowercase hex digits, a colon and a name.</summary>
    private static bool IsHashed(string fingerprint)
    {
        if (fingerprint.Length <= HashBytes * 2 + 1 || fingerprint[HashBytes * 2] != ':')
        {
            return false;
        }
        foreach (var c in fingerprint.AsSpan(0, HashBytes * 2))
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }

    private static int Bounded(int count, int most) =>
        count <= most ? count : throw new FormatException("A count larger than the bytes can hold.");

    private static void WriteCount(List<byte> bytes, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
    }

    private static int ReadCount(ReadOnlySpan<byte> bytes, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift < 32; shift += 7)
        {
            var b = bytes[at++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value >= 0 ? value : throw new FormatException("A count out of range.");
            }
        }
        throw new FormatException("A count out of range.");
    }
}

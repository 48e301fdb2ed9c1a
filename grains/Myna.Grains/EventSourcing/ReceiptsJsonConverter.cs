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
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or IOException)
        {
            throw new JsonException("The compact receipts do not read.", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, List<CommandReceipt> value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Prefix + Convert.ToBase64String(Encode(value)));

    /// <summary>
    /// The names (each once, UTF-8 with its length), then per receipt its command id, its form, the hash for a hashed
    /// fingerprint, and its name's index; counts and lengths as <see cref="BinaryWriter"/>'s 7-bit encoded integers.
    /// </summary>
    internal static byte[] Encode(IReadOnlyList<CommandReceipt> receipts)
    {
        var names = new List<string>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in receipts.Select(r => NameOf(r.Fingerprint)))
        {
            if (indexOf.TryAdd(name, names.Count))
            {
                names.Add(name);
            }
        }
        using var stream = new MemoryStream(64 + receipts.Count * (16 + 1 + HashBytes + 1));
        using (var writer = new BinaryWriter(stream, Utf8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt(names.Count);
            foreach (var name in names)
            {
                writer.Write(name);
            }
            writer.Write7BitEncodedInt(receipts.Count);
            Span<byte> bytes = stackalloc byte[16];
            foreach (var receipt in receipts)
            {
                receipt.CommandId.TryWriteBytes(bytes);
                writer.Write(bytes);
                var fingerprint = receipt.Fingerprint;
                if (IsHashed(fingerprint))
                {
                    writer.Write(Hashed);
                    Convert.FromHexString(fingerprint.AsSpan(0, HashBytes * 2), bytes, out _, out _);
                    writer.Write(bytes[..HashBytes]);
                }
                else
                {
                    writer.Write(Verbatim);
                }
                writer.Write7BitEncodedInt(indexOf[NameOf(fingerprint)]);
            }
        }
        return stream.ToArray();
    }

    internal static List<CommandReceipt> Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Utf8);
        var names = new string[Bounded(reader.Read7BitEncodedInt(), bytes.Length)];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.ReadString();
        }
        var count = Bounded(reader.Read7BitEncodedInt(), bytes.Length / 18);
        var receipts = new List<CommandReceipt>(count);
        Span<byte> id = stackalloc byte[16];
        Span<byte> hash = stackalloc byte[HashBytes];
        for (var i = 0; i < count; i++)
        {
            reader.BaseStream.ReadExactly(id);
            var form = reader.ReadByte();
            if (form == Hashed)
            {
                reader.BaseStream.ReadExactly(hash);
            }
            else if (form != Verbatim)
            {
                throw new FormatException("An unknown receipt form.");
            }
            var name = names[reader.Read7BitEncodedInt()];
            receipts.Add(new CommandReceipt(new Guid(id), form == Hashed ? Convert.ToHexStringLower(hash) + ":" + name : name));
        }
        if (reader.BaseStream.Position != bytes.Length)
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
        count >= 0 && count <= most ? count : throw new FormatException("A count out of range.");

    private static string NameOf(string fingerprint) => IsHashed(fingerprint) ? fingerprint[(HashBytes * 2 + 1)..] : fingerprint;
}

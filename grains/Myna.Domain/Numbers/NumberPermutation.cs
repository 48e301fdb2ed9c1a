using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Myna.Domain.Numbers;

/// <summary>
/// Keyed, format-preserving pseudo-random permutation of [0, 10^11): turns a unique 11-digit resident
/// record code into the 11-digit body of an Individual Number (check digit appended elsewhere).
/// Construction: a balanced Feistel network on 38 bits (two 19-bit halves, 2^38 ≥ 10^11) whose round
/// function is HMAC-SHA256(key, round || half) truncated to 19 bits, plus cycle walking.
/// Bijection: each Feistel round (L, R) → (R, L ⊕ F(R)) is undone by (L, R) → (R ⊕ F(L), L) whatever F
/// is, so the network is a permutation P of [0, 2^38). Cycle walking applies P until the result is
/// below 10^11; it terminates because the cycle of P through x returns to x, which is in range. Walking
/// P⁻¹ from the result retraces the same out-of-range steps back to x, so <see cref="Invert"/> undoes
/// <see cref="Permute"/>: Permute is injective on the finite set [0, 10^11), hence a permutation of it.
/// Uniqueness: distinct resident record codes therefore always yield distinct Individual Numbers.
/// Unlinkability: the round function is a PRF keyed by a secret of at least 256 bits, so without the key
/// outputs look random: they cannot be predicted from neighbouring codes or linked back to the code.
/// Immutable and thread-safe; the key is copied and never appears in messages.
/// </summary>
public sealed class NumberPermutation
{
    /// <summary>Size of the permuted domain: all 11-digit values.</summary>
    public const long Domain = 100_000_000_000L;

    /// <summary>Minimum key length in bytes (256 bits).</summary>
    public const int MinimumKeyLength = 32;

    private const int Rounds = 10;
    private const int HalfBits = 19;
    private const uint HalfMask = (1u << HalfBits) - 1;

    private readonly byte[] _key;

    public NumberPermutation(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException(
                $"The permutation key must be at least {MinimumKeyLength} bytes long.", nameof(key));
        }
        _key = key.ToArray();
    }

    /// <summary>Maps a value of [0, 10^11) to another value of [0, 10^11); a bijection.</summary>
    public long Permute(long value)
    {
        CheckRange(value);
        var x = value;
        do
        {
            x = Encrypt38(x);
        }
        while (x >= Domain);
        return x;
    }

    /// <summary>The inverse of <see cref="Permute"/>: <c>Invert(Permute(x)) == x</c>.</summary>
    public long Invert(long value)
    {
        CheckRange(value);
        var x = value;
        do
        {
            x = Decrypt38(x);
        }
        while (x >= Domain);
        return x;
    }

    /// <summary>The 11-digit, zero-padded Individual Number body for a resident record code.</summary>
    public string PermuteToBody(long residentRecordCode) =>
        Permute(residentRecordCode).ToString("D11", CultureInfo.InvariantCulture);

    private long Encrypt38(long x)
    {
        var left = (uint)(x >> HalfBits) & HalfMask;
        var right = (uint)x & HalfMask;
        for (var round = 0; round < Rounds; round++)
        {
            var next = left ^ RoundFunction(round, right);
            left = right;
            right = next;
        }
        return ((long)left << HalfBits) | right;
    }

    private long Decrypt38(long x)
    {
        var left = (uint)(x >> HalfBits) & HalfMask;
        var right = (uint)x & HalfMask;
        for (var round = Rounds - 1; round >= 0; round--)
        {
            var previous = right ^ RoundFunction(round, left);
            right = left;
            left = previous;
        }
        return ((long)left << HalfBits) | right;
    }

    /// <summary>HMAC-SHA256(key, round || half) truncated to 19 bits; allocation-free.</summary>
    private uint RoundFunction(int round, uint half)
    {
        Span<byte> message = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(message, half);
        message[0] = (byte)round; // half < 2^19, so the top byte is free for the round number.
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, message, mac);
        return BinaryPrimitives.ReadUInt32BigEndian(mac) & HalfMask;
    }

    private static void CheckRange(long value)
    {
        if (value is < 0 or >= Domain)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value), "The value must be an 11-digit number in [0, 10^11).");
        }
    }
}

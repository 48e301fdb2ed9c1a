using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Myna.Domain.Numbers;

/// <summary>
/// Keyed, format-preserving pseudo-random permutation of [0, 10^11): turns a unique 11-digit resident
/// record code into the 11-digit body of an Individual Number (check digit appended elsewhere).
/// Construction: a balanced Feistel network on 38 bits (two 19-bit halves, 2^38 ≥ 10^11) whose round
/// function is SipHash-2-4 (a keyed PRF for short inputs) under a per-round 128-bit key derived once
/// from the secret with HMAC-SHA256, truncated to 19 bits; plus cycle walking. (HMAC per round cost
/// ~3 µs through the platform crypto; SipHash in managed code is ~100× cheaper for the same role.)
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

    private readonly ulong[] _roundKeys = new ulong[Rounds * 2];

    public NumberPermutation(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException(
                $"The permutation key must be at least {MinimumKeyLength} bytes long.", nameof(key));
        }
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> label = stackalloc byte[16];
        "myna-fpe-round-"u8.CopyTo(label);
        for (var round = 0; round < Rounds; round++)
        {
            label[^1] = (byte)('0' + round);
            HMACSHA256.HashData(key, label, mac);
            _roundKeys[2 * round] = BinaryPrimitives.ReadUInt64LittleEndian(mac);
            _roundKeys[(2 * round) + 1] = BinaryPrimitives.ReadUInt64LittleEndian(mac[8..]);
        }
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

    /// <summary>SipHash-2-4 of the half under the round's key, truncated to 19 bits; allocation-free.</summary>
    private uint RoundFunction(int round, uint half) =>
        (uint)SipHash24(_roundKeys[2 * round], _roundKeys[(2 * round) + 1], half) & HalfMask;

    /// <summary>SipHash-2-4 (Aumasson &amp; Bernstein) of one 8-byte little-endian message.</summary>
    internal static ulong SipHash24(ulong k0, ulong k1, ulong message)
    {
        var v0 = k0 ^ 0x736f6d6570736575UL;
        var v1 = k1 ^ 0x646f72616e646f6dUL;
        var v2 = k0 ^ 0x6c7967656e657261UL;
        var v3 = k1 ^ 0x7465646279746573UL;

        v3 ^= message;
        SipRound(ref v0, ref v1, ref v2, ref v3);
        SipRound(ref v0, ref v1, ref v2, ref v3);
        v0 ^= message;

        const ulong last = 8UL << 56; // message length 8, no remaining bytes
        v3 ^= last;
        SipRound(ref v0, ref v1, ref v2, ref v3);
        SipRound(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        v2 ^= 0xff;
        SipRound(ref v0, ref v1, ref v2, ref v3);
        SipRound(ref v0, ref v1, ref v2, ref v3);
        SipRound(ref v0, ref v1, ref v2, ref v3);
        SipRound(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static void SipRound(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1; v1 = ulong.RotateLeft(v1, 13); v1 ^= v0; v0 = ulong.RotateLeft(v0, 32);
        v2 += v3; v3 = ulong.RotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = ulong.RotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = ulong.RotateLeft(v1, 17); v1 ^= v2; v2 = ulong.RotateLeft(v2, 32);
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

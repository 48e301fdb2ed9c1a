using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Myna.Domain.Numbers;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Numbers;

public class NumberPermutationTests
{
    private const long Domain = 100_000_000_000L;
    private const long Max = Domain - 1;

    private static byte[] Key(byte salt = 0)
    {
        var key = new byte[32];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(i * 7 + 3);
        }
        key[^1] ^= salt;
        return key;
    }

    private static readonly NumberPermutation Permutation = new(Key());

    // A million codes per set, as the issue asks: a Permute is ~27 SipHash calls (10 rounds x ~2.75
    // cycle-walk steps), so a set takes a few seconds including the check-digit round trip.
    private const int BulkCount = 1_000_000;
    private const int RoundTripCount = 100_000;

    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(0L, 99_991L)]
    [InlineData(Max - BulkCount + 1, 1L)]
    public void Distinct_codes_give_distinct_numbers_with_a_valid_check_digit(long start, long stride)
    {
        var codes = new long[BulkCount];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = (start + i * stride) % Domain;
        }
        var outputs = new HashSet<long>(codes.Length);
        foreach (var code in codes)
        {
            var body = Permutation.PermuteToBody(code);
            Assert.Equal(11, body.Length);
            var permuted = long.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture);
            Assert.InRange(permuted, 0L, Max);
            Assert.True(outputs.Add(permuted), "Two distinct resident record codes collided.");
            var digits = IndividualNumber.FromBody(body).Digits;
            Assert.True(IndividualNumber.TryParse(digits, out _, out _), "The check digit did not validate.");
        }
        Assert.Equal(codes.Length, outputs.Count);
    }

    [Fact]
    public void Invert_undoes_Permute_on_random_values_and_edges()
    {
        var random = new Random(20_240_601);
        var values = new long[RoundTripCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextInt64(0, Domain);
        }
        long[] edges = [0, 1, 2, Max - 1, Max];
        edges.CopyTo(values, 0);

        foreach (var x in values)
        {
            Assert.Equal(x, Permutation.Invert(Permutation.Permute(x)));
        }
        foreach (var x in values[..2_000])
        {
            Assert.Equal(x, Permutation.Permute(Permutation.Invert(x)));
        }
    }

    [Fact]
    public void Permute_is_the_documented_feistel_construction_with_cycle_walking()
    {
        // Independent reference: 10 rounds of (L, R) -> (R, L ^ F(i, R)) on 19-bit halves,
        // F(i, h) = low 19 bits of SipHash-2-4 under round key i = HMAC-SHA256(key, "myna-fpe-round-" + i)[0..16];
        // repeat until < 10^11.
        var key = Key();
        uint F(int round, uint half)
        {
            var roundKey = HMACSHA256.HashData(key, System.Text.Encoding.ASCII.GetBytes($"myna-fpe-round-{round}"));
            var k0 = BinaryPrimitives.ReadUInt64LittleEndian(roundKey);
            var k1 = BinaryPrimitives.ReadUInt64LittleEndian(roundKey.AsSpan(8));
            return (uint)NumberPermutation.SipHash24(k0, k1, half) & 0x7FFFF;
        }
        long Reference(long x)
        {
            do
            {
                uint left = (uint)(x >> 19), right = (uint)x & 0x7FFFF;
                for (var round = 0; round < 10; round++)
                {
                    (left, right) = (right, left ^ F(round, right));
                }
                x = ((long)left << 19) | right;
            }
            while (x >= Domain);
            return x;
        }

        long[] values = [0, 1, 42, 123_456_789, 50_000_000_000, Max];
        foreach (var x in values)
        {
            Assert.Equal(Reference(x), Permutation.Permute(x));
        }
    }

    [Fact]
    public void SipHash_matches_the_published_test_vector()
    {
        // Reference vector: key 00..0f, message 00..07 → 62 24 93 9a 79 f5 f5 93 (little-endian).
        var k0 = BinaryPrimitives.ReadUInt64LittleEndian([0, 1, 2, 3, 4, 5, 6, 7]);
        var k1 = BinaryPrimitives.ReadUInt64LittleEndian([8, 9, 10, 11, 12, 13, 14, 15]);
        var message = BinaryPrimitives.ReadUInt64LittleEndian([0, 1, 2, 3, 4, 5, 6, 7]);
        Assert.Equal(0x93f5f5799a932462UL, NumberPermutation.SipHash24(k0, k1, message));
    }

    [Fact]
    public void Issued_numbers_never_change_for_a_given_key()
    {
        // Pinned outputs: any change to the construction would re-number every resident already issued.
        Assert.Equal(96_885_101_214L, Permutation.Permute(0));
        Assert.Equal(45_446_971_107L, Permutation.Permute(1));
        Assert.Equal(32_961_170_097L, Permutation.Permute(Max));
        Assert.Equal("21233510738", Permutation.PermuteToBody(12_345_678_901));
    }

    [Fact]
    public void The_same_key_is_deterministic_across_instances()
    {
        var first = new NumberPermutation(Key());
        var second = new NumberPermutation(Key());
        for (long x = 0; x < 2_000; x++)
        {
            var code = x * 9_999_991L % Domain;
            Assert.Equal(first.PermuteToBody(code), second.PermuteToBody(code));
        }
    }

    [Fact]
    public void A_different_key_gives_a_different_permutation()
    {
        var original = new NumberPermutation(Key());
        var oneBitOff = new NumberPermutation(Key(salt: 1));
        const int count = 2_000;
        var differing = 0;
        for (long x = 0; x < count; x++)
        {
            if (original.Permute(x) != oneBitOff.Permute(x))
            {
                differing++;
            }
        }
        Assert.True(differing > count * 99 / 100, $"Only {differing} of {count} outputs differ.");
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(Domain)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void Values_outside_the_eleven_digit_space_are_refused(long value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Permutation.Permute(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => Permutation.Invert(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => Permutation.PermuteToBody(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    public void A_short_key_is_refused_without_echoing_it(int length)
    {
        var key = new byte[length];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(0xA5 ^ i);
        }

        var error = Assert.Throws<ArgumentException>(() => new NumberPermutation(key));

        Assert.Equal("key", error.ParamName);
        if (length > 0)
        {
            Assert.DoesNotContain(Convert.ToHexString(key), error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(BitConverter.ToString(key), error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(key), error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(string.Join(", ", key), error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("A5", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("165", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_key_longer_than_32_bytes_is_accepted()
    {
        var longKey = new byte[64];
        longKey[0] = 1;
        var permutation = new NumberPermutation(longKey);
        Assert.Equal(12_345L, permutation.Invert(permutation.Permute(12_345L)));
    }

    [Fact]
    public void Consecutive_codes_do_not_give_neighbouring_numbers()
    {
        const long start = 12_345_678_900L;
        const int count = 1_000;
        var previous = Permutation.Permute(start);
        double totalDistance = 0;
        for (long i = 1; i < count; i++)
        {
            var current = Permutation.Permute(start + i);
            var distance = Math.Abs(current - previous);
            Assert.True(distance > 1_000, "Two consecutive codes gave near-identical numbers.");
            totalDistance += distance;
            previous = current;
        }
        var meanDistance = totalDistance / (count - 1);
        Assert.True(meanDistance > 1e9, $"Mean successive distance {meanDistance:E2} is too small.");
    }
}

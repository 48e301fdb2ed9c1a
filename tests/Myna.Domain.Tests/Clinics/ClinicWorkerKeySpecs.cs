using Keys = Myna.GrainInterfaces.Common.GrainFactoryExtensions;

namespace Myna.Domain.Tests.Clinics;

/// <summary>
/// Level 1: the keys the clinic check's stateless workers are called under. A client routes every call to one grain id
/// through one gateway, so the keys decide which gateways the checks enter through.
/// </summary>
public sealed class ClinicWorkerKeySpecs
{
    [Fact]
    public void A_patient_or_terminal_always_gets_the_same_key_and_every_key_is_in_range()
    {
        foreach (var text in new[] { string.Empty, "a", "SERIAL0001", "dev-cli-481271618890", "4b1f0c2e9d3a4f6b8c7d6e5f4a3b2c1d" })
        {
            var key = Keys.WorkerKey(text);
            Assert.Equal(key, Keys.WorkerKey(new string(text.ToCharArray())));
            Assert.InRange(key, 0, Keys.ClinicWorkerKeys - 1);
        }
        // FNV-1a of "a" is 0xE40C292C, whose top six bits are 57: the key does not depend on the process, as
        // string.GetHashCode's would.
        Assert.Equal(57, Keys.WorkerKey("a"));
    }

    [Fact]
    public void Many_patients_are_spread_over_every_key()
    {
        var counts = new int[Keys.ClinicWorkerKeys];
        for (var i = 0; i < 64_000; i++)
        {
            counts[Keys.WorkerKey($"SN{i:D10}")]++;
        }
        // 1,000 a key on average; none empty, none with more than one and a half times its share.
        Assert.All(counts, c => Assert.InRange(c, 500, 1_500));
    }
}

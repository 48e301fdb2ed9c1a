using Myna.Domain.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Medical;

namespace Myna.Domain.Tests.Common;

/// <summary>The one shape of an id another system keys: ASCII letters, digits, '-' and '_'.</summary>
public sealed class ExternalIdSpecs
{
    /// <summary>Ids no field may take: invisible formatting, other scripts, spaces, controls, markup, paths.</summary>
    public static TheoryData<string> Refused => new()
    {
        "B-1\u202E",                 // right-to-left override
        "\u202E123456789012",        // the sweep's hostile value
        "B\u200B1",                  // zero-width space
        "バッチ-1",                   // another script
        "ＢＡＴＣＨ-1",                // full-width letters
        "BATCH 1",                   // a space inside
        "B-\n1",                     // a line break inside
        "<b>1</b>",                  // markup
        "../etc",                    // a path
    };

    /// <summary>Ids that real systems send and must still pass.</summary>
    public static TheoryData<string> Accepted => new()
    {
        "2026-12-D",
        "nta-0f3a9c12be44",
        "phone-3b99c533",
        "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
        "rec_000123",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_what_is_not_an_id(string id) => Assert.False(ExternalId.Fits(id, 100));

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Takes_what_systems_send(string id) => Assert.True(ExternalId.Fits(id, 100));

    [Fact]
    public void Is_bounded_and_never_empty()
    {
        Assert.False(ExternalId.Fits(null, 10));
        Assert.False(ExternalId.Fits(string.Empty, 10));
        Assert.True(ExternalId.Fits(new string('a', 10), 10));
        Assert.False(ExternalId.Fits(new string('a', 11), 10));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Every_id_field_keeps_to_it(string id)
    {
        Assert.Equal("smartphone.invalid-device", CardRules.InvalidDevice(id)?.Code);
        Assert.False(FeedBatch.IsValidId(id));
        Assert.False(InstitutionCodes.IsTerminalId(id));
        Assert.False(Myna.Domain.Kiosks.KioskRules.IsValidId(id));
        Assert.Contains("recordId", MedicalFeeds.Problem(new MedicalRecord(id, MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 1, 1), "ロキソニン錠60mg", null, null, null), DateTimeOffset.UtcNow), StringComparison.Ordinal);
    }
}

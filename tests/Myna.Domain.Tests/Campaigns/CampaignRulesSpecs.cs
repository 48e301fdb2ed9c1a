using Myna.Domain.Tests.Common;
using Myna.Domain.Tests.Support;
using Myna.Domain.Campaigns;
using Myna.GrainInterfaces.Campaigns;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Campaigns;

public sealed class CampaignRulesSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Operator = new("op-1", "operator");

    [Theory]
    [InlineData(" ", "chip recall")]
    [InlineData("BATCH-1", " ")]
    [InlineData("BATCH-12345678901234567890123456789012345", "chip recall")] // 41 characters: no card's production recorded such a batch
    public void A_campaign_needs_a_chip_batch_a_card_could_carry_and_a_reason(string chipBatch, string reason)
    {
        var decision = CampaignRules.Request(CampaignState.Initial, Guid.NewGuid(), new StartSuspensionCampaign(chipBatch, reason, []), Now, Operator);
        Assert.Equal("campaign.invalid", decision.Error?.Code);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_well_formed_request_is_recorded_trimmed_and_suspends_nothing_yet()
    {
        var decision = CampaignRules.Request(CampaignState.Initial, Guid.NewGuid(), new StartSuspensionCampaign(" BATCH-1 ", " chip recall ", []), Now, Operator);
        var requested = Assert.IsType<SuspensionCampaignRequested>(Assert.Single(decision.Events));
        Assert.Equal("BATCH-1", requested.ChipBatch);
        Assert.Equal("chip recall", requested.Reason);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_campaigns_reason_is_a_display_text(string reason)
    {
        var refused = CampaignRules.Request(CampaignState.Initial, Guid.NewGuid(), new StartSuspensionCampaign("BATCH-1", reason, []), Now, Operator);
        Assert.Equal("campaign.invalid", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }

    [Theory]
    [MemberData(nameof(ExternalIdSpecs.Refused), MemberType = typeof(ExternalIdSpecs))]
    public void A_campaigns_chip_batch_is_an_external_id(string batch)
    {
        var refused = CampaignRules.Request(CampaignState.Initial, Guid.NewGuid(), new StartSuspensionCampaign(batch, "chip recall", []), Now, Operator);
        Assert.Equal("campaign.invalid", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }
}

using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.Domain.Disasters;
using Myna.GrainInterfaces.Disasters;

namespace Myna.Domain.Tests.Disasters;

public class DisasterSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Operator = new("ops-1", "operator");
    private static readonly Guid Id = Guid.Parse("0193a5b0-0000-7000-8000-0000000000f1");
    private static readonly MunicipalityCode Wajima = new("172049");

    private static DeclareDisaster Quake(DateTimeOffset from, DateTimeOffset until) => new("能登半島地震", [Wajima, Wajima], from, until);

    [Fact]
    public void A_declared_disaster_is_in_effect_only_within_its_period()
    {
        var decision = DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(30)), Now, Operator);
        var declared = Assert.IsType<DisasterDeclared>(Assert.Single(decision.Events));
        Assert.Equal([Wajima], declared.Municipalities);

        var state = AggregateState.Fold(DisasterState.Initial, decision.Events);
        Assert.False(DisasterRules.ToView(state, 1, Now.AddSeconds(-1)).InEffect);
        Assert.True(DisasterRules.ToView(state, 1, Now).InEffect);
        Assert.True(DisasterRules.ToView(state, 1, Now.AddDays(30).AddTicks(-1)).InEffect);
        Assert.False(DisasterRules.ToView(state, 1, Now.AddDays(30)).InEffect);
    }

    [Fact]
    public void Ending_early_stops_it_and_ending_twice_records_nothing()
    {
        var state = AggregateState.Fold(DisasterState.Initial, DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(30)), Now, Operator).Events);
        var ended = AggregateState.Fold(state, DisasterRules.End(state, new EndDisaster("recovered"), Now.AddDays(3), Operator).Events);
        Assert.False(DisasterRules.ToView(ended, 2, Now.AddDays(4)).InEffect);
        Assert.True(DisasterRules.ToView(ended, 2, Now.AddDays(2)).InEffect);
        Assert.Empty(DisasterRules.End(ended, new EndDisaster("again"), Now.AddDays(5), Operator).Events);
    }

    [Fact]
    public void The_area_covers_institutions_in_the_prefectures_of_its_municipalities()
    {
        Assert.True(DisasterRules.Covers([Wajima], "17"));
        Assert.False(DisasterRules.Covers([Wajima], "13"));
    }

    [Fact]
    public void A_declaration_needs_a_name_an_area_and_a_future_period_of_at_most_a_year()
    {
        Assert.Equal("disaster.invalid-period", DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now), Now, Operator).Error?.Code);
        Assert.Equal("disaster.invalid-period", DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now.AddDays(-10), Now.AddDays(-1)), Now, Operator).Error?.Code);
        Assert.Equal("disaster.invalid-period", DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(400)), Now, Operator).Error?.Code);
        Assert.Equal("disaster.invalid-area", DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(1)) with { Municipalities = [] }, Now, Operator).Error?.Code);
        Assert.Equal("disaster.invalid-name", DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(1)) with { Name = " " }, Now, Operator).Error?.Code);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_disasters_name_and_end_reason_are_display_texts(string text)
    {
        Assert.Equal("disaster.invalid-name", DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(30)) with { Name = text }, Now, Operator).Error?.Code);
        var state = AggregateState.Fold(DisasterState.Initial, DisasterRules.Declare(DisasterState.Initial, Id, Quake(Now, Now.AddDays(30)), Now, Operator).Events);
        var refused = DisasterRules.End(state, new EndDisaster(text), Now.AddDays(3), Operator);
        Assert.Equal("disaster.invalid-reason", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }
}

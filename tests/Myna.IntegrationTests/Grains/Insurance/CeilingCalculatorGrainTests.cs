using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Insurance;

/// <summary>Level 3: the ceiling rule answered by a stateless grain, as the API asks for it (the API holds no rule).</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CeilingCalculatorGrainTests(GrainClusterFixture fixture)
{
    [Theory]
    [InlineData(CeilingCategory.UnderSeventyC, 1_000_000, 0, 87_430, false)]
    [InlineData(CeilingCategory.UnderSeventyC, 1_000_000, 3, 44_400, true)]
    [InlineData(CeilingCategory.UnderSeventyE, 1_000_000, 0, 35_400, false)]
    public async Task The_monthly_limit_is_the_domains_rule(CeilingCategory category, long cost, int prior, long household, bool reduced)
    {
        var limit = await fixture.Client.GetCeilingCalculator().MonthlyLimit(category, cost, prior);

        Assert.Equal((household, reduced), (limit.HouseholdLimitYen, limit.ReducedRate));
    }
}

using Myna.Domain.Insurance;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Tests.Insurance;

public class HighCostCeilingSpecs
{
    [Theory]
    // ア / 現役並みⅢ: 252,600 + (cost − 842,000) × 1%
    [InlineData(CeilingCategory.UnderSeventyA, 500_000, 252_600)]
    [InlineData(CeilingCategory.UnderSeventyA, 842_000, 252_600)]
    [InlineData(CeilingCategory.UnderSeventyA, 1_000_000, 254_180)]
    [InlineData(CeilingCategory.SeventyPlusActiveIII, 0, 252_600)]
    [InlineData(CeilingCategory.SeventyPlusActiveIII, 842_000, 252_600)]
    [InlineData(CeilingCategory.SeventyPlusActiveIII, 1_000_000, 254_180)]
    // イ / 現役並みⅡ: 167,400 + (cost − 558,000) × 1%
    [InlineData(CeilingCategory.UnderSeventyB, 300_000, 167_400)]
    [InlineData(CeilingCategory.UnderSeventyB, 558_000, 167_400)]
    [InlineData(CeilingCategory.UnderSeventyB, 1_000_000, 171_820)]
    [InlineData(CeilingCategory.SeventyPlusActiveII, 300_000, 167_400)]
    [InlineData(CeilingCategory.SeventyPlusActiveII, 558_000, 167_400)]
    [InlineData(CeilingCategory.SeventyPlusActiveII, 1_000_000, 171_820)]
    // ウ / 現役並みⅠ: 80,100 + (cost − 267,000) × 1%
    [InlineData(CeilingCategory.UnderSeventyC, 100_000, 80_100)]
    [InlineData(CeilingCategory.UnderSeventyC, 267_000, 80_100)]
    [InlineData(CeilingCategory.UnderSeventyC, 1_000_000, 87_430)]
    [InlineData(CeilingCategory.SeventyPlusActiveI, 100_000, 80_100)]
    [InlineData(CeilingCategory.SeventyPlusActiveI, 267_000, 80_100)]
    [InlineData(CeilingCategory.SeventyPlusActiveI, 1_000_000, 87_430)]
    // エ, オ: flat
    [InlineData(CeilingCategory.UnderSeventyD, 100_000, 57_600)]
    [InlineData(CeilingCategory.UnderSeventyD, 267_000, 57_600)]
    [InlineData(CeilingCategory.UnderSeventyD, 5_000_000, 57_600)]
    [InlineData(CeilingCategory.UnderSeventyE, 100_000, 35_400)]
    [InlineData(CeilingCategory.UnderSeventyE, 267_000, 35_400)]
    [InlineData(CeilingCategory.UnderSeventyE, 5_000_000, 35_400)]
    public void Household_limits_without_an_outpatient_limit(CeilingCategory category, long cost, long household)
    {
        var limit = HighCostCeiling.MonthlyLimit(category, cost, 0);
        Assert.Equal(new CeilingLimit(household, null, false), limit);
    }

    [Theory]
    [InlineData(CeilingCategory.SeventyPlusGeneral, 57_600, 18_000)]
    [InlineData(CeilingCategory.SeventyPlusLowIncomeII, 24_600, 8_000)]
    [InlineData(CeilingCategory.SeventyPlusLowIncomeI, 15_000, 8_000)]
    public void Seventy_plus_general_and_low_income_have_an_outpatient_limit_whatever_the_cost(CeilingCategory category, long household, long outpatient)
    {
        foreach (var cost in new long[] { 0, 100_000, 267_000, 842_000, 10_000_000 })
        {
            Assert.Equal(new CeilingLimit(household, outpatient, false), HighCostCeiling.MonthlyLimit(category, cost, 0));
        }
    }

    [Theory]
    // exactly half a yen rounds up, just under half rounds down (四捨五入)
    [InlineData(CeilingCategory.UnderSeventyC, 267_050, 80_101)]
    [InlineData(CeilingCategory.UnderSeventyC, 267_049, 80_100)]
    [InlineData(CeilingCategory.UnderSeventyC, 267_149, 80_101)]
    [InlineData(CeilingCategory.UnderSeventyC, 267_150, 80_102)]
    [InlineData(CeilingCategory.UnderSeventyC, 267_001, 80_100)]
    [InlineData(CeilingCategory.UnderSeventyA, 842_050, 252_601)]
    [InlineData(CeilingCategory.UnderSeventyB, 558_049, 167_400)]
    [InlineData(CeilingCategory.SeventyPlusActiveII, 558_050, 167_401)]
    public void The_one_percent_is_rounded_half_up_to_the_yen(CeilingCategory category, long cost, long household) =>
        Assert.Equal(household, HighCostCeiling.MonthlyLimit(category, cost, 0).HouseholdLimitYen);

    [Theory]
    [InlineData(CeilingCategory.UnderSeventyA, 254_180, 140_100)]
    [InlineData(CeilingCategory.SeventyPlusActiveIII, 254_180, 140_100)]
    [InlineData(CeilingCategory.UnderSeventyB, 171_820, 93_000)]
    [InlineData(CeilingCategory.SeventyPlusActiveII, 171_820, 93_000)]
    [InlineData(CeilingCategory.UnderSeventyC, 87_430, 44_400)]
    [InlineData(CeilingCategory.SeventyPlusActiveI, 87_430, 44_400)]
    [InlineData(CeilingCategory.UnderSeventyD, 57_600, 44_400)]
    [InlineData(CeilingCategory.UnderSeventyE, 35_400, 24_600)]
    public void The_reduced_rate_starts_at_the_4th_qualifying_month(CeilingCategory category, long normal, long reduced)
    {
        const long cost = 1_000_000;
        Assert.Equal(new CeilingLimit(normal, null, false), HighCostCeiling.MonthlyLimit(category, cost, 2));
        Assert.Equal(new CeilingLimit(reduced, null, true), HighCostCeiling.MonthlyLimit(category, cost, 3));
        Assert.Equal(new CeilingLimit(reduced, null, true), HighCostCeiling.MonthlyLimit(category, cost, 11));
    }

    [Fact]
    public void Seventy_plus_general_reduces_the_household_limit_but_never_the_outpatient_limit()
    {
        Assert.Equal(new CeilingLimit(57_600, 18_000, false), HighCostCeiling.MonthlyLimit(CeilingCategory.SeventyPlusGeneral, 400_000, 2));
        Assert.Equal(new CeilingLimit(44_400, 18_000, true), HighCostCeiling.MonthlyLimit(CeilingCategory.SeventyPlusGeneral, 400_000, 3));
    }

    [Theory]
    [InlineData(CeilingCategory.SeventyPlusLowIncomeII, 24_600)]
    [InlineData(CeilingCategory.SeventyPlusLowIncomeI, 15_000)]
    public void Low_income_seventy_plus_has_no_reduced_rate(CeilingCategory category, long household)
    {
        foreach (var prior in new[] { 0, 2, 3, 11 })
        {
            Assert.Equal(new CeilingLimit(household, 8_000, false), HighCostCeiling.MonthlyLimit(category, 500_000, prior));
        }
    }

    [Fact]
    public void A_negative_cost_is_a_programming_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => HighCostCeiling.MonthlyLimit(CeilingCategory.UnderSeventyA, -1, 0));
        Assert.Equal("totalMedicalCostYen", e.ParamName);
    }

    [Fact]
    public void Negative_prior_months_are_a_programming_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => HighCostCeiling.MonthlyLimit(CeilingCategory.SeventyPlusLowIncomeI, 0, -1));
        Assert.Equal("priorQualifyingMonthsInLast12", e.ParamName);
    }

    [Fact]
    public void An_undefined_category_is_a_programming_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => HighCostCeiling.MonthlyLimit((CeilingCategory)99, 0, 0));
        Assert.Equal("category", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => CeilingCategoryNames.KebabName((CeilingCategory)99));
    }

    [Theory]
    [InlineData("UnderSeventyA", CeilingCategory.UnderSeventyA)]
    [InlineData("under-seventy-a", CeilingCategory.UnderSeventyA)]
    [InlineData("UNDER-SEVENTY-E", CeilingCategory.UnderSeventyE)]
    [InlineData("seventyplusgeneral", CeilingCategory.SeventyPlusGeneral)]
    [InlineData(" seventy-plus-low-income-ii ", CeilingCategory.SeventyPlusLowIncomeII)]
    [InlineData("seventy-plus-low-income-i", CeilingCategory.SeventyPlusLowIncomeI)]
    [InlineData("seventy-plus-active-iii", CeilingCategory.SeventyPlusActiveIII)]
    [InlineData("SeventyPlusActiveI", CeilingCategory.SeventyPlusActiveI)]
    public void Categories_parse_from_enum_and_kebab_names(string text, CeilingCategory expected)
    {
        Assert.True(CeilingCategoryNames.TryParse(text, out var category));
        Assert.Equal(expected, category);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("under-seventy-f")]
    [InlineData("under_seventy_a")]
    [InlineData("UnderSeventy")]
    [InlineData("ア")]
    public void Anything_else_does_not_parse(string? text) =>
        Assert.False(CeilingCategoryNames.TryParse(text, out _));

    [Fact]
    public void Every_category_round_trips_through_a_distinct_kebab_name()
    {
        var names = Enum.GetValues<CeilingCategory>().Select(CeilingCategoryNames.KebabName).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("under-seventy-a", names);
        Assert.Contains("seventy-plus-low-income-ii", names);
        foreach (var category in Enum.GetValues<CeilingCategory>())
        {
            Assert.True(CeilingCategoryNames.TryParse(CeilingCategoryNames.KebabName(category), out var parsed));
            Assert.Equal(category, parsed);
        }
    }
}

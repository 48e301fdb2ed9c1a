using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Insurance;

/// <summary>
/// Monthly high-cost medical expense ceilings (高額療養費の自己負担限度額) per <see cref="CeilingCategory"/>.
/// <list type="bullet">
/// <item>Under 70: ア 252,600 + (cost − 842,000) × 1%; イ 167,400 + (cost − 558,000) × 1%;
/// ウ 80,100 + (cost − 267,000) × 1%; エ 57,600; オ 35,400.</item>
/// <item>70 and over: 現役並みⅢ/Ⅱ/Ⅰ as ア/イ/ウ; 一般 outpatient 18,000, household 57,600;
/// 低所得Ⅱ outpatient 8,000, household 24,600; 低所得Ⅰ outpatient 8,000, household 15,000.</item>
/// <item>Reduced rate (多数回該当) from the 4th qualifying month in 12 months, i.e. when at least three
/// earlier months in the last 12 qualified: household 140,100 (ア, 現役並みⅢ), 93,000 (イ, 現役並みⅡ),
/// 44,400 (ウ, 現役並みⅠ, エ, 一般), 24,600 (オ). The reduced rate is flat (no 1% part). 低所得Ⅱ and
/// 低所得Ⅰ have no reduced rate, and outpatient limits are never reduced.</item>
/// </list>
/// Decisions: the total medical cost (医療費総額, the 10-割 amount) below the threshold adds nothing, i.e.
/// (cost − threshold) is clamped at 0; the 1% part is rounded half up to the yen (四捨五入), so
/// 50 yen of excess adds 1 yen (0.5 → 1) and 49 yen adds nothing.
/// </summary>
public static class HighCostCeiling
{
    /// <summary>The reduced rate applies when this month is at least the 4th qualifying month in 12.</summary>
    public const int PriorMonthsForReducedRate = 3;

    /// <summary>
    /// The household (and, for 一般/低所得, outpatient) limit for a month with the given total medical
    /// cost, after <paramref name="priorQualifyingMonthsInLast12"/> earlier qualifying months in the last 12.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative cost, a negative month count or an
    /// undefined category. Callers validate input first; this is a programming error.</exception>
    public static CeilingLimit MonthlyLimit(CeilingCategory category, long totalMedicalCostYen, int priorQualifyingMonthsInLast12)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalMedicalCostYen);
        ArgumentOutOfRangeException.ThrowIfNegative(priorQualifyingMonthsInLast12);
        var reduced = priorQualifyingMonthsInLast12 >= PriorMonthsForReducedRate;
        var cost = totalMedicalCostYen;
        return category switch
        {
            CeilingCategory.UnderSeventyA or CeilingCategory.SeventyPlusActiveIII =>
                reduced ? new(140_100, null, true) : new(Sliding(252_600, 842_000, cost), null, false),
            CeilingCategory.UnderSeventyB or CeilingCategory.SeventyPlusActiveII =>
                reduced ? new(93_000, null, true) : new(Sliding(167_400, 558_000, cost), null, false),
            CeilingCategory.UnderSeventyC or CeilingCategory.SeventyPlusActiveI =>
                reduced ? new(44_400, null, true) : new(Sliding(80_100, 267_000, cost), null, false),
            CeilingCategory.UnderSeventyD => reduced ? new(44_400, null, true) : new(57_600, null, false),
            CeilingCategory.UnderSeventyE => reduced ? new(24_600, null, true) : new(35_400, null, false),
            CeilingCategory.SeventyPlusGeneral => reduced ? new(44_400, 18_000, true) : new(57_600, 18_000, false),
            CeilingCategory.SeventyPlusLowIncomeII => new(24_600, 8_000, false),
            CeilingCategory.SeventyPlusLowIncomeI => new(15_000, 8_000, false),
            _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown ceiling category."),
        };
    }

    /// <summary>base + 1% of the cost above the threshold (none below it), rounded half up to the yen.</summary>
    private static long Sliding(long baseYen, long thresholdYen, long costYen)
    {
        var excess = Math.Max(0, costYen - thresholdYen);
        return baseYen + (excess / 100) + (excess % 100 >= 50 ? 1 : 0);
    }
}

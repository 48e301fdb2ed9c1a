namespace Myna.GrainInterfaces.Insurance;

/// <summary>
/// High-cost medical expense ceiling category (限度額適用区分). The names under 70 follow the kana
/// ア–オ in order; the names for 70 and over follow the official categories. The monthly limits are a
/// rule of the domain (HighCostCeiling); the names are part of the published language.
/// </summary>
public enum CeilingCategory
{
    /// <summary>Under 70, category ア (highest income).</summary>
    UnderSeventyA,

    /// <summary>Under 70, category イ.</summary>
    UnderSeventyB,

    /// <summary>Under 70, category ウ.</summary>
    UnderSeventyC,

    /// <summary>Under 70, category エ.</summary>
    UnderSeventyD,

    /// <summary>Under 70, category オ (residence-tax exempt).</summary>
    UnderSeventyE,

    /// <summary>70 and over, 現役並みⅢ (working-age income Ⅲ): limits as ア.</summary>
    SeventyPlusActiveIII,

    /// <summary>70 and over, 現役並みⅡ (working-age income Ⅱ): limits as イ.</summary>
    SeventyPlusActiveII,

    /// <summary>70 and over, 現役並みⅠ (working-age income Ⅰ): limits as ウ.</summary>
    SeventyPlusActiveI,

    /// <summary>70 and over, 一般 (general).</summary>
    SeventyPlusGeneral,

    /// <summary>70 and over, 低所得Ⅱ (low income Ⅱ).</summary>
    SeventyPlusLowIncomeII,

    /// <summary>70 and over, 低所得Ⅰ (low income Ⅰ).</summary>
    SeventyPlusLowIncomeI,
}

/// <summary>The wire names of <see cref="CeilingCategory"/>: kebab-case in URLs and JSON.</summary>
public static class CeilingCategoryNames
{
    /// <summary>
    /// Accepts an enum name (<c>UnderSeventyA</c>) or its kebab-case form (<c>under-seventy-a</c>),
    /// ignoring case and surrounding white space. Numbers such as "0" are refused.
    /// </summary>
    public static bool TryParse(string? text, out CeilingCategory category)
    {
        var trimmed = text?.Trim();
        if (!string.IsNullOrEmpty(trimmed))
        {
            foreach (var candidate in Enum.GetValues<CeilingCategory>())
            {
                if (string.Equals(trimmed, candidate.ToString(), StringComparison.OrdinalIgnoreCase)
                    || string.Equals(trimmed, KebabName(candidate), StringComparison.OrdinalIgnoreCase))
                {
                    category = candidate;
                    return true;
                }
            }
        }
        category = default;
        return false;
    }

    /// <summary>The kebab-case name used in URLs and JSON, e.g. <c>seventy-plus-low-income-ii</c>.</summary>
    public static string KebabName(CeilingCategory c) => c switch
    {
        CeilingCategory.UnderSeventyA => "under-seventy-a",
        CeilingCategory.UnderSeventyB => "under-seventy-b",
        CeilingCategory.UnderSeventyC => "under-seventy-c",
        CeilingCategory.UnderSeventyD => "under-seventy-d",
        CeilingCategory.UnderSeventyE => "under-seventy-e",
        CeilingCategory.SeventyPlusActiveIII => "seventy-plus-active-iii",
        CeilingCategory.SeventyPlusActiveII => "seventy-plus-active-ii",
        CeilingCategory.SeventyPlusActiveI => "seventy-plus-active-i",
        CeilingCategory.SeventyPlusGeneral => "seventy-plus-general",
        CeilingCategory.SeventyPlusLowIncomeII => "seventy-plus-low-income-ii",
        CeilingCategory.SeventyPlusLowIncomeI => "seventy-plus-low-income-i",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Unknown ceiling category."),
    };
}

/// <summary>
/// A month's ceiling for one category. <see cref="HouseholdLimitYen"/> is the household (世帯) limit;
/// <see cref="OutpatientLimitYen"/> is the individual outpatient (外来, 個人ごと) limit, which only the
/// 70-and-over 一般 and 低所得 categories have; <see cref="ReducedRate"/> says the multiple-month
/// reduced rate (多数回該当) was applied.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.ceiling-limit")]
public sealed record CeilingLimit([property: Id(0)] long HouseholdLimitYen, [property: Id(1)] long? OutpatientLimitYen, [property: Id(2)] bool ReducedRate);

/// <summary>The high-cost ceiling calculator (a public, stateless rule of the domain; any silo answers).</summary>
public interface ICeilingCalculatorGrain : IGrainWithIntegerKey
{
    /// <summary>The month's limit for a category, a total medical cost and the months of the last 11 that already reached the ceiling.</summary>
    [Alias("MonthlyLimit")]
    Task<CeilingLimit> MonthlyLimit(CeilingCategory category, long totalMedicalCostYen, int priorQualifyingMonths);
}

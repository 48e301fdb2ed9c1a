namespace Myna.GrainInterfaces.Insurance;

/// <summary>
/// High-cost medical expense ceiling category (限度額適用区分). The names under 70 follow the kana
/// ア–オ in order; the names for 70 and over follow the official categories. The monthly limits are in
/// <c>Myna.Domain.Insurance.HighCostCeiling</c>.
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

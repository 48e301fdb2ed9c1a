using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Income;

/// <summary>
/// The shape of the tax agency's income feed and of one year's figures (published language): the API checks
/// it to name every bad line at once; the feed grain and the person's deciders check it again.
/// </summary>
public static class IncomeFeeds
{
    /// <summary>The agency whose tokens may feed income: the tax office of information sharing.</summary>
    public const string TaxAgency = "tax-office";

    /// <summary>The most lines one feed batch may carry.</summary>
    public const int MaxBatchLines = 1_000;

    /// <summary>The first fiscal year the number existed in.</summary>
    public const int FirstFiscalYear = 2016;

    /// <summary>Ten trillion yen: above any person's income in a year (the largest are some tens of billions).</summary>
    public const long MaxIncomeYen = 10_000_000_000_000;

    /// <summary>Why one year's figures are malformed, or null.</summary>
    public static DomainError? Problem(int fiscalYear, long totalIncomeYen, long taxableIncomeYen, DateTimeOffset now)
    {
        if (fiscalYear < FirstFiscalYear || fiscalYear > now.Year)
        {
            return DomainError.Validation("person.invalid-fiscal-year", "A fiscal year from 2016 (the number's first year) to the current year.");
        }
        if (totalIncomeYen < 0 || taxableIncomeYen < 0 || taxableIncomeYen > totalIncomeYen || totalIncomeYen > MaxIncomeYen)
        {
            return DomainError.Validation("person.invalid-income", $"Incomes are 0 to {MaxIncomeYen:N0} yen and taxable income is at most total income.");
        }
        return null;
    }
}

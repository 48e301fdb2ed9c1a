using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

public static class IncomeRules
{
    /// <summary>One summary per fiscal year; a re-assessment replaces the year's figures.</summary>
    public static Decision<IPersonEvent> Record(PersonState state, RecordIncomeSummary command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (command.FiscalYear < 2016 || command.FiscalYear > now.Year)
        {
            return PersonErrors.Invalid("fiscal-year", "A fiscal year from 2016 (the number's first year) to the current year.");
        }
        if (command.TotalIncomeYen < 0 || command.TaxableIncomeYen < 0 || command.TaxableIncomeYen > command.TotalIncomeYen)
        {
            return PersonErrors.Invalid("income", "Incomes are non-negative and taxable income is at most total income.");
        }
        return Decision<IPersonEvent>.Accept(new IncomeSummaryRecorded(state.Id, command.FiscalYear, command.TotalIncomeYen, command.TaxableIncomeYen, now, actor));
    }
}

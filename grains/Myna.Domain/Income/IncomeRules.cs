using Myna.GrainInterfaces.Income;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Persons;

namespace Myna.Domain.Income;

public static class IncomeRules
{
    /// <summary>Years for one person in one batch (a feed may carry back-years after re-assessments).</summary>
    public const int MaxYearsPerPerson = 10;

    /// <summary>One summary per fiscal year; a re-assessment replaces the year's figures.</summary>
    public static Decision<IPersonEvent> Record(PersonState state, RecordIncomeSummary command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (IncomeFeeds.Problem(command.FiscalYear, command.TotalIncomeYen, command.TaxableIncomeYen, now) is { } problem)
        {
            return problem;
        }
        return Decision<IPersonEvent>.Accept(new IncomeSummaryRecorded(state.Id, command.FiscalYear, command.TotalIncomeYen, command.TaxableIncomeYen, now, actor));
    }

    /// <summary>
    /// The tax agency's years for one person. Recorded for any registered person, also after their record
    /// was closed (a final return is assessed after a death or a departure); each year replaces that year's
    /// figures, the same event as a municipality's assessment, with the tax agency as its actor.
    /// </summary>
    public static Decision<IPersonEvent> RecordAssessed(PersonState state, RecordAssessedIncome command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (command.Years is not { Count: > 0 and <= MaxYearsPerPerson })
        {
            return PersonErrors.Invalid("years", $"1 to {MaxYearsPerPerson} fiscal years per person in one batch.");
        }
        if (command.Years.Select(y => y.FiscalYear).Distinct().Count() != command.Years.Count)
        {
            return PersonErrors.Invalid("fiscal-year", "Each fiscal year at most once per person in one batch.");
        }
        foreach (var year in command.Years)
        {
            if (IncomeFeeds.Problem(year.FiscalYear, year.TotalIncomeYen, year.TaxableIncomeYen, now) is { } problem)
            {
                return problem;
            }
        }
        return Decision<IPersonEvent>.Accept(command.Years
            .OrderBy(y => y.FiscalYear)
            .Select(y => (IPersonEvent)new IncomeSummaryRecorded(state.Id, y.FiscalYear, y.TotalIncomeYen, y.TaxableIncomeYen, now, actor))
            .ToArray());
    }
}

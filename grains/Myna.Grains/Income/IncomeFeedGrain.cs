using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Orleans.Concurrency;
using Myna.Domain.Income;
using Myna.GrainInterfaces.Income;

namespace Myna.Grains.Income;

/// <summary>
/// The tax agency's yearly income feed. Every line is checked and every number resolved before anything is
/// recorded: one bad line, unknown or replaced number refuses the whole batch (the details name the lines by
/// index, never by number). Then each person's years are recorded on their own stream under a command id
/// derived from the batch id and the person, so the same batch sent again, or resumed after a failure
/// half-way, is applied once.
/// </summary>
[StatelessWorker]
public sealed class IncomeFeedGrain(TimeProvider clock) : Grain, IIncomeFeedGrain
{
    /// <summary>Number lookups in flight at once for one batch.</summary>
    private const int Parallelism = 16;

    public async Task<Result<IncomeFeedReceipt>> Accept(CommandContext context, string batchId, IReadOnlyList<IncomeFeedLine> lines)
    {
        // Only the tax agency feeds income (invariant 16).
        if (Myna.Domain.Authorization.Access.OwnAgency(context, IncomeFeeds.TaxAgency) is { } notTaxAgency)
        {
            return notTaxAgency;
        }
        if (!FeedBatch.IsValidId(batchId))
        {
            return FeedBatch.InvalidId;
        }
        var now = clock.GetUtcNow();
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            if (IncomeFeeds.Problem(line.FiscalYear, line.TotalIncomeYen, line.TaxableIncomeYen, now) is { } problem)
            {
                return problem with { Message = $"lines[{i}]: {problem.Message}" };
            }
        }
        var numbers = lines.Select(l => l.Number).Distinct().ToList();
        var people = new Dictionary<IndividualNumber, PersonId>();
        var refused = new List<string>();
        foreach (var chunk in numbers.Chunk(Parallelism))
        {
            var lookups = await Task.WhenAll(chunk.Select(n => GrainFactory.GetNumberDirectory().Resolve(n)));
            for (var k = 0; k < chunk.Length; k++)
            {
                if (lookups[k] is { IsSuccess: true, Value.Status: NumberStatus.Current } found)
                {
                    people[chunk[k]] = found.Value!.PersonId;
                }
                else
                {
                    var why = lookups[k].IsSuccess ? "replaced" : "unknown";
                    refused.AddRange(lines.Select((l, i) => (l, i)).Where(x => x.l.Number == chunk[k]).Select(x => $"lines[{x.i}]: {why}"));
                }
            }
        }
        if (refused.Count > 0)
        {
            return new DomainError(ErrorKind.RuleViolated, "income.unknown-number",
                "Some lines name a number nobody holds or a number that was replaced (use the current one); nothing of the batch was recorded.",
                refused.Order(StringComparer.Ordinal).ToList());
        }
        var byPerson = lines.GroupBy(l => people[l.Number]).ToList();
        var duplicated = byPerson.Where(g => g.Select(l => l.FiscalYear).Distinct().Count() != g.Count()).ToList();
        if (duplicated.Count > 0)
        {
            return DomainError.Validation("income.duplicate-year", "A person's fiscal year appears more than once in the batch; nothing of the batch was recorded.");
        }
        var alreadyApplied = 0;
        foreach (var group in byPerson)
        {
            var command = context with { CommandId = CommandContext.NameBased($"income-feed\n{batchId}\n{group.Key.Value:D}") };
            var recorded = await GrainFactory.GetPerson(group.Key).RecordAssessedIncome(command,
                new RecordAssessedIncome(group.Select(l => new IncomeSummaryView(l.FiscalYear, l.TotalIncomeYen, l.TaxableIncomeYen)).ToList()));
            if (!recorded.IsSuccess)
            {
                return recorded.Error!;
            }
            alreadyApplied += recorded.Replayed ? 1 : 0;
        }
        return Result<IncomeFeedReceipt>.Ok(new IncomeFeedReceipt(batchId, byPerson.Count, lines.Count, alreadyApplied));
    }
}

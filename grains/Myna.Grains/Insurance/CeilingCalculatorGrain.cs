using Myna.Domain.Insurance;
using Myna.GrainInterfaces.Insurance;
using Orleans.Concurrency;

namespace Myna.Grains.Insurance;

/// <summary>Answers the ceiling rule where the API asks for it, so the API holds no rule of its own.</summary>
[StatelessWorker]
public sealed class CeilingCalculatorGrain : Grain, ICeilingCalculatorGrain
{
    public Task<CeilingLimit> MonthlyLimit(CeilingCategory category, long totalMedicalCostYen, int priorQualifyingMonths) =>
        Task.FromResult(HighCostCeiling.MonthlyLimit(category, totalMedicalCostYen, priorQualifyingMonths));
}

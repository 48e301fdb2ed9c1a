using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Health;

[StatelessWorker]
public sealed class HealthGrain(TimeProvider clock) : Grain, IHealthGrain
{
    public Task<DateTimeOffset> Ping() => Task.FromResult(clock.GetUtcNow());
}

using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Health;

[StatelessWorker]
public sealed class HealthGrain(TimeProvider clock, IEnumerable<IDependencyProbe> probes) : Grain, IHealthGrain
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public Task<DateTimeOffset> Ping() => Task.FromResult(clock.GetUtcNow());

    public async Task<IReadOnlyList<DependencyStatus>> CheckDependencies()
    {
        // Probes run side by side, each bounded: a hung store reports unhealthy, it does not hang /health.
        var checks = probes.Select(async probe =>
        {
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            try
            {
                var problem = await probe.ProbeAsync(timeout.Token);
                return new DependencyStatus(probe.Name, problem is null, problem);
            }
            catch (OperationCanceledException)
            {
                return new DependencyStatus(probe.Name, false, $"no answer within {ProbeTimeout.TotalSeconds:0} s");
            }
        });
        return await Task.WhenAll(checks);
    }
}

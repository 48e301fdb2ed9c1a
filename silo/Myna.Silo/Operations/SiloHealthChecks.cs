using Microsoft.Extensions.Diagnostics.HealthChecks;
using Myna.Grains.Health;

namespace Myna.Silo.Operations;

/// <summary>One store, probed from this silo (readiness: a silo that cannot reach its stores takes no traffic).</summary>
internal sealed class DependencyHealthCheck(IDependencyProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            return await probe.ProbeAsync(timeout.Token) is { } problem
                ? HealthCheckResult.Unhealthy(problem)
                : HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{probe.Name}: no answer within 2 s");
        }
    }
}

/// <summary>This silo is Active in the cluster's membership table (not joining, not shutting down, not declared dead).</summary>
internal sealed class MembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var data = new Dictionary<string, object> { ["status"] = status.ToString(), ["activeSilos"] = active };
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Active; {active} active silo(s)", data)
            : HealthCheckResult.Unhealthy($"This silo is {status}", data: data));
    }
}

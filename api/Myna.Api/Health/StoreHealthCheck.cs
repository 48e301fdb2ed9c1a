using Microsoft.Extensions.Diagnostics.HealthChecks;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Health;

/// <summary>
/// A store (PostgreSQL or Azure Storage) as a silo sees it: the API holds no database connection itself,
/// so it asks the silo behind its gateway, whose probes are bounded to two seconds.
/// </summary>
internal sealed class StoreHealthCheck(IClusterClient grains, string store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var statuses = await grains.GetHealth().CheckDependencies().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return statuses.FirstOrDefault(s => s.Name == store) switch
            {
                null => HealthCheckResult.Unhealthy($"The silo did not report {store}."),
                { Healthy: true } => HealthCheckResult.Healthy($"{store} reachable from the silo."),
                { Problem: var problem } => HealthCheckResult.Unhealthy(problem),
            };
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"No silo reported {store}: {ex.GetType().Name}");
        }
    }
}

/// <summary>Enough silos are Active in the membership table (by default one).</summary>
internal sealed class MembershipHealthCheck(IClusterClient grains, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var minimum = configuration.GetValue("Health:MinimumActiveSilos", 1);
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            var data = new Dictionary<string, object> { ["activeSilos"] = hosts.Count, ["minimum"] = minimum };
            return hosts.Count >= minimum
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)", data)
                : HealthCheckResult.Unhealthy($"{hosts.Count} active silo(s), fewer than {minimum}", data: data);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Membership unknown: " + ex.GetType().Name);
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Health;

/// <summary>Ready when a silo answers a ping through the gateway within two seconds.</summary>
internal sealed class ClusterHealthCheck(IClusterClient grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetHealth().Ping().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy("A silo answered.");
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("No silo answered: " + ex.GetType().Name);
        }
    }
}

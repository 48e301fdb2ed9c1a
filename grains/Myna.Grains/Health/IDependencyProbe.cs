namespace Myna.Grains.Health;

/// <summary>
/// Checks one store the silo depends on. The silo host registers one per store (PostgreSQL, Azure Storage);
/// <see cref="HealthGrain"/> runs them for the API's readiness check and the silo's own /health.
/// </summary>
public interface IDependencyProbe
{
    /// <summary>Stable name shown in health reports: "postgres", "azure-storage".</summary>
    string Name { get; }

    /// <summary>Null when the store answered; otherwise a short reason without secrets.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}

using System.ComponentModel.DataAnnotations;

namespace Myna.Api.Hosting;

/// <summary>Bound from the "Cluster" section (same keys as the silo's).</summary>
public sealed class OrleansClientOptions
{
    public const string Section = "Cluster";

    /// <summary>Localhost (one machine) or AzureTable (membership table in Azure Storage / Azurite).</summary>
    [Required]
    public string Clustering { get; set; } = "Localhost";

    [Required]
    public string ClusterId { get; set; } = "myna-local";

    [Required]
    public string ServiceId { get; set; } = "myna";

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How long the API keeps trying to reach a gateway at start-up.</summary>
    [Range(1, 600)]
    public int ConnectRetrySeconds { get; set; } = 60;
}

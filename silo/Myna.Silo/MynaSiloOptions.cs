using System.ComponentModel.DataAnnotations;

namespace Myna.Silo;

public enum ClusteringMode
{
    /// <summary>One machine, one command: a single silo (or a few on fixed ports) without a membership table.</summary>
    Localhost,

    /// <summary>Membership in Azure Table storage (Azurite locally): any number of silos and clients find each other.</summary>
    AzureTable,
}

/// <summary>Bound from the "Cluster" section.</summary>
public sealed class MynaSiloOptions
{
    public const string Section = "Cluster";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    [Required]
    public string ClusterId { get; set; } = "myna-local";

    [Required]
    public string ServiceId { get; set; } = "myna";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Run under Orleans' Kubernetes hosting (AzureTable clustering): the silo advertises its pod IP, takes
    /// its pod name from the downward API and removes dead pods from membership. Off for local runs.
    /// </summary>
    public bool KubernetesHosting { get; set; }

    /// <summary>
    /// AzureTable clustering outside Kubernetes: the address other silos and clients reach this silo at.
    /// Empty: 127.0.0.1 (silos on one machine). "auto": this host's first IPv4 address, listening on all
    /// addresses (containers, e.g. docker compose). Otherwise an IP address.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Localhost clustering only: the first silo's port, which later silos join.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The Azure table of the reminders (Orleans' default name); deploy/backup.sh exports it.</summary>
    public string RemindersTable { get; set; } = DefaultRemindersTable;

    public const string DefaultRemindersTable = "OrleansReminders";
}

namespace Myna.GrainInterfaces.Operations;

/// <summary>Operator tooling: rebuild a lookup index from the event streams (the truth). Stateless worker.</summary>
public interface IIndexMaintenanceGrain : IGrainWithIntegerKey
{
    /// <summary>The names <see cref="Rebuild"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Indexes = ["person-match", "certificates", "devices", "qualifications", "confirmation-documents", "institutions", "numbers", "clinic-consents"];

    /// <summary>Rewrites the named index and returns how many rows it holds afterwards.</summary>
    [Alias("Rebuild"), ResponseTimeout("00:30:00")]
    Task<int> Rebuild(string index);
}

namespace Myna.Grains.EventSourcing;

/// <summary>Bound from the "Snapshots" section.</summary>
public sealed class SnapshotOptions
{
    public const string Section = "Snapshots";

    /// <summary>The Orleans grain storage provider (Azure Table) that holds snapshots.</summary>
    public const string StorageName = "snapshots";

    /// <summary>A snapshot is written once this many events have been confirmed since the last one.</summary>
    public int Every { get; set; } = 100;
}

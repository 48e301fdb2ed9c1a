namespace Myna.GrainInterfaces.Operations;

/// <summary>A rotation of the personal-data key-encryption key: how far it got and what it did.</summary>
[GenerateSerializer, Immutable, Alias("myna.operations.key-rotation")]
public sealed record KeyRotationView(
    [property: Id(0)] Guid RotationId,
    [property: Id(1)] RebuildJobStatus Status,
    [property: Id(2)] long KeysSeen,
    [property: Id(3)] string? Version,
    [property: Id(4)] long Rewrapped,
    [property: Id(5)] long WrappedFromClear,
    [property: Id(6)] IReadOnlyList<string> Retired,
    [property: Id(7)] DateTimeOffset? StartedAt,
    [property: Id(8)] DateTimeOffset? FinishedAt,
    [property: Id(9)] string? Error);

/// <summary>
/// Rotates the key-encryption key of personal data (issue 17): every per-person key re-wrapped under the new
/// version, then the old versions retired. One grain ("personal-data"), so one rotation at a time; it runs in the
/// background of its activation, off the grain's scheduler, and answers progress meanwhile.
/// </summary>
public interface IKeyRotationGrain : IGrainWithStringKey
{
    public const string PersonalData = "personal-data";

    /// <summary>Starts rotation <paramref name="rotationId"/>, or answers the one running (or the same one again, for a retry).</summary>
    [Alias("Start")]
    Task<KeyRotationView> Start(Guid rotationId);

    [Alias("GetProgress")]
    Task<KeyRotationView> GetProgress();
}

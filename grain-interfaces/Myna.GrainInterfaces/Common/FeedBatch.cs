namespace Myna.GrainInterfaces.Common;

/// <summary>A feeder's batch (an insurer's medical feed, the tax agency's income feed): its id is applied once.</summary>
public static class FeedBatch
{
    public const int MaxIdLength = 100;

    public static bool IsValidId(string? id) => ExternalId.Fits(id, MaxIdLength);

    public static DomainError InvalidId { get; } =
        DomainError.Validation("request.invalid", $"The feeder's batch id is 1 to {MaxIdLength} {ExternalId.Shape}; nothing of the batch was recorded.");
}

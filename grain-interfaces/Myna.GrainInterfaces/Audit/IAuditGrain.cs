using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Audit;

/// <summary>
/// One stored event as an auditor sees it. <see cref="Data"/> is JSON with any Individual Number masked.
/// <see cref="OccurredAt"/> and the actor come from the event itself; the ids, channel and
/// <see cref="RecordedAt"/> from the store's metadata.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.audit.recorded-event")]
public sealed record RecordedEventView(
    [property: Id(0)] long Version,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string EventType,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] Guid? CommandId,
    [property: Id(5)] Guid? CorrelationId,
    [property: Id(6)] string? Channel,
    [property: Id(7)] string Data,
    [property: Id(8)] string StreamKey = "",
    [property: Id(9)] DateTimeOffset? OccurredAt = null,
    [property: Id(10)] Actor? Actor = null,
    [property: Id(11)] DateTimeOffset? EffectiveFrom = null);

/// <summary>
/// A page of a stream: its events as the API shows them, the contents of one JSON array written by
/// <see cref="AuditEventsJson.WriteBlocks"/> (<see cref="EventCount"/> events, in blocks that stay off the large-object
/// heap), so that the API copies them into its response as they are.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.audit.stream-page.v3")]
public sealed record StreamPage(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] long StreamVersion,
    [property: Id(2)] int EventCount,
    [property: Id(3)] byte[][] EventBlocks,
    [property: Id(4)] long? NextFromVersion);

/// <summary>Which events of a stream: from a version, at most a page, optionally of some types and recorded in a period.</summary>
[GenerateSerializer, Immutable, Alias("myna.audit.history-query")]
public sealed record HistoryQuery(
    [property: Id(0)] long FromVersion = 1,
    [property: Id(1)] int Limit = 100,
    [property: Id(2)] IReadOnlyList<string>? Types = null,
    [property: Id(3)] DateTimeOffset? RecordedFrom = null,
    [property: Id(4)] DateTimeOffset? RecordedTo = null)
{
    /// <summary>The most events a page holds.</summary>
    public const int MaxLimit = 500;
}

/// <summary>The two timelines of a history.</summary>
public enum Timeline
{
    /// <summary>As the system knew it: every event recorded by then, corrections only once recorded.</summary>
    Known,
    /// <summary>As in effect: everything known now, corrections from their effective date.</summary>
    Effective,
}

/// <summary>Replay up to a version, or to a moment on one of the timelines (a version wins when both are given).</summary>
[GenerateSerializer, Immutable, Alias("myna.audit.as-of-query")]
public sealed record AsOfQuery(
    [property: Id(0)] long? Version = null,
    [property: Id(1)] DateTimeOffset? At = null,
    [property: Id(2)] Timeline Timeline = Timeline.Known);

/// <summary>A stream's state replayed with the grain's own Apply. <see cref="State"/> is JSON, numbers masked.</summary>
[GenerateSerializer, Immutable, Alias("myna.audit.state-view")]
public sealed record StateView(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] long Version,
    [property: Id(2)] int EventsApplied,
    [property: Id(3)] DateTimeOffset? LastRecordedAt,
    [property: Id(4)] Timeline Timeline,
    [property: Id(5)] DateTimeOffset? At,
    [property: Id(6)] string State);

[GenerateSerializer, Immutable, Alias("myna.audit.state-difference")]
public sealed record StateDifference(
    [property: Id(0)] string Path,
    [property: Id(1)] string? Known,
    [property: Id(2)] string? Effective);

/// <summary>What the system knew at a moment against what was in effect then, and the corrections that make the difference.</summary>
[GenerateSerializer, Immutable, Alias("myna.audit.timeline-comparison")]
public sealed record TimelineComparison(
    [property: Id(0)] StateView AsKnown,
    [property: Id(1)] StateView AsEffective,
    [property: Id(2)] IReadOnlyList<StateDifference> Differences,
    [property: Id(3)] IReadOnlyList<RecordedEventView> Corrections);

[GenerateSerializer, Immutable, Alias("myna.audit.stream-verification")]
public sealed record StreamVerificationView(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] bool Intact,
    [property: Id(2)] long Events,
    [property: Id(3)] long LegacyEvents,
    [property: Id(4)] long? FirstBadVersion,
    [property: Id(5)] string? Problem,
    [property: Id(6)] string? Detail,
    [property: Id(7)] string? CheckpointId);

[GenerateSerializer, Immutable, Alias("myna.audit.store-verification")]
public sealed record StoreVerificationView(
    [property: Id(0)] DateTimeOffset VerifiedAt,
    [property: Id(1)] int StreamsChecked,
    [property: Id(2)] int StreamsIntact,
    [property: Id(3)] long EventsChecked,
    [property: Id(4)] long LegacyEvents,
    [property: Id(5)] string? CheckpointId,
    [property: Id(6)] IReadOnlyList<StreamVerificationView> Broken);

[GenerateSerializer, Immutable, Alias("myna.audit.checkpoint-view")]
public sealed record CheckpointView(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset TakenAt,
    [property: Id(2)] string MerkleRoot,
    [property: Id(3)] int Streams);

/// <summary>Read-only access to event histories for auditors. Stateless worker: reads scale with silos.</summary>
public interface IAuditGrain : IGrainWithIntegerKey
{
    [Alias("ReadStream.v3")]
    Task<Result<StreamPage>> ReadStream(StreamRef stream, HistoryQuery query);

    /// <summary>Every event recorded under one correlation id (one request), across streams, in global order.</summary>
    [Alias("ReadCorrelation")]
    Task<Result<IReadOnlyList<RecordedEventView>>> ReadCorrelation(Guid correlationId, int limit);

    [Alias("StateAsOf")]
    Task<Result<StateView>> StateAsOf(StreamRef stream, AsOfQuery query);

    [Alias("CompareTimelines")]
    Task<Result<TimelineComparison>> CompareTimelines(StreamRef stream, DateTimeOffset at);

    [Alias("VerifyStream"), ResponseTimeout("00:05:00")]
    Task<Result<StreamVerificationView>> VerifyStream(StreamRef stream);

    [Alias("VerifyAll"), ResponseTimeout("01:00:00")]
    Task<StoreVerificationView> VerifyAll();

    [Alias("WriteCheckpoint"), ResponseTimeout("00:30:00")]
    Task<CheckpointView> WriteCheckpoint();
}

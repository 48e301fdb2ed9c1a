using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Audit;

/// <summary>One stored event as an auditor sees it. <see cref="Data"/> is JSON with any Individual Number masked.</summary>
[GenerateSerializer, Immutable, Alias("myna.audit.recorded-event")]
public sealed record RecordedEventView(
    [property: Id(0)] long Version,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string EventType,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] Guid? CommandId,
    [property: Id(5)] Guid? CorrelationId,
    [property: Id(6)] string? Channel,
    [property: Id(7)] string Data);

[GenerateSerializer, Immutable, Alias("myna.audit.stream-page")]
public sealed record StreamPage(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] long StreamVersion,
    [property: Id(2)] IReadOnlyList<RecordedEventView> Events,
    [property: Id(3)] long? NextFromVersion);

/// <summary>Read-only access to event histories for auditors. Stateless worker: reads scale with silos.</summary>
public interface IAuditGrain : IGrainWithIntegerKey
{
    [Alias("ReadStream")]
    Task<Result<StreamPage>> ReadStream(StreamRef stream, long fromVersion, int limit);
}

namespace Myna.EventStore.Streams;

/// <summary>One stored event with the metadata recorded around it.</summary>
public sealed record StoredEvent(
    long Version,
    long Sequence,
    object Data,
    string EventTypeName,
    DateTimeOffset RecordedAt,
    Guid? CommandId,
    Guid? CorrelationId,
    string? Channel,
    string? Fingerprint);

/// <summary>Written with every event of one command: carried as Marten causation/correlation ids and headers.</summary>
public sealed record AppendMetadata(Guid CommandId, Guid CorrelationId, string Channel, string Fingerprint);

/// <summary>The expected version was stale: someone else appended first. Nothing of this append was written.</summary>
public sealed class StreamConflictException(string streamKey, long expectedVersion, Exception inner)
    : Exception($"Stream {streamKey} is no longer at version {expectedVersion}.", inner)
{
    public string StreamKey { get; } = streamKey;
    public long ExpectedVersion { get; } = expectedVersion;
}

/// <summary>
/// The stream holds an event of a type this build does not know (a newer version wrote it), so its events cannot be read
/// as their types. Names the type and where it is, nothing of its data.
/// </summary>
public sealed class UnknownEventTypeException(string where, Exception inner)
    : Exception($"{where} holds an event of a type this version does not know.", inner)
{
    /// <summary>What was read: a stream, or the events of one correlation id.</summary>
    public string Where { get; } = where;

    /// <summary>Whether Marten refused to read an event as its type because this build does not know the type (it throws either of two).</summary>
    public static bool IsMartens(Exception exception) =>
        exception is JasperFx.Events.UnknownEventTypeException or Marten.Exceptions.UnknownEventTypeException;
}

/// <summary>
/// The append's transaction was refused for a reason the command's author must hear (a projection written in
/// the same commit found its row taken: a consumed challenge replayed). Nothing of the append was written, and
/// deciding again would not change that: the command is answered with <see cref="Error"/>.
/// </summary>
public sealed class AppendRefusedException(string streamKey, Myna.GrainInterfaces.Common.DomainError error, Exception inner)
    : Exception($"An append to stream {streamKey} was refused: {error.Code}.", inner)
{
    public Myna.GrainInterfaces.Common.DomainError Error { get; } = error;
}

/// <summary>The first events of a stream and the stream's version when they were read (0: no stream).</summary>
public sealed record StreamHead(IReadOnlyList<StoredEvent> Events, long Version);

/// <summary>
/// The event store as the grains see it: read a stream from a version, append with an expected version.
/// Each call opens and closes its own short-lived Marten session; nothing is held between calls.
/// </summary>
public interface IEventStreamStore
{
    /// <summary>Events with version ≥ <paramref name="fromVersion"/>, in order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(string streamKey, long fromVersion, int limit = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>
    /// The first <paramref name="limit"/> events of the stream and its current version, in one round trip: the whole of
    /// a stream no longer than that, and for a longer one the version an activation needs to read its newest events
    /// while the snapshot is still on its way.
    /// </summary>
    Task<StreamHead> ReadHeadAsync(string streamKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>The stream's current version (0 when it does not exist).</summary>
    Task<long> GetVersionAsync(string streamKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends atomically if the stream is still at <paramref name="expectedVersion"/>; returns the new version.
    /// Throws <see cref="StreamConflictException"/> when it is not.
    /// </summary>
    Task<long> AppendAsync(string streamKey, long expectedVersion, IReadOnlyList<object> events, AppendMetadata metadata, CancellationToken cancellationToken = default);
}

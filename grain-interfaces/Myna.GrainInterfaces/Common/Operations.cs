namespace Myna.GrainInterfaces.Common;

/// <summary>One store as a silo sees it: reachable or not, and why not (never a secret).</summary>
[GenerateSerializer, Immutable, Alias("Myna.DependencyStatus")]
public sealed record DependencyStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Healthy,
    [property: Id(2)] string? Problem);

/// <summary>
/// A store a grain needs (PostgreSQL for the event streams and indexes) did not answer. The outcome of the
/// command is unknown to the caller: the API answers 503 <c>store.unavailable</c> with Retry-After, and a
/// retry with the same Idempotency-Key never applies twice.
/// </summary>
[GenerateSerializer, Alias("Myna.StoreUnavailableException")]
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message) : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Which store: "postgres" or "azure-storage".</summary>
    [Id(0)]
    public string Store { get; init; } = "postgres";
}

/// <summary>
/// A grain's stream holds an event of a type this version does not know: a newer version wrote it, as during a rolling
/// upgrade. The grain does not decide on a state it cannot fold, so it is not activated here; the API answers 503
/// <c>service.unavailable</c>, and a retry once the upgrade has finished is served by a silo that knows the type.
/// </summary>
[GenerateSerializer, Alias("Myna.StreamFromNewerVersionException")]
public sealed class StreamFromNewerVersionException : Exception
{
    public StreamFromNewerVersionException()
    {
    }

    public StreamFromNewerVersionException(string message) : base(message)
    {
    }

    public StreamFromNewerVersionException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>Keys the API puts into Orleans' RequestContext so that silo logs carry the caller's correlation id.</summary>
public static class RequestContextKeys
{
    public const string CorrelationId = "myna.correlation-id";
}

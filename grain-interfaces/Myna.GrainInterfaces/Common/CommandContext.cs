namespace Myna.GrainInterfaces.Common;

/// <summary>Who acts: the authenticated subject, in which role, and on whose behalf (a proxy or a helping clerk).</summary>
[GenerateSerializer, Immutable, Alias("myna.actor")]
public sealed record Actor(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Role,
    [property: Id(2)] string? OnBehalfOf = null);

/// <summary>
/// Travels with every command. <see cref="CommandId"/> makes retries idempotent: a command id already
/// applied to a stream returns the original outcome instead of appending again.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.command-context")]
public sealed record CommandContext(
    [property: Id(0)] Guid CommandId,
    [property: Id(1)] Guid CorrelationId,
    [property: Id(2)] Actor Actor,
    [property: Id(3)] string Channel);

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
    [property: Id(3)] string Channel)
{
    /// <summary>
    /// The context of a follow-up command that one command causes on another grain: its id is derived
    /// from this one, so a retry of the cause retries the follow-up with the same id (applied once).
    /// </summary>
    public CommandContext FollowUp(string purpose) => this with { CommandId = DerivedId(CommandId, purpose) };

    /// <summary>A name-based (version 8) UUID from a command id and a purpose.</summary>
    public static Guid DerivedId(Guid commandId, string purpose) => NameBased($"{purpose}\n{commandId:D}");

    public static Guid NameBased(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}

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
    /// The scope claims the actor's token carried (which municipality, insurer, institution, …). Aggregates
    /// authorise against it before anything else, retries included (invariants 16 and 20). Never stored in events.
    /// </summary>
    [Id(4)] public ActorScope Scope { get; init; } = ActorScope.None;

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

/// <summary>
/// The scope of an actor's role, from its token: a municipality clerk's municipality, an insurer's number, a
/// terminal's institution and terminal id, an agency, a resident's person, an app, a kiosk. Unset claims are null.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.actor-scope")]
public sealed record ActorScope(
    [property: Id(0)] string? Municipality = null,
    [property: Id(1)] string? Insurer = null,
    [property: Id(2)] string? Institution = null,
    [property: Id(3)] string? Terminal = null,
    [property: Id(4)] string? Agency = null,
    [property: Id(5)] Guid? PersonId = null,
    [property: Id(6)] string? AppId = null,
    [property: Id(7)] string? Kiosk = null)
{
    public static ActorScope None { get; } = new();

    /// <summary>A stable text of every scope claim, so that a command id derived from it differs between scopes.</summary>
    public string Key =>
        $"m={Municipality}|i={Insurer}|h={Institution}|t={Terminal}|a={Agency}|p={PersonId:D}|app={AppId}|k={Kiosk}";
}

/// <summary>The role names an actor carries (the token's "role" claim); the domain authorises against them.</summary>
public static class ActorRoles
{
    public const string Resident = "resident";
    public const string Municipality = "municipality";
    public const string CallCentre = "call-centre";
    public const string Insurer = "insurer";
    public const string Terminal = "terminal";
    public const string Agency = "agency";
    public const string Auditor = "auditor";
    public const string Operator = "operator";
    public const string App = "app";
    public const string Kiosk = "kiosk";
    /// <summary>The system itself: reminders, reactions between aggregates, campaigns.</summary>
    public const string System = "system";
}

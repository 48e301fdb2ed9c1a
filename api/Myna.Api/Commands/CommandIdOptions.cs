using System.ComponentModel.DataAnnotations;

namespace Myna.Api.Commands;

/// <summary>Bound from the "Commands" section.</summary>
public sealed class CommandIdOptions
{
    public const string Section = "Commands";

    /// <summary>
    /// The key under which command ids are derived from the caller and its Idempotency-Key (HMAC-SHA256). Ids
    /// derived from a command id (a card's id, a confirmation document's number) are then unguessable too.
    /// Every API replica has the same one, so that a retry through another replica finds the same command.
    /// </summary>
    [Required, MinLength(32)]
    public string IdKey { get; set; } = "development-only-command-id-key-change-me-00001";
}

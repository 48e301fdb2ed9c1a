using System.ComponentModel.DataAnnotations;

namespace Myna.Api.Auth;

/// <summary>Bound from the "Auth" section.</summary>
public sealed class JwtOptions
{
    public const string Section = "Auth";

    [Required]
    public string Issuer { get; set; } = "myna";

    [Required]
    public string Audience { get; set; } = "myna-api";

    /// <summary>HMAC-SHA256 key for bearer tokens (at least 32 characters). Production uses its identity provider's key.</summary>
    [Required(ErrorMessage = "Auth:SigningKey is not set: bearer tokens cannot be validated."), MinLength(32)]
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>Serve POST /dev/tokens. Honoured only in the Development environment.</summary>
    public bool DevTokens { get; set; }
}

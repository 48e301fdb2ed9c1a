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

    /// <summary>
    /// HMAC-SHA256 key for staff and machine tokens where there is no OpenID Connect provider (Development, and
    /// closed rigs that set <see cref="SharedKeyTokens"/>). Never signs a resident's token.
    /// </summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>
    /// The OpenID Connect provider that issues staff (user login) and machine (client credentials) tokens; they are
    /// validated through its discovery document and JWKS. Required outside Development unless <see cref="SharedKeyTokens"/>.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>Discovery and JWKS over HTTPS only (turn off for a loopback provider in tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Outside Development, accept staff and machine tokens signed with <see cref="SigningKey"/> instead of a provider (benchmarks, process tests).</summary>
    public bool SharedKeyTokens { get; set; }

    /// <summary>The issuer of portal session tokens (residents): this API itself.</summary>
    [Required]
    public string PortalIssuer { get; set; } = "myna-portal";

    /// <summary>
    /// The portal's own ES256 key (a P-256 private key, PKCS#8 PEM): it signs every resident token and its public half
    /// is published at <c>/.well-known/jwks.json</c>. From configuration, or from Key Vault (<see cref="KeyVaultUri"/>),
    /// so tokens survive a restart and every API replica signs and accepts the same.
    /// </summary>
    public string? PortalSigningKey { get; set; }

    /// <summary>Azure Key Vault holding the portal signing key as the secret <see cref="PortalSigningKeySecretName"/>.</summary>
    public string? KeyVaultUri { get; set; }

    public string PortalSigningKeySecretName { get; set; } = "myna-portal-signing-key";

    /// <summary>The portal key of Development: public (it is in this repository), refused anywhere else.</summary>
    public const string DevelopmentPortalSigningKey = """
        development-only portal signing key, not-for-production
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFV/5YdwUDoqSuirS
        f1Q4XWF+pbKFAZJfV6Lwb/Wz0lehRANCAAS06wfTbdszzkRGq5XsjUai/i+Sf1RU
        hhJ+62XW6zE/hKAfwQGBno3k3LvzvsbYrI3Xd8oU4U0jK2pFpN/0sV5Y
        -----END PRIVATE KEY-----
        """;

    /// <summary>Serve POST /dev/tokens. Honoured only in the Development environment.</summary>
    public bool DevTokens { get; set; }
}

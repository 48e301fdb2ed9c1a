using System.Security.Cryptography;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Myna.Api.Auth;

/// <summary>
/// The portal's ES256 key: signs resident session tokens, and its public half is the JWKS at
/// <c>/.well-known/jwks.json</c>. Loaded once, from <c>Auth:PortalSigningKey</c> or from Key Vault (read once at
/// start), in Development from the published development key.
/// </summary>
public sealed class PortalSigningKeys
{
    private readonly ECDsa _key;

    public PortalSigningKeys(string pem)
    {
        _key = ECDsa.Create();
        _key.ImportFromPem(pem);
        if (_key.KeySize != 256)
        {
            throw new InvalidOperationException("Auth:PortalSigningKey must be a P-256 (ES256) private key.");
        }
        var publicKey = _key.ExportSubjectPublicKeyInfo();
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData(publicKey))[..16];
        Signing = new ECDsaSecurityKey(_key) { KeyId = KeyId };
        using var verifying = ECDsa.Create();
        verifying.ImportSubjectPublicKeyInfo(publicKey, out _);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(verifying.ExportParameters(false))) { KeyId = KeyId });
        Public = jwk;
        Validation = new ECDsaSecurityKey(ECDsa.Create(verifying.ExportParameters(false))) { KeyId = KeyId };
    }

    public string KeyId { get; }

    /// <summary>The private key, for signing.</summary>
    public ECDsaSecurityKey Signing { get; }

    /// <summary>The public key only, for validating.</summary>
    public ECDsaSecurityKey Validation { get; }

    /// <summary>The public key as a JWK (no private parameter).</summary>
    public JsonWebKey Public { get; }

    /// <summary>The JWKS document: kty, crv, x, y, kid, alg, use.</summary>
    public object Jwks => new
    {
        keys = new[]
        {
            new { kty = Public.Kty, crv = Public.Crv, x = Public.X, y = Public.Y, kid = KeyId, alg = SecurityAlgorithms.EcdsaSha256, use = "sig" },
        },
    };

    public static PortalSigningKeys Load(JwtOptions options, IHostEnvironment environment, Func<JwtOptions, SecretClient>? vault = null)
    {
        if (!string.IsNullOrWhiteSpace(options.KeyVaultUri))
        {
            var client = vault?.Invoke(options) ?? new SecretClient(new Uri(options.KeyVaultUri), new Azure.Identity.DefaultAzureCredential());
            // Once, at start: the key then lives in memory for the process's life.
            return new PortalSigningKeys(client.GetSecret(options.PortalSigningKeySecretName).Value.Value);
        }
        if (!string.IsNullOrWhiteSpace(options.PortalSigningKey))
        {
            return new PortalSigningKeys(options.PortalSigningKey);
        }
        if (environment.IsDevelopment())
        {
            return new PortalSigningKeys(JwtOptions.DevelopmentPortalSigningKey);
        }
        throw new OptionsValidationException("Auth:PortalSigningKey", typeof(JwtOptions),
            ["Auth:PortalSigningKey is not set (nor Auth:KeyVaultUri): resident session tokens are signed with the portal's own ES256 key."]);
    }

    /// <summary>A new P-256 key as PKCS#8 PEM (tools and tests).</summary>
    public static string NewPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}

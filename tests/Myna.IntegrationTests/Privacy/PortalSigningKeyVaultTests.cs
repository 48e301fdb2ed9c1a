using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Privacy;

/// <summary>The portal's ES256 key read from Key Vault (the real SecretClient against the loopback stand-in), once at start.</summary>
public sealed class PortalSigningKeyVaultTests
{
    [Fact]
    public async Task The_portal_key_comes_from_key_vault_and_every_replica_loads_the_same_key()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        var pem = PortalSigningKeys.NewPem();
        await vault.Client().SetSecretAsync("myna-portal-signing-key", pem);
        var options = new JwtOptions { KeyVaultUri = vault.Uri.ToString() };
        var production = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" };

        var first = PortalSigningKeys.Load(options, production, _ => vault.Client());
        var second = PortalSigningKeys.Load(options, production, _ => vault.Client());

        Assert.Equal(new PortalSigningKeys(pem).KeyId, first.KeyId);
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.True(vault.Challenges > 0);
    }

    [Fact]
    public void Outside_development_a_missing_portal_key_is_refused_at_start()
    {
        var production = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" };
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => PortalSigningKeys.Load(new JwtOptions(), production));
        Assert.Contains("Auth:PortalSigningKey", refused.Message, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Hosting;
using Myna.EventStore.Configuration;
using Myna.Grains.Cards;
using Myna.IntegrationTests.Support;
using Myna.Silo;

namespace Myna.IntegrationTests.Deployment;

/// <summary>Invariant 21: outside Development nothing starts on a default, known or short secret, and Development files stay out of published output.</summary>
public class ProductionSecretsTests
{
    private static HostApplicationBuilder Silo(string environment, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none",
            ["ConnectionStrings:AzureStorage"] = TestInfrastructure.AzureStorage,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMynaSilo();
        return builder;
    }

    [Fact]
    public async Task A_production_silo_on_the_published_default_keys_refuses_to_start_naming_each_setting()
    {
        using var host = Silo("Production", []).Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var messages = string.Join("\n", Failures(host));
        Assert.Contains("EventStore:NumberKey", messages, StringComparison.Ordinal);
        Assert.Contains("EventStore:AgencyCodeKey", messages, StringComparison.Ordinal);
        Assert.Contains("Challenges:Key", messages, StringComparison.Ordinal);
        Assert.Contains("PersonalData:KeyEncryptionKey", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("development-only", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("too-short-secret")]
    [InlineData("development-only-number-key-change-me-0001")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_short_known_or_trivial_key_is_refused_outside_development(string key)
    {
        using var host = Silo("Staging", new()
        {
            ["EventStore:NumberKey"] = key,
            ["EventStore:AgencyCodeKey"] = TestInfrastructure.AgencyCodeKey,
            ["Challenges:Key"] = TestInfrastructure.ChallengeKey,
        }).Build();

        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<EventStoreOptions>>().Value);
        Assert.Contains(refused.Failures, f => f.StartsWith("EventStore:NumberKey", StringComparison.Ordinal));
        Assert.DoesNotContain(refused.Failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_of_its_own_pass_in_production_and_the_defaults_pass_in_development()
    {
        using var production = Silo("Production", new()
        {
            ["EventStore:NumberKey"] = TestInfrastructure.NumberKey,
            ["EventStore:AgencyCodeKey"] = TestInfrastructure.AgencyCodeKey,
            ["Challenges:Key"] = TestInfrastructure.ChallengeKey,
            ["PersonalData:KeyEncryptionKey"] = TestInfrastructure.KeyEncryptionKey,
        }).Build();
        Assert.Equal(TestInfrastructure.NumberKey, production.Services.GetRequiredService<IOptions<EventStoreOptions>>().Value.NumberKey);
        Assert.Equal(TestInfrastructure.ChallengeKey, production.Services.GetRequiredService<IOptions<ChallengeOptions>>().Value.Key);

        using var development = Silo("Development", []).Build();
        Assert.StartsWith("development-only", development.Services.GetRequiredService<IOptions<EventStoreOptions>>().Value.NumberKey, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_key_encryption_key_in_key_vault_a_production_silo_needs_no_configured_one()
    {
        using var production = Silo("Production", new()
        {
            ["EventStore:NumberKey"] = TestInfrastructure.NumberKey,
            ["EventStore:AgencyCodeKey"] = TestInfrastructure.AgencyCodeKey,
            ["Challenges:Key"] = TestInfrastructure.ChallengeKey,
            ["PersonalData:KeyVaultUri"] = "https://myna-kv.vault.azure.net/",
        }).Build();
        Assert.Equal("https://myna-kv.vault.azure.net/", production.Services.GetRequiredService<IOptions<Myna.EventStore.Privacy.PersonalDataOptions>>().Value.KeyVaultUri);
        Assert.IsType<Myna.EventStore.Privacy.KeyVaultKeyEncryptionKeys>(production.Services.GetRequiredService<Myna.EventStore.Privacy.IKeyEncryptionKeys>());

        using var configured = Silo("Production", new()
        {
            ["EventStore:NumberKey"] = TestInfrastructure.NumberKey,
            ["EventStore:AgencyCodeKey"] = TestInfrastructure.AgencyCodeKey,
            ["Challenges:Key"] = TestInfrastructure.ChallengeKey,
            ["PersonalData:KeyEncryptionKey"] = "development-only-personal-data-kek-change-me-0001",
        }).Build();
        var refused = Assert.Throws<OptionsValidationException>(() => configured.Services.GetRequiredService<IOptions<Myna.EventStore.Privacy.PersonalDataOptions>>().Value);
        Assert.Contains(refused.Failures, f => f.StartsWith("PersonalData:KeyEncryptionKey", StringComparison.Ordinal));
    }

    [Fact]
    public void A_production_api_refuses_the_development_signing_key()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AzureStorage"] = TestInfrastructure.AzureStorage,
            ["Auth:SigningKey"] = "development-only-signing-key-not-for-production-0001",
            ["Auth:SharedKeyTokens"] = "true",
            ["Auth:PortalSigningKey"] = JwtOptions.DevelopmentPortalSigningKey,
        });
        builder.AddMynaApi();
        using var app = builder.Build();

        var refused = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<JwtOptions>>().Value);
        Assert.Contains(refused.Failures, f => f.StartsWith("Auth:SigningKey", StringComparison.Ordinal));
        Assert.Contains(refused.Failures, f => f.StartsWith("Auth:PortalSigningKey", StringComparison.Ordinal));
        Assert.DoesNotContain(refused.Failures, f => f.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal));
        var idKey = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<Myna.Api.Commands.CommandIdOptions>>().Value);
        Assert.Contains(idKey.Failures, f => f.StartsWith("Commands:IdKey", StringComparison.Ordinal));
    }

    [Fact]
    public void A_production_api_without_an_identity_provider_refuses_to_start_and_with_one_needs_no_shared_key()
    {
        static WebApplication Api(Dictionary<string, string?> settings)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:AzureStorage"] = TestInfrastructure.AzureStorage,
                ["Auth:PortalSigningKey"] = PortalSigningKeys.NewPem(),
            });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddMynaApi();
            return builder.Build();
        }

        using var without = Api(new() { ["Auth:SigningKey"] = ApiFixture.SigningKey });
        var refused = Assert.Throws<OptionsValidationException>(() => without.Services.GetRequiredService<IOptions<JwtOptions>>().Value);
        Assert.Contains(refused.Failures, f => f.StartsWith("Auth:Authority", StringComparison.Ordinal));

        using var with = Api(new() { ["Auth:Authority"] = "https://login.myna.example/" });
        Assert.Equal("https://login.myna.example/", with.Services.GetRequiredService<IOptions<JwtOptions>>().Value.Authority);
    }

    [Fact]
    public void Outside_development_the_api_description_needs_an_auditor_or_operator()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AzureStorage"] = TestInfrastructure.AzureStorage,
            ["Auth:SigningKey"] = ApiFixture.SigningKey,
            ["Auth:SharedKeyTokens"] = "true",
            ["Auth:PortalSigningKey"] = PortalSigningKeys.NewPem(),
            ["Commands:IdKey"] = ApiFixture.CommandIdKey,
        });
        builder.AddMynaApi();
        using var app = builder.Build();
        app.UseMynaApi();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/openapi", StringComparison.Ordinal) || raw.StartsWith("/scalar", StringComparison.Ordinal)))
            .ToList();
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>(), a => a.Policy == Policies.AuditorOrOperator));
        Assert.Null(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .FirstOrDefault(e => e.RoutePattern.RawText == "/dev/tokens"));
    }

    [Fact]
    public async Task The_published_api_carries_no_development_settings()
    {
        var configuration = typeof(ProductionSecretsTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var output = Directory.CreateTempSubdirectory("myna-publish-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
            foreach (var argument in new[] { "publish", "api/Myna.Api/Myna.Api.csproj", "--no-build", "--nologo", "-c", configuration, "-o", output })
            {
                start.ArgumentList.Add(argument);
            }
            using var publish = Process.Start(start)!;
            var stdout = publish.StandardOutput.ReadToEndAsync();
            var stderr = publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(publish.ExitCode == 0, "dotnet publish failed: " + await stdout + await stderr);

            Assert.True(File.Exists(Path.Combine(output, "Myna.Api.dll")), "the publish output has no API");
            Assert.True(File.Exists(Path.Combine(output, "appsettings.json")));
            Assert.Empty(Directory.GetFiles(output, "appsettings.Development.json", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static IEnumerable<string> Failures(IHost host)
    {
        foreach (var read in new Func<object>[]
        {
            () => host.Services.GetRequiredService<IOptions<EventStoreOptions>>().Value,
            () => host.Services.GetRequiredService<IOptions<ChallengeOptions>>().Value,
            () => host.Services.GetRequiredService<IOptions<Myna.EventStore.Privacy.PersonalDataOptions>>().Value,
        })
        {
            string[] failures;
            try
            {
                read();
                failures = [];
            }
            catch (OptionsValidationException ex)
            {
                failures = [.. ex.Failures];
            }
            foreach (var failure in failures)
            {
                yield return failure;
            }
        }
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Myna.Api.Auth;
using Myna.Silo;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// The two-process shape in one test process: a real silo host (the Myna.Silo composition) with Azure
/// Table clustering on Azurite, and the API host (WebApplicationFactory) finding it through the same
/// membership table.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string SigningKey = "integration-tests-signing-key-0123456789abcdef";
    public const string CommandIdKey = "integration-tests-command-id-key-0123456789abcdef";

    public string ClusterId { get; } = "api-" + Guid.NewGuid().ToString("N")[..8];

    private IHost? _silo;
    private ApiFactory? _api;

    public ApiFactory Api => _api ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The silo's own grain factory, for what only the silo does (reminder callbacks) in tests.</summary>
    public IGrainFactory Grains => (_silo ?? throw new InvalidOperationException("Not initialised.")).Services.GetRequiredService<IGrainFactory>();

    /// <summary>The clock Orleans' activation collection in the silo runs on (kept real whatever <see cref="SiloClock"/> says).</summary>
    public TimeProvider SiloCollectionClock =>
        (_silo ?? throw new InvalidOperationException("Not initialised.")).Services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.ActivationManagement);

    /// <summary>The silo's clock. Tests in this collection run one at a time; a test that moves it puts it back.</summary>
    public TestClock SiloClock { get; } = new();

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _silo = BuildSilo(ClusterId, SiloClock);
        await _silo.StartAsync();

        _api = new ApiFactory(ClusterId);
        // Force the host (and its Orleans client) to start now, not in the first test.
        _ = _api.Server;
    }

    /// <summary>
    /// A silo host as Myna.Silo composes it (Development), clustered in Azurite under <paramref name="clusterId"/>, on the
    /// tests' stores unless <paramref name="overrides"/> says otherwise (another database, key table or container).
    /// </summary>
    public static IHost BuildSilo(string clusterId, TimeProvider clock, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(TestInfrastructure.Settings(snapshotEvery: 100));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Clustering"] = "AzureTable",
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = "myna-tests",
            ["Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        builder.Services.AddSingleton(clock);
        // Tests move Myna's clock (what grains decide with) days or years ahead. Orleans' own clocks stay real: with the
        // moved clock, an activation-collection tick taken while a test had it 151 years ahead scheduled the silo's
        // next collection there, and every later activation in the shared silo was refused. Orleans resolves each of
        // its areas' clocks by key, through one catch-all it adds only if none is there: this one answers them all.
        builder.Services.AddKeyedSingleton(KeyedService.AnyKey, TimeProvider.System);
        builder.AddMynaSilo();
        return builder.Build();
    }

    /// <summary>A client of <paramref name="api"/> with a token for <paramref name="role"/> (and its scope).</summary>
    public static HttpClient ClientFor(WebApplicationFactory<Program> api, string role, IReadOnlyDictionary<string, string>? scope = null, string? subject = null)
    {
        var client = api.CreateClient();
        var issuer = api.Services.GetRequiredService<TokenIssuer>();
        var (token, _) = issuer.Issue(subject ?? role + "-" + Guid.NewGuid().ToString("N")[..6], role, scope);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient ClientFor(string role, IReadOnlyDictionary<string, string>? scope = null, string? subject = null) =>
        ClientFor(Api, role, scope, subject);

    public HttpClient Municipality(string code = "131016") =>
        ClientFor(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = code });

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }

    public sealed class ApiFactory(string clusterId) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:AzureStorage", TestInfrastructure.AzureStorage);
            builder.UseSetting("Cluster:Clustering", "AzureTable");
            builder.UseSetting("Cluster:ClusterId", clusterId);
            builder.UseSetting("Cluster:ServiceId", "myna-tests");
            builder.UseSetting("Auth:SigningKey", SigningKey);
            builder.UseSetting("Commands:IdKey", CommandIdKey);
            builder.UseSetting("Auth:DevTokens", "true");
            // A whole-stream replay reads its stream two events at a time, so a short stream already spans chunks.
            builder.UseSetting("Audit:Replay:ChunkSize", "2");
            // The suite shares one client IP: portal limits high here, low in the rate-limit test's own host.
            builder.UseSetting("Portal:RateLimits:LoginsPerIp", "100000");
            builder.UseSetting("Portal:RateLimits:ReadsPerToken", "100000");
            builder.UseSetting("Portal:RateLimits:ReadsPerIp", "1000000");
            builder.UseSetting("RateLimits:AnonymousPerIp", "1000000");
            builder.UseSetting("RateLimits:ExpensivePerToken", "1000000");
            builder.UseSetting("RateLimits:ChallengesPerTerminal", "1000000");
            builder.UseSetting("RateLimits:LookupsPerToken", "1000000");
            builder.UseSetting("RateLimits:BulkRegistrationsPerMunicipality", "1000000");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

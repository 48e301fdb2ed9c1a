using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Myna.Api.Auth;
using Myna.Api.Hosting;
using Myna.EventStore.Configuration;
using Myna.Silo;
using Myna.TestSupport;

namespace Myna.Benchmarks.Harness;

/// <summary>Where the stores are: set by deploy/bench.sh, which starts its own PostgreSQL and Azurite.</summary>
public sealed record BenchStores(string Postgres, string AzureStorage)
{
    public const string Schema = "myna";
    public const string NumberKey = "benchmark-number-key-0123456789abcdef-0123";
    public const string SigningKey = "benchmark-signing-key-0123456789abcdef-0123456789";
    public const string KeyEncryptionKey = "benchmark-key-encryption-key-0123456789abcdef-0123";

    /// <summary>The key-encryption key the benchmark's silos and its own store share (a version of its own).</summary>
    public static Myna.EventStore.Privacy.PersonalDataOptions PersonalData => new() { KeyEncryptionKey = KeyEncryptionKey, KeyEncryptionKeyVersion = "bench-1" };

    /// <summary>One portal key for the benchmark's API (resident tokens are ES256).</summary>
    public static string PortalSigningKey { get; } = Myna.Api.Auth.PortalSigningKeys.NewPem();

    public static BenchStores FromEnvironment() => new(
        Environment.GetEnvironmentVariable("MYNA_BENCH_POSTGRES") ?? throw new InvalidOperationException("MYNA_BENCH_POSTGRES is not set: run deploy/bench.sh."),
        Environment.GetEnvironmentVariable("MYNA_BENCH_AZURE_STORAGE") ?? throw new InvalidOperationException("MYNA_BENCH_AZURE_STORAGE is not set: run deploy/bench.sh."));

    public EventStoreOptions EventStoreOptions => new() { ConnectionString = Postgres, Schema = Schema, NumberKey = NumberKey };

    /// <summary>A document store of the benchmark's own, as a second process would have: the baselines use it.</summary>
    public DocumentStore CreateStore()
    {
        var options = new StoreOptions();
        MartenSetup.Configure(options, EventStoreOptions, new Myna.EventStore.Privacy.PersonalDataProtection(
            new Myna.EventStore.Privacy.PersonalDataKeyRing(new Myna.EventStore.Privacy.AzureTablePersonalDataKeyStore(
                new Azure.Data.Tables.TableServiceClient(AzureStorage),
                new Myna.EventStore.Privacy.ConfiguredKeyEncryptionKeys(PersonalData)))));
        return new DocumentStore(options);
    }
}

/// <summary>
/// The real system in this process: <paramref name="siloCount"/> silo hosts built by <c>AddMynaSilo()</c>
/// (Azure Table membership on Azurite, as in production) and the API built by <c>AddMynaApi()</c> on
/// Kestrel at a loopback port, reached over real HTTP.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    private readonly List<IHost> _silos = [];
    private readonly List<SiloProcess> _processes = [];
    private WebApplication? _api;

    private Deployment(string clusterId) => ClusterId = clusterId;

    public string ClusterId { get; }

    public int SiloCount => _silos.Count + _processes.Count;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The API's own Orleans client: grain calls through a gateway, as the API makes them.</summary>
    public IClusterClient Client => _api!.Services.GetRequiredService<IClusterClient>();

    public IServiceProvider SiloServices => _silos[0].Services;

    public static async Task<Deployment> StartAsync(BenchStores stores, int siloCount, int snapshotEvery = 100, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var deployment = new Deployment("bench-" + Guid.NewGuid().ToString("N")[..8]);
        for (var i = 0; i < siloCount; i++)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = false });
            builder.Configuration.AddInMemoryCollection(SiloSettings(stores, deployment.ClusterId, snapshotEvery));
            if (overrides is not null)
            {
                builder.Configuration.AddInMemoryCollection(overrides);
            }
            Quiet(builder.Logging);
            builder.AddMynaSilo();
            var silo = builder.Build();
            await silo.StartAsync();
            deployment._silos.Add(silo);
        }
        await deployment.StartApiAsync(stores);
        return deployment;
    }

    /// <summary>
    /// <paramref name="siloCount"/> silo PROCESSES (the silo's own build, <c>dotnet Myna.Silo.dll</c>, as deploy/cluster.sh
    /// and the failure tests start them) with the same settings as the in-process hosts, and the API in this process
    /// reaching them through their gateways, as the production API does.
    /// </summary>
    public static async Task<Deployment> StartProcessesAsync(BenchStores stores, int siloCount, int snapshotEvery = 100)
    {
        var deployment = new Deployment("bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var started = Enumerable.Range(1, siloCount).Select(i => SiloProcess.Start(
                i,
                ProcessSettings(stores, deployment.ClusterId, snapshotEvery),
                Path.Combine(Path.GetTempPath(), $"myna-bench-silo-{i}-{Environment.ProcessId}.log"),
                appendLog: false)).ToList();
            deployment._processes.AddRange(started);
            await Task.WhenAll(started.Select(p => p.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120))));
            await deployment.StartApiAsync(stores);
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Silo processes of this deployment (empty for in-process hosts): their ids, for the report.</summary>
    public IReadOnlyList<int> SiloProcessIds => _processes.Select(p => p.Pid).ToList();

    private static Dictionary<string, string?> SiloSettings(BenchStores stores, string clusterId, int snapshotEvery) => new()
    {
        ["ConnectionStrings:Postgres"] = stores.Postgres,
        ["ConnectionStrings:AzureStorage"] = stores.AzureStorage,
        ["EventStore:Schema"] = BenchStores.Schema,
        ["EventStore:NumberKey"] = BenchStores.NumberKey,
        ["EventStore:AgencyCodeKey"] = BenchStores.NumberKey + "-agency-codes",
        ["Challenges:Key"] = BenchStores.NumberKey + "-challenges",
        ["PersonalData:KeyEncryptionKey"] = BenchStores.KeyEncryptionKey,
        ["PersonalData:KeyEncryptionKeyVersion"] = BenchStores.PersonalData.KeyEncryptionKeyVersion,
        ["Snapshots:Every"] = snapshotEvery.ToString(CultureInfo.InvariantCulture),
        ["Cluster:Clustering"] = "AzureTable",
        ["Cluster:ClusterId"] = clusterId,
        ["Cluster:ServiceId"] = "myna-bench",
        ["Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A silo process's settings: the in-process hosts' and its log level (errors only unless MYNA_BENCH_LOG says
    /// otherwise); its output goes to a log file under the temp directory. It is stopped by its PID: SIGTERM, then
    /// SIGKILL after 20 s.
    /// </summary>
    private static Dictionary<string, string?> ProcessSettings(BenchStores stores, string clusterId, int snapshotEvery)
    {
        var settings = SiloSettings(stores, clusterId, snapshotEvery);
        var level = Environment.GetEnvironmentVariable("MYNA_BENCH_LOG") ?? "Error";
        settings["Logging:LogLevel:Default"] = level;
        settings["Logging:LogLevel:Microsoft"] = level;
        settings["Logging:LogLevel:Orleans"] = level;
        return settings;
    }

    private async Task StartApiAsync(BenchStores stores)
    {
        var port = Loopback.FreePort();
        var api = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        api.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AzureStorage"] = stores.AzureStorage,
            ["Cluster:Clustering"] = "AzureTable",
            ["Cluster:ClusterId"] = ClusterId,
            ["Cluster:ServiceId"] = "myna-bench",
            ["Auth:SigningKey"] = BenchStores.SigningKey,
            // A closed rig: staff tokens on the shared key, not from an OpenID Connect provider.
            ["Auth:SharedKeyTokens"] = "true",
            ["Auth:PortalSigningKey"] = BenchStores.PortalSigningKey,
            ["Commands:IdKey"] = BenchStores.SigningKey + "-command-ids",
            ["RateLimits:AnonymousPerIp"] = "1000000",
            ["RateLimits:ExpensivePerToken"] = "1000000",
            ["RateLimits:BulkRegistrationsPerMunicipality"] = "1000000",
            // The seed enrols thousands of patients a minute with one insurer's token (an enrolment is a lookup by number).
            ["RateLimits:LookupsPerToken"] = "1000000",
            ["Auth:Issuer"] = "myna",
            ["Auth:Audience"] = "myna-api",
        });
        api.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        Quiet(api.Logging);
        api.AddMynaApi();
        var app = api.Build();
        app.UseMynaApi();
        await app.StartAsync();
        _api = app;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = 512,
        })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(90),
        };
        await WaitReadyAsync();
    }

    /// <summary>A bearer token for a role and scope, minted with the API's own issuer.</summary>
    public AuthenticationHeaderValue Token(string role, IReadOnlyDictionary<string, string>? scope = null)
    {
        var issuer = _api!.Services.GetRequiredService<TokenIssuer>();
        var (token, _) = issuer.Issue(role + "-bench", role, scope, TimeSpan.FromHours(2));
        return new AuthenticationHeaderValue("Bearer", token);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_api is not null)
        {
            await _api.StopAsync();
            await _api.DisposeAsync();
        }
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            await silo.StopAsync();
            silo.Dispose();
        }
        await Task.WhenAll(_processes.Select(p => p.StopAsync()));
    }

    private async Task WaitReadyAsync()
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("The API did not become ready within 60 s.");
    }

    private static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("MYNA_BENCH_LOG"), out var level) ? level : LogLevel.Error);
    }
}

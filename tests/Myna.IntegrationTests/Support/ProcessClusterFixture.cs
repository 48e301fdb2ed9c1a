using System.Globalization;
using System.Net.Http.Headers;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Myna.Api.Auth;
using Myna.EventStore.Configuration;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// A real cluster of silo PROCESSES (the Release/Debug build of silo/Myna.Silo) on free ports, with Azure
/// Table clustering, and the API in this process (WebApplicationFactory) connected through their gateways.
/// It owns its PostgreSQL server and its Azurite (started with deploy/local/*.sh on free ports and private
/// data directories) so that the failure tests can stop and start them without touching the stores other
/// tests use. Every process it starts is stopped by PID in <see cref="DisposeAsync"/>, even after a failure.
/// </summary>
public sealed class ProcessClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;
    public const int SnapshotEvery = 3;
    private const string Database = "myna_cluster";

    private readonly string _work = Path.Combine(Path.GetTempPath(), "myna-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string> _storeEnv;
    private readonly SiloProcess?[] _silos = new SiloProcess?[SiloCount];
    private ClusterApiFactory? _api;

    public ProcessClusterFixture()
    {
        PgPort = Loopback.FreePort();
        var blob = Loopback.FreePort();
        _storeEnv = new Dictionary<string, string>
        {
            ["MYNA_STATE_DIR"] = Path.Combine(_work, "state"),
            ["MYNA_PG_PORT"] = PgPort.ToString(CultureInfo.InvariantCulture),
            // Under /var/tmp: the postgres OS user must be able to reach it.
            ["MYNA_PG_DATA"] = Path.Combine("/var/tmp", Path.GetFileName(_work), "pgdata"),
            ["MYNA_AZURITE_DIR"] = Path.Combine(_work, "azurite"),
        };
        Postgres = $"Host=127.0.0.1;Port={PgPort};Username=myna;Password=myna;Database={Database}";
        AzureStorage = AssignAzuritePorts(blob);
    }

    /// <summary>Free ports for the three Azurite services, and the connection string to them.</summary>
    private string AssignAzuritePorts(int? blob = null)
    {
        _storeEnv["MYNA_AZURITE_BLOB_PORT"] = (blob ?? Loopback.FreePort()).ToString(CultureInfo.InvariantCulture);
        _storeEnv["MYNA_AZURITE_QUEUE_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        _storeEnv["MYNA_AZURITE_TABLE_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{_storeEnv["MYNA_AZURITE_BLOB_PORT"]}/devstoreaccount1;"
            + $"QueueEndpoint=http://127.0.0.1:{_storeEnv["MYNA_AZURITE_QUEUE_PORT"]}/devstoreaccount1;"
            + $"TableEndpoint=http://127.0.0.1:{_storeEnv["MYNA_AZURITE_TABLE_PORT"]}/devstoreaccount1;";
    }

    public int PgPort { get; }
    public string Postgres { get; }
    public string AzureStorage { get; private set; }
    public string ClusterId { get; } = "proc-" + Guid.NewGuid().ToString("N")[..8];
    public string LogDirectory => Path.Combine(_work, "logs");

    public WebApplicationFactory<Program> Api => _api ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>Everything the API host logged, at every level.</summary>
    public CapturingLoggerProvider ApiLogs { get; } = new();

    public IClusterClient Grains => Api.Services.GetRequiredService<IClusterClient>();

    public SiloProcess Silo(int index) => _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(LogDirectory);
        try
        {
            await StartPostgresAsync();
            await RunScriptAsync("deploy/local/postgres.sh", "createdb", Database);
            // A free port picked here can be taken by another process before Azurite binds it: then pick again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await RunScriptAsync("deploy/local/azurite.sh", "start");
                    break;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    await RunScriptAsync("deploy/local/azurite.sh", "stop");
                    AzureStorage = AssignAzuritePorts();
                }
            }
            // One schema migration before three silos would race to make it.
            var options = new StoreOptions();
            MartenSetup.Configure(options, new EventStoreOptions { ConnectionString = Postgres, Schema = TestInfrastructure.Schema, NumberKey = TestInfrastructure.NumberKey }, TestInfrastructure.NewPersonalDataProtection(AzureStorage));
            await using (var store = new DocumentStore(options))
            {
                await SchemaMigration.ApplyAsync(store); // the deploy-time migration step
            }

            await Task.WhenAll(Enumerable.Range(0, SiloCount).Select(StartSiloAsync));
            _api = new ClusterApiFactory(this);
            _ = _api.Server;
            await WaitForActiveSilosAsync(SiloCount);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task StartPostgresAsync() => RunScriptAsync("deploy/local/postgres.sh", "start");

    /// <summary>Fast shutdown: open connections are cut, as when the server dies.</summary>
    public Task StopPostgresAsync() => RunScriptAsync("deploy/local/postgres.sh", "stop");

    public Task StartAzuriteAsync() => RunScriptAsync("deploy/local/azurite.sh", "start");

    public Task StopAzuriteAsync() => RunScriptAsync("deploy/local/azurite.sh", "stop");

    /// <summary>Starts silo <paramref name="index"/> (again) on its own ports and waits until its /health is 200.</summary>
    public async Task StartSiloAsync(int index)
    {
        var silo = SiloProcess.Start(index, SiloSettings(), Path.Combine(LogDirectory, $"silo-{index}-{DateTime.UtcNow:HHmmssfff}.log"), appendLog: true);
        _silos[index] = silo;
        await silo.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>A silo's configuration: this fixture's stores, ports of its own (new ones on each start).</summary>
    private Dictionary<string, string?> SiloSettings() => new()
    {
        ["ConnectionStrings:Postgres"] = Postgres,
        ["ConnectionStrings:AzureStorage"] = AzureStorage,
        ["EventStore:Schema"] = TestInfrastructure.Schema,
        ["EventStore:NumberKey"] = TestInfrastructure.NumberKey,
        ["EventStore:AgencyCodeKey"] = TestInfrastructure.AgencyCodeKey,
        ["Challenges:Key"] = TestInfrastructure.ChallengeKey,
        ["PersonalData:KeyEncryptionKey"] = TestInfrastructure.KeyEncryptionKey,
        ["PersonalData:KeyEncryptionKeyVersion"] = TestInfrastructure.KeyEncryptionKeyVersion,
        ["PersonalData:PreviousKeyEncryptionKeys:local-1"] = new Myna.EventStore.Privacy.PersonalDataOptions().KeyEncryptionKey,
        ["Snapshots:Every"] = SnapshotEvery.ToString(CultureInfo.InvariantCulture),
        ["Cluster:Clustering"] = "AzureTable",
        ["Cluster:ClusterId"] = ClusterId,
        ["Cluster:ServiceId"] = "myna-failure-tests",
        ["Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
        // Detect a killed silo in seconds rather than the production default (tens of seconds).
        ["Cluster:Membership:ProbeTimeout"] = "00:00:01",
        ["Cluster:Membership:NumMissedProbesLimit"] = "2",
        ["Cluster:Membership:IAmAliveTablePublishTimeout"] = "00:00:10",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        // Everything Myna logs, down to Debug, so that the log privacy test sees it all.
        ["Logging:LogLevel:Myna"] = "Debug",
        ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
    };

    /// <summary>Waits (bounded) until the membership table lists this many Active silos.</summary>
    /// <summary>One silo's row in the membership table.</summary>
    public sealed record MembershipRow(int Port, long Generation, string Status, int Suspicions);

    /// <summary>
    /// The membership table as Azure Storage holds it, read straight from the table: no silo is asked, so
    /// the answer does not depend on which silo the test just stopped.
    /// </summary>
    public async Task<IReadOnlyList<MembershipRow>> ReadMembershipAsync()
    {
        var table = new Azure.Data.Tables.TableClient(AzureStorage, "OrleansSiloInstances");
        var rows = new List<MembershipRow>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == ClusterId))
        {
            if (row.GetString("Port") is not { } port || row.GetString("Generation") is not { } generation)
            {
                continue; // the table's version row
            }
            rows.Add(new MembershipRow(
                int.Parse(port, CultureInfo.InvariantCulture),
                long.Parse(generation, CultureInfo.InvariantCulture),
                row.GetString("Status") ?? string.Empty,
                (row.GetString("SuspectingSilos") ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries).Length));
        }
        return rows;
    }

    public async Task WaitForActiveSilosAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        var active = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                active = (await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;
                if (active == count)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // A silo just died: ask again.
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"{active} active silos, expected {count}; logs in {LogDirectory}");
    }

    public HttpClient Client(string role, IReadOnlyDictionary<string, string>? scope = null, string? subject = null)
    {
        var client = Api.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        var (token, _) = Api.Services.GetRequiredService<TokenIssuer>().Issue(subject ?? role + "-" + Guid.NewGuid().ToString("N")[..6], role, scope, TimeSpan.FromHours(1));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Clerk(string subject) =>
        Client(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" }, subject);

    /// <summary>Everything this fixture's silos and API logged so far (the silos' stdout and stderr).</summary>
    public string ReadSiloLogs() =>
        string.Concat(Directory.GetFiles(LogDirectory, "*.log").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
            _api = null;
        }
        foreach (var silo in _silos)
        {
            silo?.Kill();
        }
        await IgnoreFailureAsync(() => RunScriptAsync("deploy/local/azurite.sh", "stop"));
        await IgnoreFailureAsync(() => RunScriptAsync("deploy/local/postgres.sh", "stop"));
        foreach (var dir in new[] { _work, Path.GetDirectoryName(_storeEnv["MYNA_PG_DATA"])! })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean up; never fails a test run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task IgnoreFailureAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (InvalidOperationException)
        {
        }
    }

    private Task RunScriptAsync(string script, params string[] args) =>
        RepoScripts.RunAsync(script, _storeEnv, TimeSpan.FromSeconds(120), args);

    private sealed class ClusterApiFactory(ProcessClusterFixture cluster) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:AzureStorage", cluster.AzureStorage);
            builder.UseSetting("Cluster:Clustering", "AzureTable");
            builder.UseSetting("Cluster:ClusterId", cluster.ClusterId);
            builder.UseSetting("Cluster:ServiceId", "myna-failure-tests");
            // A call that hangs on a store outage comes back as 503 within seconds, not Orleans' default 30 s.
            builder.UseSetting("Cluster:Messaging:ResponseTimeout", "00:00:05");
            builder.UseSetting("Auth:SigningKey", ApiFixture.SigningKey);
            builder.UseSetting("Auth:DevTokens", "true");
            builder.ConfigureLogging(logging => logging
                .AddProvider(cluster.ApiLogs)
                .AddFilter<CapturingLoggerProvider>(null, LogLevel.Information)
                .AddFilter<CapturingLoggerProvider>("Myna", LogLevel.Debug)
                .AddFilter<CapturingLoggerProvider>("Microsoft.AspNetCore", LogLevel.Debug));
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection : ICollectionFixture<ProcessClusterFixture>
{
    public const string Name = "process-cluster";
}

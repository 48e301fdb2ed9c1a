using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.EventStore.Integrity;
using Myna.EventStore.Numbers;
using Myna.EventStore.Privacy;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Api;
using Myna.IntegrationTests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Myna.IntegrationTests.Recovery;

/// <summary>
/// The disaster drill of invariant 23, on a PostgreSQL server of its own (started by deploy/local/postgres.sh with WAL
/// archiving), the shared Azurite (a key table and containers of its own), a silo host as Myna.Silo composes it and the
/// API: load, back up (deploy/backup.sh), keep writing, destroy the data directory, restore to a point before the last
/// writes (deploy/restore.sh --to … --storage), reconcile and start again.
/// </summary>
[Collection(RestoreDrillCollection.Name)]
public sealed class RestoreDrillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Database = "myna_drill";
    private const string Municipality = "131016";

    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly TestClock _clock = new();
    private readonly Dictionary<string, string> _env = new();
    private string _work = string.Empty;
    private string _postgres = string.Empty;
    private IHost? _silo;
    private ApiFixture.ApiFactory? _api;
    private string _clusterId = string.Empty;

    private string KeyTable => "drillkeys" + _id;

    public async Task InitializeAsync()
    {
        _work = Path.Combine("/var/tmp", "myna-drill-" + _id);
        var port = Loopback.FreePort();
        _postgres = $"Host=127.0.0.1;Port={port};Username=myna;Password=myna;Database={Database}";
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["MYNA_STATE_DIR"] = Path.Combine(_work, "state"),
            ["MYNA_PG_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["MYNA_PG_DATA"] = Path.Combine(_work, "pgdata"),
            ["MYNA_PG_ARCHIVE"] = "on",
            ["MYNA_PG_ARCHIVE_TIMEOUT"] = "1",
            ["MYNA_PG_WAL_ARCHIVE"] = Path.Combine(_work, "wal-archive"),
            ["MYNA_BACKUP_DIR"] = Path.Combine(_work, "backups"),
            ["MYNA_DB"] = Database,
            ["MYNA_SILO_DIR"] = RepoPaths.SiloDirectory,
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Postgres"] = _postgres,
            ["ConnectionStrings__AzureStorage"] = TestInfrastructure.AzureStorage,
            ["EventStore__Schema"] = TestInfrastructure.Schema,
            ["EventStore__NumberKey"] = TestInfrastructure.NumberKey,
            [$"PersonalData__PreviousKeyEncryptionKeys__{TestInfrastructure.KeyEncryptionKeyVersion}"] = TestInfrastructure.KeyEncryptionKey,
        })
        {
            _env[key] = value;
        }
        foreach (var (key, value) in Overrides())
        {
            _env[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }
        await Script("deploy/local/postgres.sh", "start");
        await Script("deploy/local/postgres.sh", "createdb", Database);
    }

    /// <summary>What this drill's silo host and tools see instead of the shared test stores.</summary>
    private Dictionary<string, string?> Overrides() => new()
    {
        ["ConnectionStrings:Postgres"] = _postgres,
        ["PersonalData:KeyTable"] = KeyTable,
        ["Journal:Container"] = $"drill-{_id}-journal",
        ["Integrity:CheckpointContainer"] = $"drill-{_id}-integrity",
        ["Snapshots:Every"] = "3",
        ["Cluster:RemindersTable"] = "drillreminders" + _id,
    };

    public async Task DisposeAsync()
    {
        await StopSystemAsync();
        try
        {
            await Script("deploy/local/postgres.sh", "stop");
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task A_restore_to_before_the_last_writes_keeps_numbers_reserved_erasures_erased_and_names_what_was_lost()
    {
        await StartSystemAsync();
        var clerk = Client(Roles.Municipality);

        // 1. Load: persons with numbers, a suspended card, an erased person, a person with a snapshot.
        var before = new List<(string Id, string Number)>();
        for (var i = 0; i < 4; i++)
        {
            before.Add(await RegisterWithNumberAsync(clerk, $"訓練 前{i}"));
        }
        var card = await SuspendedCardAsync(clerk, before[0].Id);
        var erasedBeforeBackup = (await RegisterWithNumberAsync(clerk, "訓練 消去前")).Id;
        await EraseAsync(clerk, erasedBeforeBackup);
        var erasedAfterBackup = (await RegisterWithNumberAsync(clerk, "訓練 消去後")).Id;
        await CloseAsync(clerk, erasedAfterBackup);
        var snapshotted = (await RegisterWithNumberAsync(clerk, "訓練 写真")).Id;
        await MoveAsync(clerk, snapshotted, "東京都千代田区丸の内一丁目");

        // 2. Back up.
        var backup = await Script("deploy/backup.sh");
        output.WriteLine("backup: " + backup.StandardOutput.Trim());

        // 3. Keep writing: some before the restore point, then the point, then more.
        var acceptedBeforePoint = new List<(string Id, string Number)>();
        for (var i = 0; i < 3; i++)
        {
            acceptedBeforePoint.Add(await RegisterWithNumberAsync(clerk, $"訓練 中{i}"));
        }
        var pointVersions = await StreamVersionsAsync();
        var restorePoint = await RestorePointAsync();
        var lostPersons = new List<(string Id, string Number)>();
        for (var i = 0; i < 3; i++)
        {
            lostPersons.Add(await RegisterWithNumberAsync(clerk, $"訓練 後{i}"));
        }
        for (var i = 0; i < 3; i++)
        {
            await MoveAsync(clerk, snapshotted, $"東京都港区芝公園{i + 1}丁目");
        }
        await EraseAsync(clerk, erasedAfterBackup, closeFirst: false);
        await _silo!.Services.GetRequiredService<CheckpointWriter>().WriteAsync();
        var checkpointVersions = await StreamVersionsAsync();
        var archiveLag = await ArchiveLagAsync();
        await StopSystemAsync();

        // 4. Destroy the data directory, and lose the key table's tombstone of the person erased after the backup
        //    (as if the table had been restored from the export, which still held the live key).
        await Script("deploy/local/postgres.sh", "stop");
        Directory.Delete(_env["MYNA_PG_DATA"], recursive: true);
        var keys = new TableServiceClient(TestInfrastructure.AzureStorage).GetTableClient(KeyTable);
        var erasedGuid = Guid.Parse(erasedAfterBackup);
        await keys.DeleteEntityAsync(AzureTablePersonalDataKeyStore.Partition(erasedGuid), erasedGuid.ToString("N"));

        // 5. Restore to the point, with the Azure Storage export.
        var watch = Stopwatch.StartNew();
        var restored = await Script("deploy/restore.sh", "--to", restorePoint.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), "--storage");
        watch.Stop();
        var report = JsonDocument.Parse(restored.StandardOutput).RootElement;
        output.WriteLine(restored.StandardError.Split('\n').LastOrDefault(l => l.Contains("timings", StringComparison.Ordinal)) ?? "");
        var events = await ScalarAsync("select count(*) from myna.mt_events");
        output.WriteLine($"drill: RPO (WAL archived behind the last write) {archiveLag.TotalSeconds:0.0} s; RTO {watch.Elapsed.TotalSeconds:0.0} s for {events} events");

        // The journal put back the reservations the restore lost, and destroyed the revived key again.
        var run = report.GetProperty("reconciliation").GetProperty("run");
        Assert.Equal(lostPersons.Count, run.GetProperty("reservationsRestored").GetInt32());
        Assert.Equal(0, run.GetProperty("reservationConflicts").GetInt32());
        Assert.Equal(1, run.GetProperty("keysDestroyedAgain").GetInt32());
        Assert.Equal(lostPersons.Select(p => p.Id).Order(), report.GetProperty("reconciliation").GetProperty("personsWithRestoredReservations")
            .EnumerateArray().Select(p => p.GetString()!).Order());

        // The chains verify, and the losses are named exactly: every stream the checkpoint saw beyond the point.
        Assert.True(report.GetProperty("consistent").GetBoolean(), report.GetProperty("damaged").GetRawText());
        var expectedLost = checkpointVersions.Where(s => s.Value > pointVersions.GetValueOrDefault(s.Key))
            .Select(s => $"{s.Key}:{pointVersions.GetValueOrDefault(s.Key) + 1}-{s.Value}").Order().ToList();
        var reportedLost = report.GetProperty("lost").EnumerateArray()
            .Select(l => $"{l.GetProperty("streamKey").GetString()}:{l.GetProperty("lostFrom").GetInt64()}-{l.GetProperty("lostThrough").GetInt64()}").Order().ToList();
        Assert.Equal(expectedLost, reportedLost);
        Assert.Contains(reportedLost, l => l.StartsWith($"person-{snapshotted}:", StringComparison.Ordinal));

        // 6. Reconcile and start: the silo runs the reconciliation again before it takes commands.
        await StartSystemAsync();
        Assert.Equal(pointVersions.GetValueOrDefault($"recovery-forward-journal") + 2, await StreamVersionAsync("recovery-forward-journal"));
        clerk = Client(Roles.Municipality);

        // Every command accepted before the point is there.
        foreach (var (id, number) in before.Concat(acceptedBeforePoint))
        {
            var person = await (await clerk.GetAsync($"/v1/persons/{id}")).Json();
            Assert.Equal(number, person.Str("individualNumber"));
        }
        Assert.Equal("suspended", (await (await clerk.GetAsync(card)).Json()).Str("status"));
        // What came after it is gone…
        foreach (var (id, _) in lostPersons)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await clerk.GetAsync($"/v1/persons/{id}")).StatusCode);
        }
        // …but its numbers stay reserved to their persons, and new assignments never get one of them.
        var registry = _silo!.Services.GetRequiredService<INumberRegistry>();
        foreach (var (id, number) in lostPersons)
        {
            Assert.Equal(Guid.Parse(id), (await registry.FindAsync(IndividualNumber.Parse(number)))?.Value);
        }
        var after = new List<(string Id, string Number)>();
        for (var i = 0; i < 5; i++)
        {
            after.Add(await RegisterWithNumberAsync(clerk, $"訓練 復旧後{i}"));
        }
        var everyNumber = before.Concat(acceptedBeforePoint).Concat(lostPersons).Concat(after).Select(p => p.Number).ToList();
        Assert.Equal(everyNumber.Count, everyNumber.Distinct(StringComparer.Ordinal).Count());

        // Both erased persons stay erased: their keys are tombstones, their data reads as erased.
        var keyStore = _silo.Services.GetRequiredService<AzureTablePersonalDataKeyStore>();
        Assert.True((await keyStore.FindAsync(Guid.Parse(erasedBeforeBackup)))!.Erased);
        Assert.True((await keyStore.FindAsync(erasedGuid))!.Erased);
        Assert.Equal("[erased]", (await (await clerk.GetAsync($"/v1/persons/{erasedAfterBackup}")).Json()).Str("name"));

        // The snapshot written after the point is newer than the restored stream: detected and ignored.
        var info = await _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IPersonGrain>(Guid.Parse(snapshotted)).GetStreamInfo();
        Assert.Equal(pointVersions[$"person-{snapshotted}"], info.Version);
        Assert.Equal("snapshot does not match the stream", info.SnapshotFallbackReason);
        Assert.Equal("東京都千代田区丸の内一丁目", (await (await clerk.GetAsync($"/v1/persons/{snapshotted}")).Json()).Str("address"));
    }

    private async Task StartSystemAsync()
    {
        _clusterId = "drill-" + Guid.NewGuid().ToString("N")[..8];
        _silo = ApiFixture.BuildSilo(_clusterId, _clock, Overrides());
        await _silo.StartAsync();
        _api = new ApiFixture.ApiFactory(_clusterId);
        _ = _api.Server;
    }

    private async Task StopSystemAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
            _api = null;
        }
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
            _silo = null;
        }
    }

    private HttpClient Client(string role) => ApiFixture.ClientFor(_api!, role,
        role == Roles.Municipality ? new Dictionary<string, string> { [MynaClaims.Municipality] = Municipality } : null);

    private static async Task<(string Id, string Number)> RegisterWithNumberAsync(HttpClient clerk, string name)
    {
        var registered = await clerk.PostJson("/v1/persons", new { name, address = "東京都千代田区永田町一丁目", dateOfBirth = "1980-04-01", sex = "female", reason = "birth" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Json()).Str("id");
        var numbered = await clerk.PostJson($"/v1/persons/{id}/individual-number", new { });
        Assert.Equal(HttpStatusCode.OK, numbered.StatusCode);
        return (id, (await numbered.Json()).Str("individualNumber"));
    }

    private static async Task MoveAsync(HttpClient clerk, string id, string address) =>
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = address, movedOn = "2026-10-01" })).StatusCode);

    private static async Task CloseAsync(HttpClient clerk, string id) =>
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/closure", new { reason = "death", effectiveOn = "2026-11-20" })).StatusCode);

    /// <summary>A closed record erased once its retention has ended: the silo's clock moved past it, two clerks.</summary>
    private async Task EraseAsync(HttpClient clerk, string id, bool closeFirst = true)
    {
        if (closeFirst)
        {
            await CloseAsync(clerk, id);
        }
        try
        {
            _clock.Offset = TimeSpan.FromDays(366 * 151);
            Assert.Equal(HttpStatusCode.Accepted, (await clerk.PostJson($"/v1/persons/{id}/personal-data-erasure", new { legalBasis = "住民基本台帳法施行令第34条" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Client(Roles.Municipality).PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { })).StatusCode);
        }
        finally
        {
            _clock.Offset = TimeSpan.Zero;
        }
    }

    /// <summary>A card taken to active at the counter, then suspended by the call centre (reported lost).</summary>
    private async Task<string> SuspendedCardAsync(HttpClient clerk, string personId)
    {
        using var chip = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);
        var applied = await clerk.PostJson("/v1/cards", new { personId, channel = "photo-booth" });
        var card = applied.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await Client(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "2026-12-D" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"{card}/ready-for-pickup", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CounterProofs.HandOver(clerk, card, chip)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(Roles.CallCentre).PostJson($"{card}/suspension", new { reason = "lost" })).StatusCode);
        return card;
    }

    /// <summary>
    /// A restore point strictly between the writes before it and those after it: the next whole second after the last
    /// commit, with the database's clock (the one its commit records carry) past it before anything else is written.
    /// </summary>
    private async Task<DateTimeOffset> RestorePointAsync()
    {
        var now = DateTimeOffset.Parse((await ScalarAsync("select to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"))!, CultureInfo.InvariantCulture);
        var point = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(1);
        while (DateTimeOffset.Parse((await ScalarAsync("select to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"))!, CultureInfo.InvariantCulture) < point.AddMilliseconds(200))
        {
            await Task.Delay(100);
        }
        return point;
    }

    /// <summary>How far the WAL archive is behind the last write: waits (bounded) until it has caught up, and says how long that took.</summary>
    private async Task<TimeSpan> ArchiveLagAsync()
    {
        var lastWrite = await ScalarAsync("select pg_walfile_name(pg_current_wal_lsn())");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var archived = await ScalarAsync("select coalesce(last_archived_wal, '') from pg_stat_archiver");
            if (string.CompareOrdinal(archived, lastWrite) >= 0)
            {
                return watch.Elapsed;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The WAL segment {lastWrite} was not archived within 60 s.");
    }

    private async Task<Dictionary<string, long>> StreamVersionsAsync()
    {
        // Unpooled: the server is stopped and restored under the test's feet.
        await using var connection = new NpgsqlConnection(_postgres + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select id, version from myna.mt_streams", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }
        return versions;
    }

    private async Task<long> StreamVersionAsync(string stream) => (await StreamVersionsAsync()).GetValueOrDefault(stream);

    private async Task<string?> ScalarAsync(string sql)
    {
        // Unpooled: the server is stopped and restored under the test's feet.
        await using var connection = new NpgsqlConnection(_postgres + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private Task<RepoScripts.Output> Script(string script, params string[] args) =>
        RepoScripts.RunAsync(script, _env, TimeSpan.FromMinutes(5), args);
}

[CollectionDefinition(Name)]
public sealed class RestoreDrillCollection
{
    public const string Name = "restore drill";
}

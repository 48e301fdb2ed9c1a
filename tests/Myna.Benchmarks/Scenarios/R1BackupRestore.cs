using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marten;
using Myna.Benchmarks.Harness;
using Myna.TestSupport;
using Npgsql;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// R1 (issue 20): backup and restore on a PostgreSQL server of its own with WAL archiving, driven by the project's own
/// scripts. Loads persons with numbers through the API, runs deploy/backup.sh, writes a tenth more, measures how far
/// the WAL archive lags the last write (RPO), destroys the data directory and runs deploy/restore.sh (RTO: recovery,
/// reconciliation, chain verification), then extrapolates each part's rate to the national register.
/// </summary>
public static class R1BackupRestore
{
    private const long NationalPersons = 124_300_000;
    private const int NationalEventsPerPerson = 10;
    /// <summary>Events a national day writes: ~8–9 million clinic checks (each a ledger event) and the rest, rounded up.</summary>
    private const double NationalEventsPerDay = 10_000_000;
    private const long WalSegmentBytes = 16 * 1024 * 1024;

    public static async Task RunAsync(BenchContext ctx)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var work = Path.Combine("/var/tmp", "myna-bench-restore-" + id);
        var port = Loopback.FreePort();
        var postgres = $"Host=127.0.0.1;Port={port};Username=myna;Password=myna;Database=myna_restore";
        var env = new Dictionary<string, string>
        {
            ["MYNA_STATE_DIR"] = Path.Combine(work, "state"),
            ["MYNA_PG_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["MYNA_PG_DATA"] = Path.Combine(work, "pgdata"),
            ["MYNA_PG_ARCHIVE"] = "on",
            ["MYNA_PG_ARCHIVE_TIMEOUT"] = "5",
            ["MYNA_PG_WAL_ARCHIVE"] = Path.Combine(work, "wal-archive"),
            ["MYNA_BACKUP_DIR"] = Path.Combine(work, "backups"),
            ["MYNA_DB"] = "myna_restore",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__AzureStorage"] = ctx.Stores.AzureStorage,
            ["EventStore__Schema"] = BenchStores.Schema,
            ["EventStore__NumberKey"] = BenchStores.NumberKey,
            ["EventStore__AgencyCodeKey"] = BenchStores.NumberKey + "-agency-codes",
            ["Challenges__Key"] = BenchStores.NumberKey + "-challenges",
            ["PersonalData__KeyEncryptionKey"] = BenchStores.KeyEncryptionKey,
            ["PersonalData__KeyEncryptionKeyVersion"] = BenchStores.PersonalData.KeyEncryptionKeyVersion,
            ["Journal__Container"] = $"bench-{id}-journal",
            ["Integrity__CheckpointContainer"] = $"bench-{id}-integrity",
            ["Cluster__RemindersTable"] = "benchreminders" + id,
        };
        var overrides = env.Where(e => e.Key.Contains("__", StringComparison.Ordinal) && !e.Key.StartsWith("ConnectionStrings__AzureStorage", StringComparison.Ordinal))
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        var persons = ctx.Sizes.Quick ? 2_000 : 30_000;
        try
        {
            await Script(env, "deploy/local/postgres.sh", "start");
            await Script(env, "deploy/local/postgres.sh", "createdb", "myna_restore");
            var stores = new BenchStores(postgres, ctx.Stores.AzureStorage);
            await using (var schema = stores.CreateStore())
            {
                await schema.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            }
            TimeSpan archiveLag;
            DateTime backedUpAt;
            long eventsAtBackup;
            await using (var deployment = await Deployment.StartAsync(stores, siloCount: 1, overrides: overrides))
            {
                await RegisterAsync(deployment, persons, "R1 before the backup");
                await Script(env, "deploy/backup.sh");
                backedUpAt = DateTime.UtcNow;
                eventsAtBackup = long.Parse(await ScalarAsync(postgres, "select count(*) from myna.mt_events"), CultureInfo.InvariantCulture);
                await RegisterAsync(deployment, persons / 10, "R1 after the backup");
                archiveLag = await ArchiveLagAsync(postgres);
            }
            var events = long.Parse(await ScalarAsync(postgres, "select count(*) from myna.mt_events"), CultureInfo.InvariantCulture);
            var databaseBytes = long.Parse(await ScalarAsync(postgres, "select pg_database_size('myna_restore')"), CultureInfo.InvariantCulture);

            await Script(env, "deploy/local/postgres.sh", "stop");
            Directory.Delete(env["MYNA_PG_DATA"], recursive: true);
            var watch = Stopwatch.StartNew();
            var restored = await Script(env, "deploy/restore.sh");
            var total = watch.Elapsed.TotalSeconds;
            var report = JsonDocument.Parse(restored.StandardOutput).RootElement;
            var reconcile = report.GetProperty("reconciliationSeconds").GetDouble();
            var verify = report.GetProperty("verificationSeconds").GetDouble();
            var journalled = report.GetProperty("reconciliation").GetProperty("run").GetProperty("reservationsRead").GetInt32();
            var recovered = long.Parse(await ScalarAsync(postgres, "select count(*) from myna.mt_events"), CultureInfo.InvariantCulture);
            var timings = restored.StandardError.Split('\n').Last(l => l.Contains("timings", StringComparison.Ordinal));
            var copy = Seconds(timings, "copy");
            var recovery = Seconds(timings, "recovery");
            var walBytes = Directory.EnumerateFiles(env["MYNA_PG_WAL_ARCHIVE"], "*.gz").Count(f => File.GetLastWriteTimeUtc(f) > backedUpAt) * WalSegmentBytes;
            var walPerEvent = (double)walBytes / Math.Max(1, events - eventsAtBackup);

            var verifyRate = recovered / verify;
            var bytesPerEvent = (double)databaseBytes / events;
            var nationalEvents = NationalPersons * NationalEventsPerPerson;
            ctx.Report.Add(new Figure("R1", "RPO: WAL archive behind the last write (archive_timeout 5 s here, 60 s default)", "s", [archiveLag.TotalSeconds], null, null));
            ctx.Report.Add(new Figure("R1", $"RTO: deploy/restore.sh for {recovered:N0} events ({databaseBytes / 1e6:0} MB)", "s", [total], null, null));
            ctx.Report.Section("R1 backup and restore (issue 20)",
                $"A PostgreSQL server of its own with WAL archiving (`deploy/local/postgres.sh`, archive_timeout 5 s), one silo and the API: {persons:N0} persons with numbers "
                + $"through the bulk endpoint, `deploy/backup.sh`, {persons / 10:N0} more, then the data directory deleted and `deploy/restore.sh` (to the end of the archive).",
                string.Empty,
                "| part | measured | rate | national register (124.3 M persons × 10 events) |",
                "|---|---|---|---|",
                Row($"base backup copied into place ({databaseBytes / 1e6:0} MB database)", copy, $"{databaseBytes / 1e6 / copy:0} MB/s",
                    nationalEvents * bytesPerEvent / (databaseBytes / copy), $"{nationalEvents * bytesPerEvent / 1e12:0.0} TB"),
                Row($"WAL replayed and promoted ({walBytes / 1e6:0} MB of WAL for {events - eventsAtBackup:N0} events)", recovery, $"{walBytes / 1e6 / recovery:0} MB/s",
                    NationalEventsPerDay * walPerEvent / (walBytes / recovery), "a day of WAL after a daily base backup (10 M events)"),
                Row($"reconciliation ({journalled:N0} journal entries read)", reconcile, $"{journalled / reconcile:0} entries/s",
                    90_000.0 / (journalled / reconcile), "a day of reservations (~90,000) since the last silo start"),
                Row($"chain verification ({recovered:N0} events)", verify, $"{verifyRate:0} events/s", nationalEvents / verifyRate),
                string.Empty,
                $"RPO: the WAL archive was {archiveLag.TotalSeconds:0.0} s behind the last write; it is bounded by `archive_timeout` (60 s by default, `MYNA_PG_ARCHIVE_TIMEOUT`). "
                + "RTO for the service = copy + replay + reconciliation (the silo starts after them); the chain verification is a report and can run after the service is back. "
                + $"The national column scales each measured rate linearly ({bytesPerEvent:0} bytes per event measured here); it ignores that a larger database restores faster per byte.");
        }
        finally
        {
            try
            {
                await Script(env, "deploy/local/postgres.sh", "stop");
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        }
    }

    /// <summary>"copy 1.2 s" out of restore.sh's timings line.</summary>
    private static double Seconds(string timings, string part)
    {
        var at = timings.IndexOf(part + " ", StringComparison.Ordinal) + part.Length + 1;
        return double.Parse(timings[at..timings.IndexOf(" s", at, StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    private static string Row(string part, double seconds, string rate, double nationalSeconds, string? scale = null) =>
        string.Create(CultureInfo.InvariantCulture, $"| {part} | {seconds:0.0} s | {rate} | {Duration(nationalSeconds)}{(scale is null ? string.Empty : " for " + scale)} |");

    private static string Duration(double seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 7_200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3_600:0.0} h"),
    };

    private static async Task RegisterAsync(Deployment deployment, int persons, string what)
    {
        var clerk = deployment.Token(Myna.Api.Auth.Roles.Municipality, new Dictionary<string, string> { [Myna.Api.Auth.MynaClaims.Municipality] = "131016" });
        const int Batch = 1_000;
        var batches = (persons + Batch - 1) / Batch;
        var run = Guid.NewGuid().ToString("N")[..6];
        await Load.BatchAsync(batches, 2, async b =>
        {
            var body = Enumerable.Range(b * Batch, Math.Min(Batch, persons - b * Batch)).Select(i =>
            {
                var c = F8BulkRegistration.Command(i);
                return new { id = $"r1-{run}-{i}", name = c.Items.Name, address = c.Items.Address, dateOfBirth = c.Items.DateOfBirth, sex = c.Items.Sex, reason = c.Reason };
            }).ToArray();
            using var response = await ClinicWorld.PostAsync(deployment.Http, clerk, "/v1/persons/bulk-registrations", body);
            await ClinicWorld.JsonAsync(response);
            return true;
        }, Progress.Bar(what, batches));
    }

    /// <summary>Until the segment holding the last write is archived (bounded): how long that took is what a lost disk would lose.</summary>
    private static async Task<TimeSpan> ArchiveLagAsync(string postgres)
    {
        var segment = await ScalarAsync(postgres, "select pg_walfile_name(pg_current_wal_lsn())");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (string.CompareOrdinal(await ScalarAsync(postgres, "select coalesce(last_archived_wal, '') from pg_stat_archiver"), segment) >= 0)
            {
                return watch.Elapsed;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"WAL segment {segment} not archived within 120 s.");
    }

    private static async Task<string> ScalarAsync(string postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private sealed record Output(string StandardOutput, string StandardError);

    private static async Task<Output> Script(IReadOnlyDictionary<string, string> env, string script, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, script)) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{script} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await error}");
        }
        return new Output(await output, await error);
    }
}

using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.EventStore.Integrity;
using Myna.EventStore.Privacy;
using Myna.EventStore.Recovery;

namespace Myna.Silo.Operations;

/// <summary>
/// Runs after <see cref="DependencyCheck"/> and before Orleans starts: the silo re-applies the forward-only journal
/// (number reservations, key destructions) and records the run, or refuses to start (invariant 23). After a restore
/// this is what makes a rolled-back database safe to serve again; on an ordinary start it checks the entries written
/// since the last run and finds nothing to do.
/// </summary>
internal sealed class ForwardJournalReconciliation(ForwardJournalReconciler reconciler) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await reconciler.RunAsync(RecoveryCommands.Host, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"The forward-only journal could not be reconciled ({ex.GetType().Name}: {ex.Message}); the silo does not start until it is.", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The silo's recovery commands, run with its own configuration and without starting it:
/// <c>restore-check</c> (reconcile, verify, report what was lost: JSON on stdout; exit 3 when a chain is damaged
/// beyond the losses), <c>storage-export DIR</c> and <c>storage-import DIR</c> (Azure Storage state that nothing
/// rebuilds). deploy/backup.sh and deploy/restore.sh call them.
/// </summary>
internal static class RecoveryCommands
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "restore-check", "storage-export", "storage-import" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Names this process in the reconciliation events (no personal data).</summary>
    public static string Host => $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>How many leading arguments belong to the command (the rest configure the host).</summary>
    public static int Arity(string command) => command == "restore-check" ? 1 : 2;

    public static async Task<int> RunAsync(string[] command, IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Myna.Silo.Recovery");
        switch (command)
        {
            case ["restore-check"]:
                var report = await services.GetRequiredService<RestoreCheck>().RunAsync(Host + "/restore-check");
                Console.Out.WriteLine(JsonSerializer.Serialize(report, Json));
                if (!report.Consistent)
                {
                    logger.LogError("{Streams} streams are damaged beyond what the restore lost", report.Damaged.Count);
                    return 3;
                }
                return 0;
            case ["storage-export", var directory]:
                var manifest = await Export(services).ExportAsync(directory, Tables(services), Containers(services));
                Console.Out.WriteLine(JsonSerializer.Serialize(manifest, Json));
                return 0;
            case ["storage-import", var directory]:
                Console.Out.WriteLine(JsonSerializer.Serialize(await Export(services).ImportAsync(directory), Json));
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: Myna.Silo restore-check | storage-export DIR | storage-import DIR");
                return 2;
        }
    }

    private static StorageExport Export(IServiceProvider services)
    {
        var connection = SiloSetup.AzureStorageConnectionString(services.GetRequiredService<IConfiguration>());
        return new StorageExport(new TableServiceClient(connection), new BlobServiceClient(connection), TimeProvider.System);
    }

    /// <summary>The per-person keys (with their tombstones) and the reminders.</summary>
    private static string[] Tables(IServiceProvider services) =>
        [services.GetRequiredService<IOptions<PersonalDataOptions>>().Value.KeyTable,
         (services.GetRequiredService<IConfiguration>().GetSection(MynaSiloOptions.Section).Get<MynaSiloOptions>() ?? new MynaSiloOptions()).RemindersTable];

    /// <summary>The integrity checkpoints. The journal is not exported: it is the copy that outlives the others.</summary>
    private static string[] Containers(IServiceProvider services) =>
        [services.GetRequiredService<IOptions<IntegrityOptions>>().Value.CheckpointContainer];
}

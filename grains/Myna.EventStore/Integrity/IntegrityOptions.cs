using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Myna.EventStore.Integrity;

/// <summary>Bound from the "Integrity" section.</summary>
public sealed class IntegrityOptions
{
    public const string Section = "Integrity";

    /// <summary>How often a silo writes a checkpoint of the stream heads to blob storage.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The blob container of the checkpoints (Azure Storage, Azurite locally).</summary>
    public string CheckpointContainer { get; set; } = "myna-integrity";
}

public static class IntegrityServiceCollectionExtensions
{
    /// <summary>Sealing at append time, verification, and checkpoints in Azure blob storage.</summary>
    public static IServiceCollection AddMynaIntegrity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IntegrityOptions>().Bind(configuration.GetSection(IntegrityOptions.Section))
            .Validate(o => o.CheckpointInterval >= TimeSpan.FromSeconds(1), "Integrity:CheckpointInterval must be at least one second.")
            .ValidateOnStart();
        services.AddSingleton<ChainSealer>();
        services.AddSingleton<ICheckpointStore>(sp =>
        {
            var connection = configuration.GetConnectionString("AzureStorage");
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new OptionsValidationException("ConnectionStrings:AzureStorage", typeof(string),
                    ["ConnectionStrings:AzureStorage is not set: integrity checkpoints are written to Azure blob storage."]);
            }
            var options = sp.GetRequiredService<IOptions<IntegrityOptions>>().Value;
            return new BlobCheckpointStore(new BlobContainerClient(connection, options.CheckpointContainer));
        });
        services.AddSingleton<ChainVerifier>();
        services.AddSingleton<CheckpointWriter>();
        return services;
    }
}

/// <summary>Writes a checkpoint every <see cref="IntegrityOptions.CheckpointInterval"/> (each silo; every checkpoint is valid on its own).</summary>
public sealed class IntegrityCheckpointService(
    CheckpointWriter writer, IOptions<IntegrityOptions> options, TimeProvider clock, ILogger<IntegrityCheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var checkpoint = await writer.WriteAsync(stoppingToken);
                logger.LogInformation("Integrity checkpoint {Checkpoint}: {Streams} stream heads, root {Root}",
                    checkpoint.Id, checkpoint.Heads.Count, checkpoint.MerkleRoot);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; a missed checkpoint weakens truncation detection, it loses nothing.
                logger.LogWarning(ex, "Integrity checkpoint not written");
            }
        }
    }
}

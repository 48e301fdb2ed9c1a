using System.Net;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Myna.EventStore.Configuration;
using Myna.Grains;
using Myna.Grains.Cards;
using Myna.Observability;
using Myna.Grains.EventSourcing;
using Myna.Silo.Operations;
using Orleans.Configuration;
using Orleans.Storage;

namespace Myna.Silo;

public static class SiloSetup
{
    /// <summary>The whole silo: dependency checks, event store, Orleans with clustering, snapshots and reminders.</summary>
    public static IHostApplicationBuilder AddMynaSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(MynaSiloOptions.Section).Get<MynaSiloOptions>() ?? new MynaSiloOptions();
        Validator.ValidateOrThrow(options);

        // First hosted service: fail fast, with a readable message, if a store is missing or down.
        builder.Services.AddHostedService<DependencyCheck>();
        // Second: bring the database forward to the journal of what must not move back, or refuse to start.
        builder.Services.AddHostedService<ForwardJournalReconciliation>();
        builder.Services.AddMynaGrainServices(configuration);
        // Development creates and updates its tables as it starts; elsewhere the migration step does (README "Schema").
        if (builder.Environment.IsDevelopment() && configuration[$"{EventStoreOptions.Section}:{nameof(EventStoreOptions.UpdateSchemaOnStart)}"] is null)
        {
            builder.Services.PostConfigure<EventStoreOptions>(o => o.UpdateSchemaOnStart = true);
        }
        // Invariant 21: outside Development, no default, known or short secret.
        builder.Services.AddSingleton(SecretPolicy.Validator<EventStoreOptions>(builder.Environment,
            ("EventStore:NumberKey", o => o.NumberKey), ("EventStore:AgencyCodeKey", o => o.AgencyCodeKey)));
        builder.Services.AddSingleton(SecretPolicy.Validator<ChallengeOptions>(builder.Environment, ("Challenges:Key", o => o.Key)));
        // The key-encryption key: from Key Vault, or else a configured secret of its own.
        builder.Services.AddSingleton(SecretPolicy.Validator<Myna.EventStore.Privacy.PersonalDataOptions>(builder.Environment,
            ("PersonalData:KeyEncryptionKey", o => string.IsNullOrWhiteSpace(o.KeyVaultUri) ? o.KeyEncryptionKey : SecretPolicy.NotApplicable)));
        builder.Services.AddOptions<Myna.EventStore.Privacy.PersonalDataOptions>().ValidateOnStart();
        builder.AddMynaSiloOperations();
        builder.Services.AddHostedService<Myna.EventStore.Integrity.IntegrityCheckpointService>();
        builder.Services.AddHostedService<Myna.EventStore.Cards.ConsumedChallengePurge>();
        builder.UseOrleans(silo => silo
            .ConfigureMynaSilo(configuration, options)
            .ConfigureMynaSiloOperations(configuration, options, builder.Environment, servesHttp: builder is WebApplicationBuilder));
        return builder;
    }

    /// <summary>Orleans part of the silo; also used by the in-process test clusters.</summary>
    public static ISiloBuilder ConfigureMynaSilo(this ISiloBuilder silo, IConfiguration configuration, MynaSiloOptions options)
    {
        var azureStorage = AzureStorageConnectionString(configuration);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        // Mutual TLS between silos and on the gateway, when Cluster:Tls is enabled.
        silo.UseMynaTls(configuration);

        if (options.Clustering == ClusteringMode.AzureTable)
        {
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(azureStorage));
            if (!options.KubernetesHosting)
            {
                // In Kubernetes the pod's own IP is advertised instead (see ConfigureMynaSiloOperations).
                var advertised = AdvertisedAddress(options.AdvertisedIPAddress);
                silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            }
        }
        else
        {
            var primary = new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort ?? options.SiloPort);
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
        }

        silo.ConfigureMynaStorage(azureStorage, options.RemindersTable);
        return silo;
    }

    /// <summary>Log consistency on Marten, snapshots and reminders in Azure Storage.</summary>
    public static ISiloBuilder ConfigureMynaStorage(this ISiloBuilder silo, string azureStorage, string remindersTable = MynaSiloOptions.DefaultRemindersTable)
    {
        silo.AddAzureTableGrainStorage(SnapshotOptions.StorageName, o => o.Configure<IServiceProvider>((table, services) =>
        {
            table.TableServiceClient = new TableServiceClient(azureStorage);
            table.TableName = "MynaSnapshots";
            // JSON written by the grains layer (SnapshotSerializer), independent of the Orleans wire format.
            table.GrainStorageSerializer = new SnapshotSerializer();
        }));
        silo.UseAzureTableReminderService(o =>
        {
            o.TableServiceClient = new TableServiceClient(azureStorage);
            o.TableName = remindersTable;
        });
        return silo;
    }

    private static IPAddress AdvertisedAddress(string? setting) => setting switch
    {
        null or "" => IPAddress.Loopback,
        "auto" => Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a =>
                      a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                  ?? throw new InvalidOperationException("Cluster:AdvertisedIPAddress is auto but this host has no IPv4 address."),
        _ => IPAddress.Parse(setting),
    };

    public static string AzureStorageConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("AzureStorage") is { Length: > 0 } value
            ? value
            : throw new OptionsValidationException("ConnectionStrings:AzureStorage", typeof(string),
                ["ConnectionStrings:AzureStorage is not set: snapshots, clustering and reminders need Azure Storage (Azurite locally)."]);
}

internal static class Validator
{
    public static void ValidateOrThrow<T>(T options) where T : notnull
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(typeof(T).Name, typeof(T), results.Select(r => r.ErrorMessage ?? "invalid"));
        }
    }
}

using Azure.Data.Tables;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Myna.EventStore.Agencies;
using Myna.EventStore.Audit;
using Myna.EventStore.Cards;
using Myna.EventStore.Certificates;
using Myna.EventStore.Clinics;
using Myna.EventStore.Devices;
using Myna.EventStore.Insurance;
using Myna.EventStore.Integrity;
using Myna.EventStore.Maintenance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Privacy;
using Myna.EventStore.Streams;
using Myna.EventStore.Disasters;
using Myna.EventStore.Kiosks;
using Myna.EventStore.Procedures;
using Myna.EventStore.Recovery;

namespace Myna.EventStore.Configuration;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>Marten (one singleton document store), the stream adapter and the number registry.</summary>
    public static IServiceCollection AddMynaEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventStoreOptions>()
            .Bind(configuration.GetSection(EventStoreOptions.Section))
            .Configure(o =>
            {
                var fromConnectionStrings = configuration.GetConnectionString("Postgres");
                if (!string.IsNullOrWhiteSpace(fromConnectionStrings))
                {
                    o.ConnectionString = fromConnectionStrings;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddMarten(sp =>
        {
            // The serializer encrypts personal data with this store's key ring.
            var options = new StoreOptions();
            MartenSetup.Configure(options, sp.GetRequiredService<IOptions<EventStoreOptions>>().Value, sp.GetRequiredService<PersonalDataProtection>());
            return options;
        });

        services.AddMynaPersonalDataKeys(configuration);
        services.AddMynaForwardJournal(configuration);
        services.AddSingleton<IEventStreamStore, MartenEventStreamStore>();
        services.AddSingleton<INumberRegistry, MartenNumberRegistry>();
        services.AddSingleton<IAgencyCodeDirectory, MartenAgencyCodeDirectory>();
        services.AddSingleton<ICertificateIndex, MartenCertificateIndex>();
        services.AddSingleton<IDeviceRegistry, MartenDeviceRegistry>();
        services.AddSingleton<IChipBatchIndex, MartenChipBatchIndex>();
        services.AddSingleton<IConsumedChallengeRegistry, BatchingConsumedChallengeRegistry>();
        services.AddSingleton<IPersonMatchIndex, MartenPersonMatchIndex>();
        services.AddSingleton<IQualificationDirectory, MartenQualificationDirectory>();
        services.AddSingleton<IInstitutionDirectory, MartenInstitutionDirectory>();
        services.AddOptions<Maintenance.BackgroundOptions>().Bind(configuration.GetSection(Maintenance.BackgroundOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Maintenance.BackgroundBudget>();
        services.AddSingleton<IIndexRebuilder, MartenIndexRebuilder>();
        services.AddSingleton<IStreamPageReader, MartenStreamPageReader>();
        services.AddSingleton<IIssuedDocumentRegistry, MartenIssuedDocumentRegistry>();
        services.AddSingleton<IClinicConsentDirectory, MartenClinicConsentDirectory>();
        services.AddSingleton<IDisasterDirectory, MartenDisasterDirectory>();
        services.AddSingleton<IProcedureDirectory, MartenProcedureDirectory>();
        services.AddSingleton<BatchingEventStreamStore>();
        services.AddKeyedSingleton<IEventStreamStore>(BatchingEventStreamStore.ServiceKey, (sp, _) => sp.GetRequiredService<BatchingEventStreamStore>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMynaIntegrity(configuration);
        services.AddSingleton<IEventHistoryReader, MartenEventHistoryReader>();
        return services;
    }

    /// <summary>
    /// Per-person keys (Azure Table storage) wrapped by the key-encryption key: from Azure Key Vault when
    /// <c>PersonalData:KeyVaultUri</c> is set (the silo's Azure identity), else from configuration.
    /// </summary>
    public static IServiceCollection AddMynaPersonalDataKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersonalDataOptions>().Bind(configuration.GetSection(PersonalDataOptions.Section));
        services.TryAddSingleton<IKeyEncryptionKeys>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PersonalDataOptions>>().Value;
            if (!string.IsNullOrWhiteSpace(options.KeyVaultUri))
            {
                var client = new Azure.Security.KeyVault.Secrets.SecretClient(new Uri(options.KeyVaultUri), new Azure.Identity.DefaultAzureCredential());
                return new KeyVaultKeyEncryptionKeys(client, options.KeyVaultSecretName, sp.GetService<TimeProvider>());
            }
            return new ConfiguredKeyEncryptionKeys(options);
        });
        services.AddSingleton(sp =>
        {
            var connection = configuration.GetConnectionString("AzureStorage");
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new OptionsValidationException("ConnectionStrings:AzureStorage", typeof(string),
                    ["ConnectionStrings:AzureStorage is not set: the per-person keys of personal data are kept in Azure Table storage."]);
            }
            return new AzureTablePersonalDataKeyStore(new TableServiceClient(connection), sp.GetRequiredService<IKeyEncryptionKeys>(),
                sp.GetRequiredService<IOptions<PersonalDataOptions>>().Value.KeyTable, sp.GetRequiredService<Recovery.IForwardJournal>());
        });
        services.AddSingleton<IPersonalDataKeyStore>(sp => sp.GetRequiredService<AzureTablePersonalDataKeyStore>());
        services.AddSingleton<PersonalDataKeyRing>();
        services.AddSingleton<PersonalDataProtection>();
        services.AddSingleton(sp => new PersonalDataKeyRotation(sp.GetRequiredService<AzureTablePersonalDataKeyStore>(), sp.GetRequiredService<IKeyEncryptionKeys>(),
            sp.GetRequiredService<IOptions<PersonalDataOptions>>().Value, sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<Microsoft.Extensions.Logging.ILogger<PersonalDataKeyRotation>>()));
        return services;
    }
}

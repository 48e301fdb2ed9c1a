using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Myna.EventStore.Recovery;

/// <summary>Bound from the "Journal" section: where the forward-only journal lives.</summary>
public sealed class JournalOptions
{
    public const string Section = "Journal";

    /// <summary>The blob container (in production: an account of its own, immutability policy with protected appends).</summary>
    public string Container { get; set; } = "myna-forward-journal";
}

public static class JournalServiceCollectionExtensions
{
    /// <summary>
    /// The journal in blob storage: <c>ConnectionStrings:Journal</c> when set (production: another storage account than
    /// the keys', so losing one never loses both), else <c>ConnectionStrings:AzureStorage</c>.
    /// </summary>
    public static IServiceCollection AddMynaForwardJournal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JournalOptions>().Bind(configuration.GetSection(JournalOptions.Section));
        services.AddSingleton<IForwardJournal>(sp =>
        {
            var connection = configuration.GetConnectionString("Journal") is { Length: > 0 } own ? own : configuration.GetConnectionString("AzureStorage");
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new OptionsValidationException("ConnectionStrings:Journal", typeof(string),
                    ["Neither ConnectionStrings:Journal nor ConnectionStrings:AzureStorage is set: number reservations and key destructions are journalled in Azure blob storage."]);
            }
            var options = sp.GetRequiredService<IOptions<JournalOptions>>().Value;
            // Blobs are named by the wall clock, never by a clock a test or a replay may move.
            return new BlobForwardJournal(new BlobContainerClient(connection, options.Container), TimeProvider.System);
        });
        services.AddSingleton<ForwardJournalReconciler>();
        services.AddSingleton<RestoreCheck>();
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Myna.EventStore.Configuration;
using Myna.Grains.EventSourcing;

namespace Myna.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Everything the grains need besides Orleans itself: the event store and snapshot settings.</summary>
    public static IServiceCollection AddMynaGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMynaEventStore(configuration);
        services.AddOptions<SnapshotOptions>().Bind(configuration.GetSection(SnapshotOptions.Section));
        services.AddOptions<Myna.Domain.Persons.RecordRetention>().Bind(configuration.GetSection(Myna.Domain.Persons.RecordRetention.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Cards.ChallengeOptions>().Bind(configuration.GetSection(Cards.ChallengeOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Cards.ChallengeSealer>();
        services.AddOptions<Clinics.EligibilityOptions>().Bind(configuration.GetSection(Clinics.EligibilityOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Clinics.TerminalRegistry>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Myna.Domain.EventSourcing;
using Orleans.Serialization;

namespace Myna.Grains.EventSourcing;

/// <summary>
/// The Orleans serializer's alias of every domain event, derived from its one stored name
/// (<see cref="EventNameAttribute"/>): "person_registered_v1" travels as "myna.ev.person-registered.v1",
/// the alias these types carried as [Alias] attributes before, so snapshots written then still read.
/// </summary>
public static class EventAliases
{
    public static string Of(string eventName)
    {
        var cut = eventName.LastIndexOf("_v", StringComparison.Ordinal);
        return "myna.ev." + eventName[..cut].Replace('_', '-') + "." + eventName[(cut + 1)..];
    }

    public static IServiceCollection AddMynaEventAliases(this IServiceCollection services) =>
        services.AddSerializer(serializer => serializer.Configure(options =>
        {
            foreach (var (type, name) in EventNames.All)
            {
                options.WellKnownTypeAliases[Of(name)] = type;
            }
        }));
}

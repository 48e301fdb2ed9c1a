using System.Reflection;
using Myna.EventStore.Configuration;
using Myna.EventStore.Privacy;
using Myna.GrainInterfaces.Common;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Issue 17: no event is written with personal values in clear. Every stored event type that carries a personal
/// value names the person (<c>PersonId</c>), so the serializer puts the values under that person's key; the only
/// exception is a superseded version that is read but never written any more.
/// </summary>
public sealed class PersonalDataCoverageTests
{
    /// <summary>Read for old streams, never written: each has a successor that names the person.</summary>
    private static readonly Type[] Superseded = [typeof(Myna.Domain.Procedures.ProcedureResubmitted)];

    [Fact]
    public void Every_event_type_with_personal_values_names_its_person()
    {
        var carrying = EventCatalogue.All.Select(e => e.Type).Where(PersonalDataProtection.CarriesPersonalData).ToList();
        Assert.NotEmpty(carrying);
        var unnamed = carrying.Except(Superseded)
            .Where(t => t.GetProperty("PersonId", BindingFlags.Public | BindingFlags.Instance)?.PropertyType != typeof(PersonId))
            .Select(t => t.Name)
            .ToList();
        Assert.True(unnamed.Count == 0, "Events with personal values but no PersonId (they would be stored in clear): " + string.Join(", ", unnamed));
    }
}

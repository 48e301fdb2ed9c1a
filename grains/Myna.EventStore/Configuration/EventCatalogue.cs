using Myna.Domain.Persons;

namespace Myna.EventStore.Configuration;

/// <summary>
/// Every stored event type under its stable name. Registered at start-up so a fresh process can read
/// streams it never wrote. A name, once released, is never reused for another shape: a changed event
/// gets a new type and name (…_v2) plus an upcaster.
/// </summary>
public static class EventCatalogue
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        (typeof(PersonRegistered), "person_registered_v1"),
        (typeof(IndividualNumberAssigned), "individual_number_assigned_v1"),
        (typeof(PersonMoved), "person_moved_v1"),
    ];
}

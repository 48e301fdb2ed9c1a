using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.
// Each type's stored name is fixed in EventCatalogue, not derived from the CLR name.

public interface IPersonEvent : IDomainEvent
{
    PersonId PersonId { get; }
}

/// <summary>A municipality entered the person on its resident record (birth or move-in).</summary>
[GenerateSerializer, Immutable, Alias("myna.ev.person-registered.v1")]
public sealed record PersonRegistered(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] BasicFourItems Items,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] RegistrationReason Reason,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

/// <summary>The person's lifelong Individual Number was assigned (reserved for ever from then on).</summary>
[GenerateSerializer, Immutable, Alias("myna.ev.individual-number-assigned.v1")]
public sealed record IndividualNumberAssigned(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] IndividualNumber Number,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPersonEvent;

/// <summary>The person's address on the resident record changed (a move within or into a municipality).</summary>
[GenerateSerializer, Immutable, Alias("myna.ev.person-moved.v1")]
public sealed record PersonMoved(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string NewAddress,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] DateOnly MovedOn,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPersonEvent;

using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

[GenerateSerializer, Immutable, Alias("myna.state.person.v1")]
public sealed record PersonState : IAggregateState<PersonState, IPersonEvent>
{
    public static PersonState Initial { get; } = new();

    [Id(0)] public bool IsRegistered { get; init; }
    [Id(1)] public PersonId Id { get; init; }
    [Id(2)] public BasicFourItems? Items { get; init; }
    [Id(3)] public MunicipalityCode Municipality { get; init; }
    [Id(4)] public IndividualNumber? Number { get; init; }
    [Id(5)] public DateTimeOffset RegisteredAt { get; init; }

    public PersonState Apply(IPersonEvent @event) => @event switch
    {
        PersonRegistered e => this with
        {
            IsRegistered = true,
            Id = e.PersonId,
            Items = e.Items,
            Municipality = e.Municipality,
            RegisteredAt = e.OccurredAt,
        },
        IndividualNumberAssigned e => this with { Number = e.Number },
        PersonMoved e when Items is not null => this with
        {
            Items = Items with { Address = e.NewAddress },
            Municipality = e.Municipality,
        },
        _ => this,
    };
}

using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Cards;

/// <summary>Invariant 16 for cards: who may act on a card, given the municipality that manages its holder now.</summary>
public class CardAccessSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly MunicipalityCode Chuo = new("131024");
    private static readonly CardId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-00000000c0de"));
    private static readonly PersonId Holder = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));

    private static readonly CardState Card = AggregateState.Fold(CardState.Initial,
    [
        new CardApplied(Id, Holder, new DateOnly(1990, 4, 1), ApplicationChannel.Counter, false, false, false, 0, new DateOnly(2026, 9, 1), Now, new Actor("c", "municipality")),
    ]);

    private static CommandContext As(string role, ActorScope? scope = null, string? onBehalfOf = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor(role + "-1", role, onBehalfOf), role) { Scope = scope ?? ActorScope.None };

    private static CommandContext ClerkOf(MunicipalityCode municipality) => As(ActorRoles.Municipality, new ActorScope(Municipality: municipality.Value));

    private static CommandContext Resident(PersonId person) => As(ActorRoles.Resident, new ActorScope(PersonId: person.Value));

    [Fact]
    public void Counter_work_is_for_a_clerk_of_the_municipality_that_manages_the_holder()
    {
        Assert.Null(CardAccess.AtCounter(ClerkOf(Chiyoda), Chiyoda));
        Assert.Equal("access.other-municipality", CardAccess.AtCounter(ClerkOf(Chuo), Chiyoda)?.Code);
        Assert.Equal(ErrorKind.Forbidden, CardAccess.AtCounter(ClerkOf(Chuo), Chiyoda)?.Kind);
        Assert.Equal("access.other-municipality", CardAccess.AtCounter(As(ActorRoles.Municipality), Chiyoda)?.Code);
        Assert.Equal("access.role-not-allowed", CardAccess.AtCounter(As(ActorRoles.CallCentre), Chiyoda)?.Code);
        Assert.Equal("access.role-not-allowed", CardAccess.AtCounter(Resident(Holder), Chiyoda)?.Code);
        Assert.Null(CardAccess.AtCounter(As(ActorRoles.System), null));
    }

    [Fact]
    public void An_application_comes_from_the_managing_clerk_or_the_person_themselves()
    {
        Assert.Null(CardAccess.Application(ClerkOf(Chiyoda), Holder, Chiyoda));
        Assert.Null(CardAccess.Application(Resident(Holder), Holder, Chiyoda));
        Assert.Equal("access.other-municipality", CardAccess.Application(ClerkOf(Chuo), Holder, Chiyoda)?.Code);
        Assert.Equal("access.not-the-holder", CardAccess.Application(Resident(PersonId.New()), Holder, Chiyoda)?.Code);
    }

    [Fact]
    public void The_call_centre_suspends_any_card_a_resident_only_their_own()
    {
        Assert.Null(CardAccess.Suspension(As(ActorRoles.CallCentre), Card));
        Assert.Null(CardAccess.Suspension(Resident(Holder), Card));
        Assert.Null(CardAccess.Suspension(As(ActorRoles.Resident, new ActorScope(PersonId: Guid.NewGuid()), Holder.ToString()), Card));
        Assert.Equal("access.not-the-holder", CardAccess.Suspension(Resident(PersonId.New()), Card)?.Code);
        Assert.Equal("access.role-not-allowed", CardAccess.Suspension(ClerkOf(Chiyoda), Card)?.Code);
    }

    [Fact]
    public void Phones_are_the_holders_production_the_operators_reactions_the_systems()
    {
        Assert.Null(CardAccess.Smartphone(Resident(Holder), Card));
        Assert.Equal("access.not-the-holder", CardAccess.Smartphone(Resident(PersonId.New()), Card)?.Code);
        Assert.Equal("access.role-not-allowed", CardAccess.Smartphone(ClerkOf(Chiyoda), Card)?.Code);
        Assert.Null(CardAccess.Production(As(ActorRoles.Operator)));
        Assert.Equal("access.role-not-allowed", CardAccess.Production(ClerkOf(Chiyoda))?.Code);
        Assert.Null(CardAccess.Reaction(As(ActorRoles.System)));
        Assert.Null(CardAccess.Reaction(As(CardAccess.PersonReactions)));
        Assert.Null(CardAccess.AtCounter(As(CardAccess.PersonReactions), null));
        Assert.Equal("access.role-not-allowed", CardAccess.Reaction(ClerkOf(Chiyoda))?.Code);
        Assert.Null(CardAccess.InsuranceRegistration(As(ActorRoles.Terminal), Card));
        Assert.Null(CardAccess.InsuranceRegistration(Resident(Holder), Card));
        Assert.Equal("access.not-the-holder", CardAccess.InsuranceCancellation(Resident(PersonId.New()), Card)?.Code);
    }

    [Fact]
    public void Reading_a_card_follows_who_manages_it_and_the_call_centre_does_not_see_the_holder()
    {
        Assert.Null(CardAccess.Read(ClerkOf(Chiyoda), Card, Chiyoda));
        Assert.Equal("access.other-municipality", CardAccess.Read(ClerkOf(Chuo), Card, Chiyoda)?.Code);
        Assert.Null(CardAccess.Read(As(ActorRoles.CallCentre), Card, null));
        Assert.False(CardAccess.SeesHolder(As(ActorRoles.CallCentre)));
        Assert.True(CardAccess.SeesHolder(ClerkOf(Chiyoda)));
        Assert.Null(CardAccess.Read(Resident(Holder), Card, null));
        Assert.Equal("card.not-found", CardAccess.Read(Resident(PersonId.New()), Card, null)?.Code);
        Assert.Equal("access.role-not-allowed", CardAccess.Read(As(ActorRoles.Insurer), Card, null)?.Code);
    }
}

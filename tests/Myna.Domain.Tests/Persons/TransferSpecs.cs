using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Tests.Persons;

/// <summary>Invariant 17: a move between municipalities is a move-out by the current one and a move-in by the named destination.</summary>
public class TransferSpecs : DeciderSpec<PersonState, IPersonEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly Actor Clerk = new("clerk-7", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly MunicipalityCode Osaka = new("271004");
    private static readonly MunicipalityCode Sakai = new("271403");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly Guid Transfer = Guid.Parse("0193a5b0-0000-7000-8000-0000000000aa");
    private static readonly BasicFourItems Taro = new("山田 太郎", "東京都千代田区千代田1-1", new DateOnly(1990, 4, 1), Sex.Male);
    private const string Secret = "s3cret-part-of-the-reference";


    private static PersonRegistered Registered() => new(Id, Taro, Chiyoda, RegistrationReason.MoveIn, Now.AddDays(-10), Clerk);

    private static PersonMovedOut MovedOut(MunicipalityCode? to = null) =>
        new(Id, Transfer, Chiyoda, to ?? Osaka, Today.AddDays(3), Today.AddDays(33), Transfers.HashSecret(Secret), Now.AddDays(-1), Clerk);

    private static CommandContext ClerkOf(MunicipalityCode municipality) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Clerk, "municipality") { Scope = new ActorScope(Municipality: municipality.Value) };

    [Fact]
    public void A_move_out_names_the_destination_keeps_only_the_secrets_hash_and_leaves_the_record_where_it_is()
    {
        var decision = Transfers.MoveOut(Given(Registered()), new RecordMoveOut(Osaka, Today.AddDays(3)), Transfer, Transfers.HashSecret(Secret), Now, Clerk);

        var e = Assert.IsType<PersonMovedOut>(Assert.Single(decision.Events));
        Assert.Equal((Chiyoda, Osaka, Today.AddDays(33)), (e.From, e.Destination, e.ExpiresOn));
        Assert.DoesNotContain(Secret, e.SecretHash, StringComparison.Ordinal);
        var state = AggregateState.Fold(Given(Registered()), decision.Events);
        Assert.Equal(Chiyoda, state.Municipality);
        Assert.Equal(Taro, state.Items);
    }

    [Fact]
    public void A_move_out_needs_the_managing_municipality_or_the_resident()
    {
        var state = Given(Registered());
        Assert.Null(Transfers.AuthorizeMoveOut(state, ClerkOf(Chiyoda)));
        Assert.Null(Transfers.AuthorizeMoveOut(state, new CommandContext(Guid.NewGuid(), Guid.NewGuid(), new Actor("me", "resident"), "portal") { Scope = new ActorScope(PersonId: Id.Value) }));
        Assert.Equal("access.other-municipality", Transfers.AuthorizeMoveOut(state, ClerkOf(Osaka))?.Code);
        Assert.Equal("access.not-the-holder", Transfers.AuthorizeMoveOut(state, new CommandContext(Guid.NewGuid(), Guid.NewGuid(), new Actor("you", "resident"), "portal") { Scope = new ActorScope(PersonId: Guid.NewGuid()) })?.Code);
    }

    [Fact]
    public void A_second_move_out_a_move_out_to_itself_or_far_from_today_is_refused()
    {
        Assert.Equal("transfer.move-out-pending", Transfers.MoveOut(Given(Registered(), MovedOut()), new RecordMoveOut(Sakai, Today), Transfer, "h", Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-destination", Transfers.MoveOut(Given(Registered()), new RecordMoveOut(Chiyoda, Today), Transfer, "h", Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-planned-move-on", Transfers.MoveOut(Given(Registered()), new RecordMoveOut(Osaka, Today.AddDays(200)), Transfer, "h", Now, Clerk).Error?.Code);
    }

    [Fact]
    public void The_destination_moves_the_person_in_with_the_secret_and_takes_the_record_and_the_card()
    {
        var card = new CardId(Guid.Parse("0193a5b0-0000-7000-8000-0000000000cc"));
        var given = Given(Registered(), new ActiveCardChanged(Id, card, null, Now.AddDays(-5), Clerk), MovedOut());
        var command = new RecordMoveIn(Secret, "大阪府大阪市北区梅田1-1", Today, Osaka);

        Assert.Null(Transfers.AuthorizeMoveIn(given, ClerkOf(Osaka), command, Today));
        var decision = Transfers.MoveIn(given, command, Today, Now, Clerk);

        Assert.Collection(decision.Events, e => Assert.IsType<PersonMovedIn>(e), e => Assert.IsType<PersonMoved>(e));
        var state = AggregateState.Fold(given, decision.Events);
        Assert.Equal(Osaka, state.Municipality);
        Assert.Equal("大阪府大阪市北区梅田1-1", state.Items!.Address);
        Assert.Null(state.PendingMoveOut);
        // The card follows the existing rules: the signature certificate goes, the 90 days start.
        Assert.Contains(state.PendingCardReactions, r => r.Kind == CardReactionKind.NoteMove && r.Card == card);
    }

    [Fact]
    public void Every_wrong_move_in_is_the_same_not_found()
    {
        var open = Given(Registered(), MovedOut());
        var good = new RecordMoveIn(Secret, "大阪府", Today, Osaka);
        DomainError?[] refusals =
        [
            Transfers.AuthorizeMoveIn(open, ClerkOf(Sakai), good with { Municipality = Sakai }, Today),
            Transfers.AuthorizeMoveIn(open, ClerkOf(Osaka), good with { TransferSecret = "guessed" }, Today),
            Transfers.AuthorizeMoveIn(open, ClerkOf(Osaka), good, Today.AddDays(34)),
            Transfers.AuthorizeMoveIn(Given(Registered(), MovedOut(), new MoveOutCancelled(Id, Transfer, Now, Clerk)), ClerkOf(Osaka), good, Today),
            Transfers.AuthorizeMoveIn(Given(), ClerkOf(Osaka), good, Today),
            Transfers.AuthorizeMoveIn(Given(Registered()), ClerkOf(Osaka), good, Today),
            Transfers.AuthorizeMoveIn(open, ClerkOf(Sakai), good, Today),
        ];
        Assert.All(refusals, r => Assert.Equal(Transfers.NotFound, r));
        Assert.Equal(Transfers.NotFound, Transfers.MoveIn(open, good with { TransferSecret = "guessed" }, Today, Now, Clerk).Error);
    }

    [Fact]
    public void A_move_in_to_an_address_that_hides_what_it_holds_or_dated_before_birth_is_refused()
    {
        var open = Given(Registered(), MovedOut());

        var hidden = Transfers.MoveIn(open, new RecordMoveIn(Secret, "大阪府\u202E1-1 田梅", Today, Osaka), Today, Now, Clerk);
        var beforeBirth = Transfers.MoveIn(open, new RecordMoveIn(Secret, "大阪府大阪市北区梅田1-1", new DateOnly(1900, 1, 1), Osaka), Today, Now, Clerk);

        Assert.Equal("person.invalid-address", hidden.Error?.Code);
        Assert.Equal("person.invalid-moved-on", beforeBirth.Error?.Code);
        Assert.Empty(hidden.Events);
        Assert.Empty(beforeBirth.Events);
    }

    [Fact]
    public void A_move_out_is_cancelled_before_the_move_in_and_the_record_stays()
    {
        var decision = Transfers.CancelMoveOut(Given(Registered(), MovedOut()), Now, Clerk);
        var state = AggregateState.Fold(Given(Registered(), MovedOut()), decision.Events);

        Assert.IsType<MoveOutCancelled>(Assert.Single(decision.Events));
        Assert.Null(state.PendingMoveOut);
        Assert.Equal(Chiyoda, state.Municipality);
        Assert.Equal("transfer.no-move-out", Transfers.CancelMoveOut(Given(Registered()), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_clerk_acts_only_on_a_record_their_municipality_manages_now_retries_included()
    {
        var movedIn = Given(Registered(), MovedOut(), new PersonMovedIn(Id, Transfer, Chiyoda, Osaka, Now, Clerk),
            new PersonMoved(Id, "大阪府", Osaka, Today, Now, Clerk));

        Assert.Equal("person.other-municipality", PersonDecider.AuthorizeClerk(movedIn, ClerkOf(Chiyoda), Chiyoda)?.Code);
        Assert.Null(PersonDecider.AuthorizeClerk(movedIn, ClerkOf(Osaka), Osaka));
        // A command whose municipality is not the token's scope is refused whatever the record says.
        Assert.Equal("person.other-municipality", PersonDecider.AuthorizeClerk(movedIn, ClerkOf(Chiyoda), Osaka)?.Code);
    }
}

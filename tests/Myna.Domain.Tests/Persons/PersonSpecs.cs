using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Tests.Persons;

/// <summary>Given events, when a command, then events or an error. No infrastructure.</summary>
public class PersonSpecs : DeciderSpec<PersonState, IPersonEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Clerk = new("clerk-7", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly BasicFourItems Taro = new("山田 太郎", "東京都千代田区千代田1-1", new DateOnly(1990, 4, 1), Sex.Male);


    private static PersonRegistered Registered() => new(Id, Taro, Chiyoda, RegistrationReason.MoveIn, Now.AddDays(-1), Clerk);

    [Fact]
    public void Registering_a_new_person_records_the_basic_four_items()
    {
        var decision = PersonDecider.Register(Given(), Id, new RegisterPerson(Taro with { Name = "  山田 太郎 " }, Chiyoda, RegistrationReason.Birth), Now, Clerk);

        var e = Assert.IsType<PersonRegistered>(Assert.Single(decision.Events));
        Assert.Null(decision.Error);
        Assert.Equal(new PersonRegistered(Id, Taro, Chiyoda, RegistrationReason.Birth, Now, Clerk), e);
    }

    [Fact]
    public void Registering_twice_is_a_conflict()
    {
        var decision = PersonDecider.Register(Given(Registered()), Id, new RegisterPerson(Taro, Chiyoda, RegistrationReason.MoveIn), Now, Clerk);
        Assert.Equal("person.already-registered", decision.Error?.Code);
        Assert.Empty(decision.Events);
    }

    [Theory]
    [InlineData("", "東京都", "1990-04-01", "person.invalid-name")]
    [InlineData("山田", " ", "1990-04-01", "person.invalid-address")]
    [InlineData("山田", "東京都", "2030-01-01", "person.invalid-date-of-birth")]
    [InlineData("山田", "東京都", "1700-01-01", "person.invalid-date-of-birth")]
    public void Invalid_basic_four_items_are_refused_with_a_field_code(string name, string address, string dob, string code)
    {
        var items = new BasicFourItems(name, address, DateOnly.Parse(dob, System.Globalization.CultureInfo.InvariantCulture), Sex.Female);
        var decision = PersonDecider.Register(Given(), Id, new RegisterPerson(items, Chiyoda, RegistrationReason.Birth), Now, Clerk);
        Assert.Equal(code, decision.Error?.Code);
        Assert.Equal(ErrorKind.Validation, decision.Error?.Kind);
    }

    [Fact]
    public void A_bad_municipality_code_is_refused()
    {
        var decision = PersonDecider.Register(Given(), Id, new RegisterPerson(Taro, new MunicipalityCode("13101"), RegistrationReason.Birth), Now, Clerk);
        Assert.Equal("person.invalid-municipality", decision.Error?.Code);
    }

    [Fact]
    public void A_registered_person_gets_a_number_from_their_municipality()
    {
        var number = IndividualNumber.Parse("123456789018");
        var code = new ResidentRecordCode(12_345_678_901);
        var decision = PersonDecider.AssignNumber(Given(Registered()), new ReservedNumber(code, number), Chiyoda, Now, Clerk);
        // The code it derives from, the assignment and the notification letter to the address on the record.
        Assert.Equal(
            [new ResidentRecordCodeAssigned(Id, code, Now, Clerk), new IndividualNumberAssigned(Id, number, Chiyoda, Now, Clerk), new NumberNotificationLetterSent(Id, Taro.Address, Now, Clerk)],
            decision.Events);
    }

    [Fact]
    public void A_bulk_registration_line_registers_and_numbers_the_person_in_one_decision()
    {
        var number = IndividualNumber.Parse("123456789018");
        var code = new ResidentRecordCode(12_345_678_901);

        var decision = PersonDecider.RegisterWithNumber(Given(), Id, new RegisterPersonWithNumber(Taro, Chiyoda, RegistrationReason.MoveIn), new ReservedNumber(code, number), Now, Clerk);

        Assert.Equal(
            [new PersonRegistered(Id, Taro, Chiyoda, RegistrationReason.MoveIn, Now, Clerk), new ResidentRecordCodeAssigned(Id, code, Now, Clerk),
                new IndividualNumberAssigned(Id, number, Chiyoda, Now, Clerk), new NumberNotificationLetterSent(Id, Taro.Address, Now, Clerk)],
            decision.Events);
    }

    [Fact]
    public void A_bulk_registration_line_is_refused_whole_for_a_registered_person_or_invalid_items()
    {
        var reserved = new ReservedNumber(new ResidentRecordCode(1), IndividualNumber.Parse("123456789018"));

        var again = PersonDecider.RegisterWithNumber(Given(Registered()), Id, new RegisterPersonWithNumber(Taro, Chiyoda, RegistrationReason.MoveIn), reserved, Now, Clerk);
        var unborn = PersonDecider.RegisterWithNumber(Given(), Id, new RegisterPersonWithNumber(Taro with { DateOfBirth = new DateOnly(2999, 1, 1) }, Chiyoda, RegistrationReason.Birth), reserved, Now, Clerk);

        Assert.Equal("person.already-registered", again.Error?.Code);
        Assert.Empty(again.Events);
        Assert.NotNull(unborn.Error);
        Assert.Empty(unborn.Events);
    }

    [Fact]
    public void The_number_is_lifelong_a_second_assignment_is_refused()
    {
        var state = Given(Registered(), new IndividualNumberAssigned(Id, IndividualNumber.Parse("123456789018"), Chiyoda, Now, Clerk));
        Assert.Equal("individual-number.already-assigned", PersonDecider.CanAssignNumber(state, Chiyoda)?.Code);
        Assert.Equal("individual-number.already-assigned",
            PersonDecider.AssignNumber(state, new ReservedNumber(new ResidentRecordCode(1), IndividualNumber.Parse("987654321093")), Chiyoda, Now, Clerk).Error?.Code);
    }

    [Fact]
    public void No_number_for_an_unknown_person_or_from_another_municipality()
    {
        Assert.Equal("person.not-found", PersonDecider.CanAssignNumber(Given(), Chiyoda)?.Code);
        Assert.Equal("person.other-municipality", PersonDecider.CanAssignNumber(Given(Registered()), new MunicipalityCode("271004"))?.Code);
    }

    [Fact]
    public void A_move_within_the_municipality_changes_the_address_and_nothing_else()
    {
        var decision = PersonDecider.Move(Given(Registered()), new RecordMove("東京都千代田区永田町1-7-1", Chiyoda, new DateOnly(2026, 11, 20)), Now, Clerk);
        var state = AggregateState.Fold(Given(Registered()), decision.Events);
        Assert.Equal(Taro with { Address = "東京都千代田区永田町1-7-1" }, state.Items);
        Assert.Equal(Chiyoda, state.Municipality);
    }

    [Fact]
    public void Another_municipality_cannot_take_the_record_over_by_a_move()
    {
        var decision = PersonDecider.Move(Given(Registered()), new RecordMove("大阪府大阪市北区1-1", new MunicipalityCode("271004"), new DateOnly(2026, 11, 20)), Now, Clerk);

        Assert.Equal("person.other-municipality", decision.Error?.Code);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_move_is_not_recorded_for_an_unknown_person_or_in_the_future()
    {
        Assert.Equal("person.not-found", PersonDecider.Move(Given(), new RecordMove("x", Chiyoda, new DateOnly(2026, 1, 1)), Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-moved-on",
            PersonDecider.Move(Given(Registered()), new RecordMove("x", Chiyoda, new DateOnly(2027, 1, 1)), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_registration_reason_outside_the_list_is_refused()
    {
        var decision = PersonDecider.Register(Given(), Id, new RegisterPerson(Taro, Chiyoda, (RegistrationReason)99), Now, Clerk);

        Assert.Equal("person.invalid-reason", decision.Error?.Code);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_move_dated_before_the_persons_birth_is_refused()
    {
        var decision = PersonDecider.Move(Given(Registered()), new RecordMove("東京都千代田区永田町1-7-1", Chiyoda, new DateOnly(1, 1, 1)), Now, Clerk);

        Assert.Equal("person.invalid-moved-on", decision.Error?.Code);
        Assert.Empty(decision.Events);
        Assert.Null(PersonDecider.Move(Given(Registered()), new RecordMove("東京都千代田区永田町1-7-1", Chiyoda, Taro.DateOfBirth), Now, Clerk).Error);
    }

    /// <summary>Texts with nothing visible, or that read as something they are not (kept out of theory data, which the test runner serialises).</summary>
    private static readonly string[] Unprintable =
    [
        "\u202E\u200B", // a right-to-left override and a zero-width space: nothing visible
        "山田\u202E郎太", // reads reversed on screen
        "山田\u200B太郎",
        "山田\n太郎",
        "山田\u0007太郎",
        "山田\u2028太郎",
        "\uFEFF山田 太郎",
        "山田\uD800太郎", // a lone surrogate
    ];

    /// <summary>The text refused as a name and as an address at registration, at a change of name and at a move.</summary>
    private static void AssertRefusedWhereverItIsWritten(string text)
    {
        var registered = Given(Registered());
        Assert.Equal("person.invalid-name", PersonDecider.Register(Given(), Id, new RegisterPerson(Taro with { Name = text }, Chiyoda, RegistrationReason.Birth), Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-address", PersonDecider.Register(Given(), Id, new RegisterPerson(Taro with { Address = text }, Chiyoda, RegistrationReason.Birth), Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-name", PersonDecider.Rename(registered, new RenamePerson(text, Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-address", PersonDecider.Move(registered, new RecordMove(text, Chiyoda, new DateOnly(2026, 11, 20)), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_name_or_address_with_control_or_invisible_formatting_characters_is_refused_wherever_it_is_written()
    {
        foreach (var text in Unprintable)
        {
            AssertRefusedWhereverItIsWritten(text);
        }
    }

    /// <summary>Texts that hold an Individual Number's shape: twelve digits, grouped or not, in any width.</summary>
    private static readonly string[] NumberShaped =
    [
        "123456789018",
        "山田 1234 5678 9018",
        "１２３４－５６７８－９０１８",
        "東京都千代田区1-2-3-4-5-6-7-8-9-0-1-2",
    ];

    [Fact]
    public void A_name_or_address_that_holds_a_number_shaped_run_of_twelve_digits_is_refused_wherever_it_is_written()
    {
        foreach (var text in NumberShaped)
        {
            AssertRefusedWhereverItIsWritten(text);
        }
        // Addresses hold numbers, only never that many in one run: a lot, a building and a room are kept.
        foreach (var address in new[] { "東京都千代田区千代田1-1-1 101号室", "大阪府大阪市北区梅田３－１－１０００ 2501号", "東京都港区1-2-3-4-5-6-7-8-9-0-1" })
        {
            Assert.Null(PersonDecider.Register(Given(), Id, new RegisterPerson(Taro with { Address = address }, Chiyoda, RegistrationReason.Birth), Now, Clerk).Error);
        }
    }

    [Theory]
    [InlineData("葛\U000E0100城 花子")] // an ideographic variation sequence: the resident record's variant kanji
    [InlineData("\uE000田 太郎")] // a private-use character: a municipality's own outside-Unicode kanji
    [InlineData("José Ñúñez-O'Brien")]
    public void Variant_kanji_private_use_kanji_and_accented_letters_are_names(string name)
    {
        var decision = PersonDecider.Register(Given(), Id, new RegisterPerson(Taro with { Name = name }, Chiyoda, RegistrationReason.Birth), Now, Clerk);

        Assert.Null(decision.Error);
        Assert.Equal(name, Assert.IsType<PersonRegistered>(Assert.Single(decision.Events)).Items.Name);
    }

    [Fact]
    public void Apply_is_total_an_event_for_an_unregistered_state_leaves_it_usable()
    {
        var state = Given(new PersonMoved(Id, "x", Chiyoda, new DateOnly(2026, 1, 1), Now, Clerk));
        Assert.False(state.IsRegistered);
        Assert.Null(state.Items);
    }
}

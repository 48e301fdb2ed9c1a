using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using K = Myna.GrainInterfaces.Persons.PresentedDocumentKind;

namespace Myna.Domain.Tests.Persons;

/// <summary>Each combination of presented documents → the answer a clerk gets (flow 6).</summary>
public class IdentityVerificationSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Clerk = new("clerk-7", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000003"));
    private static readonly BasicFourItems Hanako = new("佐藤 花子", "東京都千代田区千代田1-1", new DateOnly(1985, 2, 3), Sex.Female);
    private static readonly IndividualNumber Current = IndividualNumber.Parse("987654321093");
    private static readonly IndividualNumber Former = IndividualNumber.Parse("123456789018");
    private static readonly IndividualNumber Stranger = IndividualNumber.Parse("123456789050");

    private static readonly PersonState Person = AggregateState.Fold(PersonState.Initial, new IPersonEvent[]
    {
        new PersonRegistered(Id, Hanako, Chiyoda, RegistrationReason.Birth, Now, Clerk),
        new IndividualNumberAssigned(Id, Former, Chiyoda, Now, Clerk),
        new IndividualNumberReplaced(Id, Former, Current, "LEAK-1", Chiyoda, Now, Clerk),
    });

    private static PresentedDocument Doc(K kind, IndividualNumber? number = null, string? name = null, string? address = null) => new(kind, number, name, address);

    public static TheoryData<string, PresentedDocument[], bool> Cases => new()
    {
        { "the card alone", [Doc(K.IndividualNumberCard, Current)], true },
        { "card with a former number", [Doc(K.IndividualNumberCard, Former)], false },
        { "resident record + driving licence", [Doc(K.ResidentRecordWithNumber, Current), Doc(K.DriversLicence)], true },
        { "resident record + disability handbook", [Doc(K.ResidentRecordWithNumber, Current), Doc(K.DisabilityCertificateHandbook)], true },
        { "resident record + two non-photo IDs", [Doc(K.ResidentRecordWithNumber, Current), Doc(K.HealthInsuranceCard), Doc(K.PensionBook)], true },
        { "resident record + one non-photo ID", [Doc(K.ResidentRecordWithNumber, Current), Doc(K.HealthInsuranceCard)], false },
        { "matching notification card + passport", [Doc(K.NotificationCard, Current, "佐藤　花子", "東京都千代田区千代田１－１"), Doc(K.Passport)], true },
        { "stale notification card + passport", [Doc(K.NotificationCard, Current, "佐藤 花子", "大阪府大阪市北区1-1"), Doc(K.Passport)], false },
        { "notification letter + passport", [Doc(K.NumberNotificationLetter, Current), Doc(K.Passport)], false },
        { "notification letter alone", [Doc(K.NumberNotificationLetter, Current)], false },
        { "photo ID without a number document", [Doc(K.Passport), Doc(K.DriversLicence)], false },
        { "someone else's number + passport", [Doc(K.ResidentRecordWithNumber, Stranger), Doc(K.Passport)], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Documents_decide_the_answer(string because, PresentedDocument[] documents, bool accepted)
    {
        var result = IdentityVerificationRules.Evaluate(Person, new VerifyIdentity(documents, "児童手当", null));
        Assert.True(accepted == result.Accepted, $"{because}: {string.Join(" / ", result.Reasons)}");
        Assert.NotEmpty(result.Reasons);
    }

    [Fact]
    public void The_reasons_say_why_in_words_a_clerk_can_read()
    {
        var letter = IdentityVerificationRules.Evaluate(Person, new VerifyIdentity([Doc(K.NumberNotificationLetter, Current)], "x", null));
        Assert.Contains(letter.Reasons, r => r.Contains("notification letter is not proof", StringComparison.Ordinal));

        var former = IdentityVerificationRules.Evaluate(Person, new VerifyIdentity([Doc(K.IndividualNumberCard, Former)], "x", null));
        Assert.Contains(former.Reasons, r => r.Contains("former number", StringComparison.Ordinal));
        Assert.DoesNotContain(former.Reasons, r => r.Contains(Former.Digits, StringComparison.Ordinal));
    }

    [Fact]
    public void A_closed_record_is_never_confirmed()
    {
        var closed = Person.Apply(new ResidentRecordClosed(Id, ClosureReason.Death, new DateOnly(2026, 11, 1), Chiyoda, Now, Clerk));
        Assert.False(IdentityVerificationRules.Evaluate(closed, new VerifyIdentity([Doc(K.IndividualNumberCard, Current)], "x", null)).Accepted);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void The_procedure_and_the_helping_clerk_are_display_texts(string text)
    {
        PresentedDocument[] card = [Doc(K.IndividualNumberCard, Current)];
        Assert.Equal("identity.invalid-request", IdentityVerificationRules.Verify(Person, new VerifyIdentity(card, text, null), Now, Clerk).Error?.Code);
        var refused = IdentityVerificationRules.Verify(Person, new VerifyIdentity(card, "児童手当", text), Now, Clerk);
        Assert.Equal("identity.invalid-request", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }

    [Fact]
    public void A_verification_records_the_procedure_and_the_helping_clerk_trimmed_and_a_blank_clerk_as_none()
    {
        PresentedDocument[] card = [Doc(K.IndividualNumberCard, Current)];
        var helped = Assert.IsType<IdentityVerified>(Assert.Single(IdentityVerificationRules.Verify(Person, new VerifyIdentity(card, " 児童手当 ", " 窓口 田中 "), Now, Clerk).Events));
        Assert.Equal(("児童手当", "窓口 田中", true), (helped.Procedure, helped.HelpedBy, helped.Accepted));
        var alone = Assert.IsType<IdentityVerified>(Assert.Single(IdentityVerificationRules.Verify(Person, new VerifyIdentity(card, "児童手当", "  "), Now, Clerk).Events));
        Assert.Null(alone.HelpedBy);
        Assert.Equal("person.not-found", IdentityVerificationRules.Verify(PersonState.Initial, new VerifyIdentity(card, "児童手当", null), Now, Clerk).Error?.Code);
        Assert.Equal("identity.invalid-request", IdentityVerificationRules.Verify(Person, new VerifyIdentity([], "児童手当", null), Now, Clerk).Error?.Code);
    }
}

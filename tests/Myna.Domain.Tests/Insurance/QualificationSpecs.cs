using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Tests.Insurance;

/// <summary>Invariants 8 and 9 on the person's stream: how a qualification links, overlaps, ends.</summary>
public class QualificationSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Insurer = new("kyokai-13", "insurer");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly BasicFourItems Taro = new("山田 太郎", "東京都千代田区霞が関1丁目2番3号", new DateOnly(1990, 4, 1), Sex.Male);
    private static readonly InsurerNumber Kyokai = new("01130012");
    private static readonly InsurerNumber Kumiai = new("06139993");
    private static readonly InsuredId Member = new("記号1", "123", "00");

    private static PersonState Given(params IPersonEvent[] events) =>
        AggregateState.Fold(PersonState.Initial, [new PersonRegistered(Id, Taro, new MunicipalityCode("131016"), RegistrationReason.Birth, Now.AddYears(-1), Insurer), .. events]);

    private static AcquireQualification Acquire(Guid id, InsurerNumber insurer, DateOnly from, DateOnly? until = null, LinkBasis basis = LinkBasis.IndividualNumber, BasicFourItems? claimed = null) =>
        new(id, insurer, Member, from, until, CeilingCategory.UnderSeventyC, basis, claimed);

    private static InsuranceQualificationAcquired Acquired(Guid id, InsurerNumber insurer, DateOnly from, DateOnly? until = null) =>
        new(Id, id, insurer, Member, from, until, CeilingCategory.UnderSeventyC, LinkBasis.IndividualNumber, Now, Insurer);

    [Fact]
    public void A_number_link_records_the_qualification_with_its_period_and_category()
    {
        var id = Guid.NewGuid();
        var decision = InsuranceRules.Acquire(Given(), Acquire(id, Kyokai, new DateOnly(2024, 4, 1)), Now, Insurer);

        Assert.Equal(Acquired(id, Kyokai, new DateOnly(2024, 4, 1)), Assert.Single(decision.Events));
    }

    [Fact]
    public void A_qualification_starts_and_ends_at_most_a_year_from_today()
    {
        // Today is 2026-11-26 in Japan: an employer's enrolment for next April is fine, one for a year and a day is not.
        Assert.Single(InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2027, 11, 26)), Now, Insurer).Events);
        Assert.Equal("insurance.invalid-period", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2027, 11, 27)), Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-period", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2999, 12, 31)), Now, Insurer).Error?.Code);

        var id = Guid.NewGuid();
        var state = AggregateState.Fold(Given(), InsuranceRules.Acquire(Given(), Acquire(id, Kyokai, new DateOnly(2024, 4, 1)), Now, Insurer).Events);
        Assert.Equal("insurance.invalid-period", InsuranceRules.End(state, new EndQualification(id, Kyokai, new DateOnly(2999, 12, 31), "retirement"), Now, Insurer).Error?.Code);
        Assert.Single(InsuranceRules.End(state, new EndQualification(id, Kyokai, new DateOnly(2027, 3, 31), "retirement"), Now, Insurer).Events);
    }

    [Fact]
    public void A_basic_four_link_needs_all_four_items_to_match_the_current_record()
    {
        var full = Taro with { Name = "山田　太郎", Address = "東京都千代田区霞ヶ関１－２－３" };
        var movedAway = Taro with { Address = "大阪府大阪市北区1-1" };

        var linked = InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1), basis: LinkBasis.BasicFourItems, claimed: full), Now, Insurer);
        var partial = InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1), basis: LinkBasis.BasicFourItems, claimed: movedAway), Now, Insurer);
        var afterMove = InsuranceRules.Acquire(
            Given(new PersonMoved(Id, "大阪府大阪市北区1-1", new MunicipalityCode("271276"), new DateOnly(2026, 1, 1), Now, Insurer)),
            Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1), basis: LinkBasis.BasicFourItems, claimed: Taro), Now, Insurer);

        Assert.Single(linked.Events);
        // A partial match is "no match", naming no item (no oracle of existence, sex or address).
        Assert.Equal("insurance.no-match", partial.Error?.Code);
        Assert.Null(partial.Error?.Details);
        Assert.DoesNotContain("address", partial.Error!.Message, StringComparison.Ordinal);
        // A stale index proposed the old address: the person's own stream refuses it.
        Assert.Equal("insurance.no-match", afterMove.Error?.Code);
    }

    [Theory]
    // existing [from, until] vs new [from, until]; null = open
    [InlineData("2024-04-01", null, "2025-10-01", null, true)]
    [InlineData("2024-04-01", "2025-09-30", "2025-10-01", null, false)]
    [InlineData("2024-04-01", "2025-09-30", "2025-09-30", null, true)]
    [InlineData("2025-10-01", null, "2024-04-01", "2025-09-30", false)]
    [InlineData("2025-10-01", null, "2024-04-01", "2025-10-01", true)]
    [InlineData("2025-10-01", "2026-03-31", "2024-04-01", null, true)]
    public void One_qualification_per_period(string existingFrom, string? existingUntil, string newFrom, string? newUntil, bool overlaps)
    {
        var state = Given(Acquired(Guid.NewGuid(), Kyokai, DateOnly.Parse(existingFrom, System.Globalization.CultureInfo.InvariantCulture),
            existingUntil is null ? null : DateOnly.Parse(existingUntil, System.Globalization.CultureInfo.InvariantCulture)));

        var decision = InsuranceRules.Acquire(state, Acquire(Guid.NewGuid(), Kumiai, DateOnly.Parse(newFrom, System.Globalization.CultureInfo.InvariantCulture),
            newUntil is null ? null : DateOnly.Parse(newUntil, System.Globalization.CultureInfo.InvariantCulture)), Now, Insurer);

        Assert.Equal(overlaps ? "insurance.qualification-overlaps" : null, decision.Error?.Code);
    }

    [Fact]
    public void A_loss_of_qualification_makes_room_for_the_next_insurer()
    {
        var first = Guid.NewGuid();
        var state = Given(Acquired(first, Kyokai, new DateOnly(2024, 4, 1)));

        var wrongInsurer = InsuranceRules.End(state, new EndQualification(first, Kumiai, new DateOnly(2025, 9, 30), "job change"), Now, Insurer);
        var ended = InsuranceRules.End(state, new EndQualification(first, Kyokai, new DateOnly(2025, 9, 30), "job change"), Now, Insurer);
        var afterLoss = AggregateState.Fold(state, ended.Events);
        var again = InsuranceRules.End(afterLoss, new EndQualification(first, Kyokai, new DateOnly(2025, 9, 30), "job change"), Now, Insurer);
        var different = InsuranceRules.End(afterLoss, new EndQualification(first, Kyokai, new DateOnly(2025, 8, 31), "job change"), Now, Insurer);
        var next = InsuranceRules.Acquire(afterLoss, Acquire(Guid.NewGuid(), Kumiai, new DateOnly(2025, 10, 1)), Now, Insurer);

        Assert.Equal("insurance.qualification-not-found", wrongInsurer.Error?.Code);
        Assert.Empty(again.Events);
        Assert.Null(again.Error);
        Assert.Equal("insurance.qualification-ended", different.Error?.Code);
        Assert.Single(next.Events);
        Assert.Null(InsuranceRules.ActiveOn(afterLoss, new DateOnly(2025, 10, 1)));
        Assert.Equal(first, InsuranceRules.ActiveOn(afterLoss, new DateOnly(2025, 9, 30))?.Id);
    }

    [Fact]
    public void Closed_records_invalid_member_ids_and_periods_are_refused()
    {
        var closed = Given(new ResidentRecordClosed(Id, ClosureReason.Death, new DateOnly(2026, 1, 1), new MunicipalityCode("131016"), Now, Insurer));
        Assert.Equal("person.record-closed", InsuranceRules.Acquire(closed, Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1)), Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-branch", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1)) with { Insured = Member with { Branch = "1" } }, Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-period", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1), new DateOnly(2024, 3, 31)), Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-period", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(1989, 4, 1)), Now, Insurer).Error?.Code);
        // Every clinic that checks the member reads symbol and number back: an Individual Number keyed into either
        // field, or an invisible formatting character, is refused.
        Assert.Equal("insurance.invalid-insured-number", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1)) with { Insured = Member with { Number = "1234 5678 9018" } }, Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-symbol", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1)) with { Insured = Member with { Symbol = "123456789018" } }, Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-symbol", InsuranceRules.Acquire(Given(), Acquire(Guid.NewGuid(), Kyokai, new DateOnly(2024, 4, 1)) with { Insured = Member with { Symbol = "記\u200B号" } }, Now, Insurer).Error?.Code);
    }

    [Fact]
    public void The_same_enrolment_delivered_twice_records_once()
    {
        var id = Guid.NewGuid();
        var state = Given(Acquired(id, Kyokai, new DateOnly(2024, 4, 1)));

        var again = InsuranceRules.Acquire(state, Acquire(id, Kyokai, new DateOnly(2024, 4, 1)), Now, Insurer);

        Assert.Null(again.Error);
        Assert.Empty(again.Events);
    }

    [Fact]
    public void The_ceiling_category_changes_only_on_a_running_qualification()
    {
        var id = Guid.NewGuid();
        var state = Given(Acquired(id, Kyokai, new DateOnly(2024, 4, 1)));

        var changed = InsuranceRules.ChangeCeiling(state, new ChangeQualificationCeiling(id, Kyokai, CeilingCategory.UnderSeventyA), Now, Insurer);
        var same = InsuranceRules.ChangeCeiling(state, new ChangeQualificationCeiling(id, Kyokai, CeilingCategory.UnderSeventyC), Now, Insurer);

        Assert.Equal(CeilingCategory.UnderSeventyA, InsuranceRules.ActiveOn(AggregateState.Fold(state, changed.Events), new DateOnly(2025, 1, 1))!.Ceiling);
        Assert.Empty(same.Events);
    }

    [Fact]
    public void A_confirmation_document_lasts_five_years_at_most_and_never_past_the_qualification()
    {
        var open = Guid.NewGuid();
        var ending = Guid.NewGuid();
        var state = Given(Acquired(open, Kyokai, new DateOnly(2024, 4, 1)));
        var today = new DateOnly(2026, 11, 26);

        var forOpen = InsuranceRules.IssueDocument(state, new RecordConfirmationDocument("AAAAAAAAAAAAAAAB", open, Kyokai, ConfirmationDocumentReason.NoRegisteredCard, false), today, Now, Insurer);
        var endingState = Given(Acquired(ending, Kyokai, new DateOnly(2024, 4, 1), new DateOnly(2027, 3, 31)));
        var forEnding = InsuranceRules.IssueDocument(endingState, new RecordConfirmationDocument("AAAAAAAAAAAAAAAC", ending, Kyokai, ConfirmationDocumentReason.Requested, true), today, Now, Insurer);
        var registeredCard = InsuranceRules.IssueDocument(state, new RecordConfirmationDocument("AAAAAAAAAAAAAAAD", open, Kyokai, ConfirmationDocumentReason.NoRegisteredCard, true), today, Now, Insurer);
        var otherInsurer = InsuranceRules.IssueDocument(state, new RecordConfirmationDocument("AAAAAAAAAAAAAAAE", open, Kumiai, ConfirmationDocumentReason.Requested, false), today, Now, Insurer);

        Assert.Equal(new DateOnly(2031, 11, 25), Assert.IsType<ConfirmationDocumentIssued>(Assert.Single(forOpen.Events)).ValidUntil);
        Assert.Equal(new DateOnly(2027, 3, 31), Assert.IsType<ConfirmationDocumentIssued>(Assert.Single(forEnding.Events)).ValidUntil);
        Assert.Equal("insurance.card-registered", registeredCard.Error?.Code);
        Assert.Equal("insurance.qualification-not-found", otherInsurer.Error?.Code);
        var issued = AggregateState.Fold(state, forOpen.Events);
        Assert.Empty(InsuranceRules.IssueDocument(issued, new RecordConfirmationDocument("AAAAAAAAAAAAAAAB", open, Kyokai, ConfirmationDocumentReason.NoRegisteredCard, false), today, Now, Insurer).Events);
    }

    [Fact]
    public void Document_numbers_are_16_base32_characters_and_stable_for_a_command()
    {
        var id = Guid.NewGuid();
        var number = Myna.Domain.Insurance.ConfirmationDocuments.NumberFrom(id);

        Assert.True(Myna.Domain.Insurance.ConfirmationDocuments.IsDocumentNumber(number));
        Assert.Equal(number, Myna.Domain.Insurance.ConfirmationDocuments.NumberFrom(id));
        Assert.NotEqual(number, Myna.Domain.Insurance.ConfirmationDocuments.NumberFrom(Guid.NewGuid()));
        Assert.False(Myna.Domain.Insurance.ConfirmationDocuments.IsDocumentNumber("aaaaaaaaaaaaaaaa"));
    }
}

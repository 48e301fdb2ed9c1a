using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Income;
using Myna.GrainInterfaces.Income;

namespace Myna.Domain.Tests.Persons;

public class PersonLifecycleSpecs : DeciderSpec<PersonState, IPersonEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Clerk = new("clerk-7", "municipality");
    private static readonly Actor SecondClerk = new("clerk-8", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly MunicipalityCode Osaka = new("271004");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000002"));
    private static readonly BasicFourItems Hanako = new("佐藤 花子", "東京都千代田区千代田1-1", new DateOnly(1985, 2, 3), Sex.Female);
    private static readonly IndividualNumber First = IndividualNumber.Parse("123456789018");
    private static readonly IndividualNumber Second = IndividualNumber.Parse("987654321093");


    private static PersonRegistered Registered() => new(Id, Hanako, Chiyoda, RegistrationReason.Birth, Now.AddYears(-1), Clerk);

    private static IndividualNumberAssigned Numbered() => new(Id, First, Chiyoda, Now.AddDays(-300), Clerk);

    private static ResidentRecordClosed Closed() => new(Id, ClosureReason.Death, new DateOnly(2026, 11, 1), Chiyoda, Now.AddDays(-20), Clerk);

    [Fact]
    public void A_rename_changes_the_name_only()
    {
        var decision = PersonDecider.Rename(Given(Registered()), new RenamePerson(" 鈴木 花子 ", Chiyoda), Now, Clerk);
        Assert.Equal(new PersonRenamed(Id, "鈴木 花子", Chiyoda, Now, Clerk), Assert.Single(decision.Events));
        Assert.Equal(Hanako with { Name = "鈴木 花子" }, AggregateState.Fold(Given(Registered()), decision.Events).Items);
    }

    [Fact]
    public void Renaming_to_the_same_name_records_nothing()
    {
        var decision = PersonDecider.Rename(Given(Registered()), new RenamePerson("佐藤 花子", Chiyoda), Now, Clerk);
        Assert.Null(decision.Error);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Only_the_managing_municipality_changes_a_record()
    {
        Assert.Equal("person.other-municipality", PersonDecider.Rename(Given(Registered()), new RenamePerson("x", Osaka), Now, Clerk).Error?.Code);
        Assert.Equal("person.other-municipality", PersonDecider.Close(Given(Registered()), new CloseResidentRecord(ClosureReason.Death, new DateOnly(2026, 1, 1), Osaka), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Closing_the_record_refuses_every_later_change()
    {
        var decision = PersonDecider.Close(Given(Registered()), new CloseResidentRecord(ClosureReason.Death, new DateOnly(2026, 11, 1), Chiyoda), Now, Clerk);
        var closed = AggregateState.Fold(Given(Registered()), decision.Events);

        Assert.True(closed.IsClosed);
        Assert.Equal("person.record-closed", PersonDecider.Rename(closed, new RenamePerson("x", Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("person.record-closed", PersonDecider.Move(closed, new RecordMove("x", Chiyoda, new DateOnly(2026, 11, 2)), Now, Clerk).Error?.Code);
        Assert.Equal("person.record-closed", PersonDecider.CanAssignNumber(closed, Chiyoda)?.Code);
        Assert.Equal("person.record-closed", PersonDecider.Close(closed, new CloseResidentRecord(ClosureReason.Death, new DateOnly(2026, 11, 1), Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("person.record-closed", IncomeRules.Record(closed, new RecordIncomeSummary(2025, 1, 1, Chiyoda), Now, Clerk).Error?.Code);
    }

    [Theory]
    [InlineData("2027-01-01")]
    [InlineData("1980-01-01")]
    public void A_closure_date_lies_between_birth_and_today(string day)
    {
        var decision = PersonDecider.Close(Given(Registered()), new CloseResidentRecord(ClosureReason.EmigratedAbroad, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), Chiyoda), Now, Clerk);
        Assert.Equal("person.invalid-effective-on", decision.Error?.Code);
    }

    [Fact]
    public void A_replacement_is_requested_then_approved_by_a_second_clerk_keeping_the_old_number_as_former()
    {
        var state = Given(Registered(), Numbered());
        var code = new ResidentRecordCode(98_765_432_109);
        var requested = PersonDecider.RequestNumberReplacement(state, new ReplaceIndividualNumber("LEAK-2026-0042", Chiyoda), Now, Clerk);
        Assert.Equal([new NumberReplacementRequested(Id, "LEAK-2026-0042", Chiyoda, Now, Clerk)], requested.Events);
        var pending = AggregateState.Fold(state, requested.Events);
        Assert.Equal(First, pending.Number);

        var decision = PersonDecider.ApproveNumberReplacement(pending, new ApproveNumberReplacement(Chiyoda), new ReservedNumber(code, Second), Now, SecondClerk);

        Assert.Equal(
            [new NumberReplacementApproved(Id, "clerk-7", Now, SecondClerk), new ResidentRecordCodeAssigned(Id, code, Now, SecondClerk),
                new IndividualNumberReplaced(Id, First, Second, "LEAK-2026-0042", Chiyoda, Now, SecondClerk), new NumberNotificationLetterSent(Id, Hanako.Address, Now, SecondClerk)],
            decision.Events);
        var after = AggregateState.Fold(pending, decision.Events);
        Assert.Equal(Second, after.Number);
        Assert.Equal([First], after.FormerNumbers);
        Assert.Null(after.PendingNumberReplacement);
    }

    [Fact]
    public void A_replacement_needs_a_leak_decision_a_number_a_new_number_and_a_second_person()
    {
        Assert.Equal("person.invalid-leak-decision", PersonDecider.CanReplaceNumber(Given(Registered(), Numbered()), new ReplaceIndividualNumber(" ", Chiyoda))?.Code);
        Assert.Equal("individual-number.not-assigned", PersonDecider.CanReplaceNumber(Given(Registered()), new ReplaceIndividualNumber("LEAK-1", Chiyoda))?.Code);
        var pending = Given(Registered(), Numbered(), new NumberReplacementRequested(Id, "LEAK-1", Chiyoda, Now, Clerk));
        Assert.Equal("person.invalid-new-number", PersonDecider.ApproveNumberReplacement(pending, new ApproveNumberReplacement(Chiyoda), new ReservedNumber(new ResidentRecordCode(7), First), Now, SecondClerk).Error?.Code);
        Assert.Equal("approval.same-person", PersonDecider.CanApproveNumberReplacement(pending, new ApproveNumberReplacement(Chiyoda), Clerk)?.Code);
        Assert.Equal("approval.wrong-role", PersonDecider.CanApproveNumberReplacement(pending, new ApproveNumberReplacement(Chiyoda), new Actor("op-1", "operator"))?.Code);
        Assert.Equal("person.other-municipality", PersonDecider.CanApproveNumberReplacement(pending, new ApproveNumberReplacement(Osaka), SecondClerk)?.Code);
        Assert.Equal("approval.nothing-pending", PersonDecider.CanApproveNumberReplacement(Given(Registered(), Numbered()), new ApproveNumberReplacement(Chiyoda), SecondClerk)?.Code);
        Assert.Equal("approval.already-pending", PersonDecider.RequestNumberReplacement(pending, new ReplaceIndividualNumber("LEAK-2", Chiyoda), Now, SecondClerk).Error?.Code);
    }

    [Theory]
    [InlineData("東京 1234 5678 9018", "2級", "certificate-number")] // agencies and apps read it: never a number-like run
    [InlineData("東京-123", "2\u202E級", "grade")]                  // nor an invisible formatting character
    [InlineData("東京-123", "123456789018", "grade")]
    public void A_disability_certificate_an_agency_reads_back_holds_display_text_only(string number, string grade, string field)
    {
        var record = new RecordDisabilityCertificate(number, DisabilityKind.Physical, grade, "東京都", new DateOnly(2024, 4, 1), null, Chiyoda);
        Assert.Equal($"person.invalid-{field}", DisabilityRules.Record(Given(Registered()), record, Now, Clerk).Error?.Code);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_disability_certificates_issuer_is_a_display_text(string issuer)
    {
        var record = new RecordDisabilityCertificate("東京-123", DisabilityKind.Physical, "2級", issuer, new DateOnly(2024, 4, 1), null, Chiyoda);
        var refused = DisabilityRules.Record(Given(Registered()), record, Now, Clerk);
        Assert.Equal("person.invalid-issuer", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }

    [Fact]
    public void Disability_certificates_are_recorded_updated_and_expired()
    {
        var record = new RecordDisabilityCertificate("東京-123", DisabilityKind.Physical, "2級", "東京都", new DateOnly(2024, 4, 1), new DateOnly(2029, 3, 31), Chiyoda);
        var state = AggregateState.Fold(Given(Registered()), DisabilityRules.Record(Given(Registered()), record, Now, Clerk).Events);
        state = AggregateState.Fold(state, DisabilityRules.Update(state, new UpdateDisabilityCertificate("東京-123", "1級", null, Chiyoda), Now, Clerk).Events);

        var certificate = Assert.Single(state.DisabilityCertificates);
        Assert.Equal("1級", certificate.Grade);
        Assert.Null(certificate.ValidUntil);
        Assert.True(DisabilityRules.IsValidOn(certificate, new DateOnly(2030, 1, 1)));

        state = AggregateState.Fold(state, DisabilityRules.Expire(state, new ExpireDisabilityCertificate("東京-123", new DateOnly(2026, 11, 1), Chiyoda), Now, Clerk).Events);
        Assert.False(DisabilityRules.IsValidOn(Assert.Single(state.DisabilityCertificates), new DateOnly(2026, 11, 2)));
        Assert.Equal("disability-certificate.expired", DisabilityRules.Update(state, new UpdateDisabilityCertificate("東京-123", "3級", null, Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("disability-certificate.already-recorded", DisabilityRules.Record(state, record, Now, Clerk).Error?.Code);
        Assert.Equal("disability-certificate.not-found", DisabilityRules.Expire(state, new ExpireDisabilityCertificate("nope", new DateOnly(2026, 1, 1), Chiyoda), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_certificate_cannot_end_before_it_starts()
    {
        var record = new RecordDisabilityCertificate("X-1", DisabilityKind.MentalHealth, "2", "大阪府", new DateOnly(2025, 4, 1), new DateOnly(2025, 3, 31), Chiyoda);
        Assert.Equal("person.invalid-validity", DisabilityRules.Record(Given(Registered()), record, Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Income_is_one_summary_per_year_and_a_reassessment_replaces_it()
    {
        var state = Given(Registered(),
            new IncomeSummaryRecorded(Id, 2025, 5_000_000, 3_000_000, Now, Clerk),
            new IncomeSummaryRecorded(Id, 2025, 5_200_000, 3_100_000, Now, Clerk));
        Assert.Equal(new IncomeSummaryView(2025, 5_200_000, 3_100_000), Assert.Single(state.IncomeSummaries));
        Assert.Equal("person.invalid-income", IncomeRules.Record(state, new RecordIncomeSummary(2025, 100, 200, Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-fiscal-year", IncomeRules.Record(state, new RecordIncomeSummary(2030, 100, 50, Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("person.invalid-income", IncomeRules.Record(state, new RecordIncomeSummary(2025, IncomeFeeds.MaxIncomeYen + 1, 0, Chiyoda), Now, Clerk).Error?.Code);
        Assert.Null(IncomeRules.Record(state, new RecordIncomeSummary(2025, IncomeFeeds.MaxIncomeYen, 0, Chiyoda), Now, Clerk).Error);
    }

    [Theory]
    [InlineData("1985-02-02", null)]         // before its holder was born (1985-02-03)
    [InlineData("2027-11-27", null)]         // more than a year ahead (today is 2026-11-26 in Japan)
    [InlineData("2999-12-31", null)]
    [InlineData("2024-04-01", "2024-03-31")] // ends before it starts
    public void A_disability_certificates_validity_is_a_plausible_period(string from, string? until)
    {
        var record = new RecordDisabilityCertificate("東京-123", DisabilityKind.Physical, "2級", "東京都", Day(from), until is null ? null : Day(until), Chiyoda);
        Assert.Equal("person.invalid-validity", DisabilityRules.Record(Given(Registered()), record, Now, Clerk).Error?.Code);
        Assert.Null(DisabilityRules.Record(Given(Registered()), record with { ValidFrom = Day("2027-11-26"), ValidUntil = null }, Now, Clerk).Error);
    }

    [Theory]
    [InlineData("2024-03-31")] // before the certificate started (2024-04-01)
    [InlineData("2026-11-28")] // not yet: a later end is the certificate's valid-until
    [InlineData("2999-12-31")]
    public void A_disability_certificate_expires_on_a_day_between_its_start_and_today(string expiredOn)
    {
        var record = new RecordDisabilityCertificate("東京-123", DisabilityKind.Physical, "2級", "東京都", Day("2024-04-01"), null, Chiyoda);
        var state = AggregateState.Fold(Given(Registered()), DisabilityRules.Record(Given(Registered()), record, Now, Clerk).Events);
        Assert.Equal("person.invalid-expired-on", DisabilityRules.Expire(state, new ExpireDisabilityCertificate("東京-123", Day(expiredOn), Chiyoda), Now, Clerk).Error?.Code);
        Assert.IsType<DisabilityCertificateExpired>(Assert.Single(DisabilityRules.Expire(state, new ExpireDisabilityCertificate("東京-123", Day("2026-11-26"), Chiyoda), Now, Clerk).Events));
    }

    private static DateOnly Day(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Actor TaxAgency = new("nta-feed", "agency", "tax-office");

    [Fact]
    public void The_tax_agency_s_years_replace_the_municipality_s_and_are_recorded_in_year_order()
    {
        var state = Given(Registered(), new IncomeSummaryRecorded(Id, 2025, 5_000_000, 3_000_000, Now, Clerk));
        var decision = IncomeRules.RecordAssessed(state,
            new RecordAssessedIncome([new IncomeSummaryView(2025, 5_300_000, 3_200_000), new IncomeSummaryView(2024, 4_900_000, 2_900_000)]), Now, TaxAgency);

        Assert.Equal(
            [new IncomeSummaryRecorded(Id, 2024, 4_900_000, 2_900_000, Now, TaxAgency), new IncomeSummaryRecorded(Id, 2025, 5_300_000, 3_200_000, Now, TaxAgency)],
            decision.Events);
        Assert.Equal(
            [new IncomeSummaryView(2024, 4_900_000, 2_900_000), new IncomeSummaryView(2025, 5_300_000, 3_200_000)],
            AggregateState.Fold(state, decision.Events).IncomeSummaries.OrderBy(y => y.FiscalYear));
    }

    [Fact]
    public void A_final_assessment_is_recorded_after_the_record_was_closed_but_never_for_an_unregistered_person()
    {
        var years = new RecordAssessedIncome([new IncomeSummaryView(2026, 1_000_000, 400_000)]);
        Assert.Single(IncomeRules.RecordAssessed(Given(Registered(), Closed()), years, Now, TaxAgency).Events);
        Assert.Equal("person.not-found", IncomeRules.RecordAssessed(PersonState.Initial, years, Now, TaxAgency).Error?.Code);
    }

    [Fact]
    public void A_tax_agency_batch_is_refused_whole_for_a_repeated_year_or_bad_figures()
    {
        var state = Given(Registered());
        Assert.Equal("person.invalid-fiscal-year", IncomeRules.RecordAssessed(state,
            new RecordAssessedIncome([new IncomeSummaryView(2025, 1, 1), new IncomeSummaryView(2025, 2, 2)]), Now, TaxAgency).Error?.Code);
        Assert.Equal("person.invalid-income", IncomeRules.RecordAssessed(state,
            new RecordAssessedIncome([new IncomeSummaryView(2025, 1, 1), new IncomeSummaryView(2024, 100, 200)]), Now, TaxAgency).Error?.Code);
        Assert.Equal("person.invalid-fiscal-year", IncomeRules.RecordAssessed(state,
            new RecordAssessedIncome([new IncomeSummaryView(2015, 1, 1)]), Now, TaxAgency).Error?.Code);
        Assert.Equal("person.invalid-years", IncomeRules.RecordAssessed(state, new RecordAssessedIncome([]), Now, TaxAgency).Error?.Code);
    }

    [Fact]
    public void Personal_data_is_erased_only_once_the_retention_of_its_record_class_has_ended()
    {
        var erase = new ErasePersonalData("保存期間満了", Chiyoda);
        var closed = Given(Registered(), Closed()); // death, effective 2026-11-01
        var retention = new RecordRetention { DeathYears = 150, EmigratedAbroadYears = 5 };

        var dayBefore = ErasureRules.Request(closed, erase, new DateTimeOffset(2176, 10, 31, 12, 0, 0, TimeSpan.Zero), Clerk, retention);
        var onTheDay = ErasureRules.Request(closed, erase, new DateTimeOffset(2176, 11, 1, 0, 0, 0, TimeSpan.Zero), Clerk, retention);

        Assert.Equal("person.retention-not-ended", dayBefore.Error?.Code);
        Assert.Contains("2176-11-01", dayBefore.Error!.Message, StringComparison.Ordinal);
        Assert.Single(onTheDay.Events);
        // Another record class, another period.
        var emigrated = Given(Registered(), Closed() with { Reason = ClosureReason.EmigratedAbroad });
        Assert.Single(ErasureRules.Request(emigrated, erase, new DateTimeOffset(2031, 11, 1, 0, 0, 0, TimeSpan.Zero), Clerk, retention).Events);
        Assert.Equal("person.retention-not-ended", ErasureRules.Request(emigrated, erase, new DateTimeOffset(2031, 10, 31, 0, 0, 0, TimeSpan.Zero), Clerk, retention).Error?.Code);
        // The approval checks the retention again.
        var pending = Given(Registered(), Closed(), new PersonalDataErasureRequested(Id, "保存期間満了", Chiyoda, Now, Clerk));
        Assert.Equal("person.retention-not-ended", ErasureRules.Approve(pending, new ApprovePersonalDataErasure(Chiyoda), new DateTimeOffset(2176, 10, 31, 0, 0, 0, TimeSpan.Zero), SecondClerk, retention).Error?.Code);
    }

    [Fact]
    public void Personal_data_is_erased_only_from_a_closed_record_of_the_same_municipality_and_once()
    {
        var erase = new ErasePersonalData("住民基本台帳法施行令第34条", Chiyoda);
        var retention = new RecordRetention();
        var afterRetention = Now.AddYears(151);
        Assert.Equal("person.record-open", ErasureRules.Request(Given(Registered()), erase, afterRetention, Clerk, retention).Error?.Code);
        Assert.Equal("person.other-municipality", ErasureRules.Request(Given(Registered(), Closed()), erase with { Municipality = Osaka }, afterRetention, Clerk, retention).Error?.Code);
        Assert.Equal("person.invalid-legal-basis", ErasureRules.Request(Given(Registered(), Closed()), erase with { LegalBasis = " " }, afterRetention, Clerk, retention).Error?.Code);

        var requested = ErasureRules.Request(Given(Registered(), Closed()), erase, afterRetention, Clerk, retention);
        Assert.Equal(new PersonalDataErasureRequested(Id, "住民基本台帳法施行令第34条", Chiyoda, afterRetention, Clerk), Assert.Single(requested.Events));
        var pending = AggregateState.Fold(Given(Registered(), Closed()), requested.Events);
        Assert.Equal("花子", pending.Items!.Name[^2..]);
        // The requester cannot approve, nor anyone of another role or municipality; a second request waits its turn.
        var approve = new ApprovePersonalDataErasure(Chiyoda);
        Assert.Equal("approval.same-person", ErasureRules.Approve(pending, approve, afterRetention, Clerk, retention).Error?.Code);
        Assert.Equal("approval.wrong-role", ErasureRules.Approve(pending, approve, afterRetention, new Actor("op-1", "operator"), retention).Error?.Code);
        Assert.Equal("person.other-municipality", ErasureRules.Approve(pending, approve with { Municipality = Osaka }, afterRetention, SecondClerk, retention).Error?.Code);
        Assert.Equal("approval.nothing-pending", ErasureRules.Approve(Given(Registered(), Closed()), approve, afterRetention, SecondClerk, retention).Error?.Code);
        Assert.Equal("approval.already-pending", ErasureRules.Request(pending, erase with { LegalBasis = "別の根拠" }, afterRetention, SecondClerk, retention).Error?.Code);

        var decision = ErasureRules.Approve(pending, approve, afterRetention, SecondClerk, retention);
        Assert.Equal(
            [new PersonalDataErasureApproved(Id, "clerk-7", afterRetention, SecondClerk), new PersonalDataErased(Id, "住民基本台帳法施行令第34条", afterRetention, SecondClerk)],
            decision.Events);
        var after = AggregateState.Fold(pending, decision.Events);
        Assert.Equal("[erased]", after.Items!.Name);
        Assert.Equal("[erased]", after.Items.Address);
        Assert.Equal(DateOnly.MinValue, after.Items.DateOfBirth);
        Assert.True(after.IsClosed);
        Assert.Empty(ErasureRules.Request(after, erase, Now, Clerk, retention).Events);
        Assert.Empty(ErasureRules.Approve(after, approve, Now, SecondClerk, retention).Events);
    }

    [Fact]
    public void Agencies_get_only_their_items_and_refusals_are_recorded()
    {
        var state = Given(Registered(), Numbered());
        var allowed = AgencySharing.Provide(state, new ProvideData("welfare-office", DataItem.DisabilityCertificates, "障害福祉サービス"), Now, Clerk);
        var refused = AgencySharing.Provide(state, new ProvideData("public-employment-office", DataItem.IncomeSummary, "雇用保険"), Now, Clerk);

        Assert.IsType<PersonDataProvided>(Assert.Single(allowed.Events));
        Assert.Equal(new PersonDataRequestRefused(Id, "public-employment-office", DataItem.IncomeSummary, "雇用保険", "no right to this item", Now, Clerk), Assert.Single(refused.Events));
        Assert.False(AgencySharing.Allows("public-employment-office", DataItem.IncomeSummary));
        Assert.False(AgencySharing.Allows("unknown", DataItem.BasicFourItems));
    }

    [Fact]
    public void An_agency_answer_carries_only_the_item_asked_for()
    {
        var state = Given(Registered(), Numbered(),
            new DisabilityCertificateRecorded(Id, "C-1", DisabilityKind.Intellectual, "A", "東京都", new DateOnly(2020, 1, 1), null, Now, Clerk),
            new DisabilityCertificateRecorded(Id, "C-0", DisabilityKind.Physical, "3級", "東京都", new DateOnly(2010, 1, 1), new DateOnly(2015, 1, 1), Now, Clerk));
        var code = new AgencyCode(new string('a', 32));

        var certificates = AgencySharing.Answer(state, code, DataItem.DisabilityCertificates, new DateOnly(2026, 11, 26));

        Assert.Null(certificates.BasicFourItems);
        Assert.Null(certificates.IncomeSummaries);
        Assert.Equal(["C-1"], certificates.DisabilityCertificates!.Select(c => c.CertificateNumber)); // the lapsed one is not given
    }

    [Fact]
    public void An_agency_code_is_recorded_once_per_agency()
    {
        var code = new AgencyCode(new string('b', 32));
        var first = AgencySharing.RecordCodeIssued(Given(Registered()), "tax-office", code, Now, Clerk);
        var state = AggregateState.Fold(Given(Registered()), first.Events);
        Assert.Single(first.Events);
        Assert.Empty(AgencySharing.RecordCodeIssued(state, "tax-office", code, Now, Clerk).Events);
        Assert.Single(AgencySharing.RecordCodeIssued(state, "pension-service", code, Now, Clerk).Events);
    }

    [Fact]
    public void Closed_records_keep_their_data_readable()
    {
        var state = Given(Registered(), Numbered(), Closed());
        Assert.Single(AgencySharing.Provide(state, new ProvideData("pension-service", DataItem.BasicFourItems, "遺族年金"), Now, Clerk).Events);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void The_legal_basis_of_an_erasure_the_leak_decision_and_an_agencys_procedure_are_display_texts(string text)
    {
        var refused = ErasureRules.Request(Given(Registered(), Closed()), new ErasePersonalData(text, Chiyoda), Now.AddYears(151), Clerk, new RecordRetention());
        Assert.Equal("person.invalid-legal-basis", refused.Error?.Code);
        Assert.Empty(refused.Events);
        Assert.Equal("person.invalid-leak-decision", PersonDecider.CanReplaceNumber(Given(Registered(), Numbered()), new ReplaceIndividualNumber(text, Chiyoda))?.Code);
        var unshared = AgencySharing.Provide(Given(Registered()), new ProvideData("welfare-office", DataItem.BasicFourItems, text), Now, Clerk);
        Assert.Equal("agency.invalid-procedure", unshared.Error?.Code);
        Assert.Empty(unshared.Events);
    }
}

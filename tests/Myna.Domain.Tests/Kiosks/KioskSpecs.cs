using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Kiosks;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Domain.Tests.Kiosks;

public class KioskSpecs
{
    // 2026-11-26 10:00 in Japan.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Kiosk = new("store-0001", "kiosk");
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000c1"));
    private static readonly CardId Card = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000c2"));
    private static readonly CardId OtherCard = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000c3"));
    private static readonly BasicFourItems Adult = new("鈴木 一郎", "東京都千代田区永田町1-7-1", new DateOnly(1975, 3, 4), Sex.Male);

    private static PersonState Given(BasicFourItems? items = null, params IPersonEvent[] events) =>
        AggregateState.Fold(PersonState.Initial,
            new IPersonEvent[]
            {
                new PersonRegistered(Id, items ?? Adult, Chiyoda, RegistrationReason.Birth, Now.AddYears(-1), Clerk),
                new ActiveCardChanged(Id, Card, null, Now.AddDays(-30), Clerk),
            }.Concat(events));

    private static IssueKioskCertificate Copy(Guid? document = null, CardId? card = null) =>
        new(document ?? Guid.Parse("0193a5b0-0000-7000-8000-0000000000d1"), KioskDocumentKind.ResidentRecordCopy, null, "store-0001", card ?? Card, "ABCD-EFGH-JKMN-PQRS");

    private static IssueKioskCertificate Taxation(int year) =>
        new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000d2"), KioskDocumentKind.TaxationCertificate, year, "store-0001", Card, "0000-1111-2222-3333");

    private static string? Refused(PersonState state, IssueKioskCertificate command)
    {
        var decision = KioskIssuanceRules.Issue(state, command, Now, Kiosk);
        var refusal = Assert.IsType<KioskCertificateRefused>(Assert.Single(decision.Events));
        Assert.Equal(refusal.Reason, KioskIssuanceRules.Reply(AggregateState.Fold(state, decision.Events), command, Now).Error?.Code);
        return refusal.Reason;
    }

    [Fact]
    public void A_copy_is_built_from_the_current_record_and_its_digest_covers_the_content()
    {
        var decision = KioskIssuanceRules.Issue(Given(), Copy(), Now, Kiosk);

        var issued = Assert.IsType<KioskCertificateIssued>(Assert.Single(decision.Events));
        Assert.Equal(Adult, issued.Holder);
        Assert.Equal(Chiyoda, issued.IssuedBy);
        Assert.Equal(KioskIssuanceRules.HashCode("abcd efgh jkmn pqrs"), issued.VerificationCodeHash);
        var document = KioskIssuanceRules.ToDocument(issued);
        Assert.Equal(KioskIssuanceRules.Digest(document), issued.ContentDigest);
        Assert.NotEqual(issued.ContentDigest, KioskIssuanceRules.Digest(document with { Holder = Adult with { Address = "大阪府大阪市北区1-1" } }));

        var reply = KioskIssuanceRules.Reply(AggregateState.Fold(Given(), decision.Events), Copy(), Now);
        Assert.Equal("ABCD-EFGH-JKMN-PQRS", reply.Value?.VerificationCode);
        Assert.Equal(issued.DocumentId, reply.Value?.DocumentId);
    }

    [Fact]
    public void The_same_document_is_issued_once()
    {
        var issued = AggregateState.Fold(Given(), KioskIssuanceRules.Issue(Given(), Copy(), Now, Kiosk).Events);
        var again = KioskIssuanceRules.Issue(issued, Copy(), Now.AddSeconds(5), Kiosk);
        Assert.Null(again.Error);
        Assert.Empty(again.Events);
    }

    [Fact]
    public void The_deceased_and_those_who_left_the_record_get_nothing()
    {
        Assert.Equal("kiosk.holder-deceased", Refused(Given(null, new ResidentRecordClosed(Id, ClosureReason.Death, new DateOnly(2026, 11, 1), Chiyoda, Now.AddDays(-20), Clerk)), Copy()));
        Assert.Equal("kiosk.holder-moved-out", Refused(Given(null, new ResidentRecordClosed(Id, ClosureReason.EmigratedAbroad, new DateOnly(2026, 11, 1), Chiyoda, Now.AddDays(-20), Clerk)), Copy()));
    }

    [Fact]
    public void A_protection_measure_stops_kiosk_issuance_until_it_ends()
    {
        var started = KioskIssuanceRules.StartProtection(Given(), new StartProtectionMeasure(ProtectionReason.DomesticViolence, Chiyoda), Now, Clerk);
        var protectedState = AggregateState.Fold(Given(), started.Events);
        Assert.Equal("kiosk.protection-measure", Refused(protectedState, Copy()));

        var ended = KioskIssuanceRules.EndProtection(protectedState, new EndProtectionMeasure(Chiyoda), Now, Clerk);
        var lifted = AggregateState.Fold(protectedState, ended.Events);
        Assert.IsType<KioskCertificateIssued>(Assert.Single(KioskIssuanceRules.Issue(lifted, Copy(), Now, Kiosk).Events));
    }

    [Fact]
    public void Only_the_managing_municipality_starts_a_protection_measure()
    {
        Assert.Equal("person.other-municipality",
            KioskIssuanceRules.StartProtection(Given(), new StartProtectionMeasure(ProtectionReason.Stalking, new MunicipalityCode("271004")), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Holders_under_fifteen_are_refused_until_their_fifteenth_birthday()
    {
        var turnsFifteenTomorrow = Adult with { DateOfBirth = new DateOnly(2011, 11, 27) };
        Assert.Equal("kiosk.under-fifteen", Refused(Given(turnsFifteenTomorrow), Copy()));

        var fifteenToday = Adult with { DateOfBirth = new DateOnly(2011, 11, 26) };
        Assert.IsType<KioskCertificateIssued>(Assert.Single(KioskIssuanceRules.Issue(Given(fifteenToday), Copy(), Now, Kiosk).Events));
    }

    [Fact]
    public void Only_the_active_card_can_ask()
    {
        Assert.Equal("kiosk.card-not-active", Refused(Given(), Copy(card: OtherCard)));
    }

    [Fact]
    public void A_taxation_certificate_needs_that_years_record_and_prints_it()
    {
        Assert.Equal("kiosk.no-taxation-record", Refused(Given(), Taxation(2025)));

        var withIncome = Given(null, new IncomeSummaryRecorded(Id, 2025, 5_200_000, 3_100_000, Now.AddMonths(-5), Clerk));
        var issued = Assert.IsType<KioskCertificateIssued>(Assert.Single(KioskIssuanceRules.Issue(withIncome, Taxation(2025), Now, Kiosk).Events));
        Assert.Equal((2025, 5_200_000L, 3_100_000L), (issued.FiscalYear!.Value, issued.TotalIncomeYen!.Value, issued.TaxableIncomeYen!.Value));
    }

    [Fact]
    public void A_taxation_certificate_without_a_year_is_invalid()
    {
        var command = Taxation(2025) with { FiscalYear = null };
        Assert.Equal("kiosk.invalid-request", KioskIssuanceRules.Issue(Given(), command, Now, Kiosk).Error?.Code);
    }

    [Theory]
    [InlineData("06:30", "23:00", "06:29", false)]
    [InlineData("06:30", "23:00", "06:30", true)]
    [InlineData("06:30", "23:00", "22:59", true)]
    [InlineData("06:30", "23:00", "23:00", false)]
    [InlineData("22:00", "02:00", "01:00", true)]
    [InlineData("22:00", "02:00", "12:00", false)]
    public void Service_hours_are_kept_in_Japan_time(string opens, string closes, string japanTime, bool open)
    {
        var at = new DateTimeOffset(new DateOnly(2026, 11, 26), TimeOnly.Parse(japanTime, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(9)).ToUniversalTime();
        var hours = new ServiceHours(TimeOnly.Parse(opens, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(closes, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(open, KioskRules.IsOpen(hours, at));
        Assert.True(KioskRules.IsOpen(null, at));
    }

    [Fact]
    public void A_kiosk_registers_once_and_is_withdrawn_once()
    {
        var register = new RegisterKiosk("ローソン 霞が関店", "13", new ServiceHours(new TimeOnly(6, 30), new TimeOnly(23, 0)));
        var registered = KioskRules.Register(KioskState.Initial, "store-0001", register, Now, Clerk);
        var state = AggregateState.Fold(KioskState.Initial, registered.Events);
        Assert.True(KioskRules.ToView(state, 1).Active);

        Assert.Empty(KioskRules.Register(state, "store-0001", register, Now, Clerk).Events);
        Assert.Equal("kiosk.already-registered", KioskRules.Register(state, "store-0001", register with { Prefecture = "27" }, Now, Clerk).Error?.Code);

        var withdrawn = AggregateState.Fold(state, KioskRules.Withdraw(state, new WithdrawKiosk("store closed"), Now, Clerk).Events);
        Assert.False(KioskRules.ToView(withdrawn, 2).Active);
        Assert.Empty(KioskRules.Withdraw(withdrawn, new WithdrawKiosk("again"), Now, Clerk).Events);
    }

    [Theory]
    [InlineData("", "ローソン", "13")]
    [InlineData("store 1", "ローソン", "13")]
    [InlineData("store-1", "", "13")]
    [InlineData("store-1", "ローソン", "48")]
    public void A_kiosk_registration_is_validated(string id, string store, string prefecture)
    {
        Assert.Equal("kiosk.invalid", KioskRules.Register(KioskState.Initial, id, new RegisterKiosk(store, prefecture, null), Now, Clerk).Error?.Code);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_kiosks_store_name_and_withdrawal_reason_are_display_texts(string text)
    {
        Assert.Equal("kiosk.invalid", KioskRules.Register(KioskState.Initial, "store-0002", new RegisterKiosk(text, "13", null), Now, Clerk).Error?.Code);
        var state = AggregateState.Fold(KioskState.Initial, KioskRules.Register(KioskState.Initial, "store-0002", new RegisterKiosk("ローソン 霞が関店", "13", null), Now, Clerk).Events);
        var refused = KioskRules.Withdraw(state, new WithdrawKiosk(text), Now, Clerk);
        Assert.Equal("kiosk.invalid-reason", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }
}

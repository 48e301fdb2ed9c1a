using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.Domain.Insurance;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Tests.Clinics;

/// <summary>Flow 5's pure rules: which cards confirm eligibility, what the answer holds, how consent is recorded.</summary>
public class EligibilitySpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly Actor Terminal = new("desk-1", "terminal");
    private static readonly PersonId Person = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly CardId Card = new(Guid.Parse("0193a5b0-0000-7000-8000-00000000c0de"));
    private static readonly InsurerNumber Kyokai = new("01130012");

    private static CardView View(CardStatus status = CardStatus.Active, DateOnly? expires = null, bool lapsed = false, bool face = false, InsuranceRegistrationChannel? registered = InsuranceRegistrationChannel.Portal) =>
        new(Card, Person, status, face, new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1), expires ?? new DateOnly(2035, 4, 1), null, 0, null, [], [], 5, null, lapsed, [], registered);

    private static InsuranceSummary Insured(DateOnly? until = null, bool closed = false) =>
        new("山田 太郎", new DateOnly(1990, 4, 1), closed,
            [new InsuranceQualificationView(Guid.NewGuid(), Kyokai, new InsuredId("記号", "1", "00"), new DateOnly(2024, 4, 1), until, CeilingCategory.UnderSeventyB, LinkBasis.IndividualNumber, null)], [], Card);

    public static TheoryData<CardView, VerificationMethod, string?> Cards => new()
    {
        { View(), VerificationMethod.Pin, null },
        { View(), VerificationMethod.FaceMatch, null },
        { View(), VerificationMethod.VisualCheck, null },
        { View(CardStatus.Suspended), VerificationMethod.FaceMatch, "card.suspended" },
        { View(CardStatus.Abolished), VerificationMethod.VisualCheck, "card.abolished" },
        { View(CardStatus.ReadyForPickup), VerificationMethod.FaceMatch, "card.not-active" },
        { View(expires: Today.AddDays(-1)), VerificationMethod.Pin, "card.expired" },
        { View(expires: Today), VerificationMethod.Pin, null },
        { View(lapsed: true), VerificationMethod.FaceMatch, "card.lapsed" },
        { View(face: true), VerificationMethod.Pin, "card.face-authentication-has-no-pin" },
        { View(face: true), VerificationMethod.FaceMatch, null },
        { View(registered: null), VerificationMethod.FaceMatch, "card.not-registered-for-insurance" },
    };

    [Theory]
    [MemberData(nameof(Cards))]
    public void Only_an_active_unexpired_card_registered_for_insurance_confirms_eligibility(CardView card, VerificationMethod method, string? refusal) =>
        Assert.Equal(refusal, EligibilityRules.CardRefusal(card, Today, method));

    [Fact]
    public void The_active_qualification_is_found_by_day_and_a_closed_record_has_none()
    {
        Assert.Null(EligibilityRules.Qualification(Insured(), Today).Reason);
        Assert.Equal("insurance.no-active-qualification", EligibilityRules.Qualification(Insured(until: Today.AddDays(-1)), Today).Reason);
        Assert.Equal("person.record-closed", EligibilityRules.Qualification(Insured(closed: true), Today).Reason);
    }

    [Fact]
    public void The_ceiling_category_is_in_the_answer_only_with_consent()
    {
        var insurance = Insured();
        var qualification = insurance.Qualifications[0];

        var without = EligibilityRules.Answer(Guid.NewGuid(), insurance, qualification, null, [ClinicConsentScope.MedicationHistory], Now.AddHours(24));
        var with = EligibilityRules.Answer(Guid.NewGuid(), insurance, qualification, null, [ClinicConsentScope.CeilingCategory], Now.AddHours(24));
        var refused = EligibilityRules.Answer(Guid.NewGuid(), null, null, "card.suspended", [], null);

        Assert.True(without.Eligible);
        Assert.Null(without.Ceiling);
        Assert.Equal(CeilingCategory.UnderSeventyB, with.Ceiling);
        Assert.False(refused.Eligible);
        Assert.Null(refused.PatientName);
        Assert.Null(refused.Insurer);
    }

    [Fact]
    public void A_check_is_always_on_the_ledger_and_consent_only_when_eligible_lasts_24_hours()
    {
        var eligible = new RecordEligibilityCheck(Guid.NewGuid(), (CardId?)Card, "1311234567", "desk-1", VerificationMethod.VisualCheck, "nurse-1", true, null, Kyokai, [ClinicConsentScope.ClinicalInformation]);
        var refused = eligible with { Eligible = false, Reason = "card.suspended" };

        var recorded = EligibilityRules.Record(Person, eligible, Now, Terminal);
        var refusal = EligibilityRules.Record(Person, refused, Now, Terminal);
        var ledger = AggregateState.Fold(LedgerState.Initial, recorded.Events);

        Assert.Collection(recorded.Events, e => Assert.IsType<EligibilityChecked>(e), e => Assert.Equal(Now.AddHours(24), Assert.IsType<ClinicConsentGiven>(e).ValidUntil));
        Assert.IsType<EligibilityChecked>(Assert.Single(refusal.Events));
        Assert.True(Assert.Single(EligibilityRules.Consents(ledger, Now.AddHours(23))).Active);
        Assert.False(Assert.Single(EligibilityRules.Consents(ledger, Now.AddHours(24))).Active);
        Assert.Equal("nurse-1", EligibilityRules.Consents(ledger, Now)[0].StaffId);
    }

    [Fact]
    public void The_ledger_state_stays_bounded()
    {
        var events = Enumerable.Range(0, LedgerState.KeptConsents + 10).SelectMany(i => EligibilityRules.Record(Person,
            new RecordEligibilityCheck(Guid.NewGuid(), Card, "1311234567", "desk-1", VerificationMethod.Pin, null, true, null, Kyokai, [ClinicConsentScope.MedicationHistory]),
            Now.AddMinutes(i), Terminal).Events);

        var state = AggregateState.Fold(LedgerState.Initial, events);

        Assert.Equal(LedgerState.KeptConsents + 10, state.Checks);
        Assert.Equal(LedgerState.KeptConsents, state.RecentConsents.Count);
    }

    [Theory]
    [InlineData(VerificationMethod.Pin, null, true, false, "eligibility.invalid-pin")]
    [InlineData(VerificationMethod.FaceMatch, null, true, false, "eligibility.invalid-attestation")]
    [InlineData(VerificationMethod.VisualCheck, null, true, true, "eligibility.invalid-staff")]
    [InlineData(VerificationMethod.VisualCheck, "nurse 1", true, true, "eligibility.invalid-staff")]
    [InlineData(VerificationMethod.VisualCheck, "nurse-1", true, true, null)]
    [InlineData(VerificationMethod.FaceMatch, null, true, true, null)]
    public void Each_method_brings_its_own_proof(VerificationMethod method, string? staff, bool withCard, bool withSignatures, string? error)
    {
        var command = new CheckEligibility("1311234567", "desk-1", method, withCard ? Card : null, withSignatures ? "ABC" : null,
            withSignatures ? [1] : null, withSignatures ? [1] : null, staff, []);

        Assert.Equal(error, EligibilityRules.ValidateRequest(command)?.Code);
    }

    [Fact]
    public void A_card_is_registered_for_insurance_once_and_a_face_authentication_card_only_at_a_clinic()
    {
        var applied = new CardApplied(Card, Person, new DateOnly(1990, 4, 1), ApplicationChannel.Counter, true, false, false, 0, new DateOnly(2026, 1, 1), Now.AddDays(-60), Terminal);
        var face = AggregateState.Fold(CardState.Initial, new ICardEvent[]
        {
            applied,
            new CardProduced(Card, "B", Now.AddDays(-30), Terminal),
            new CardReadyForPickup(Card, new MunicipalityCode("131016"), Now.AddDays(-20), Terminal),
            new CardHandedOver(Card, Today.AddDays(-10), Today.AddYears(9), null, false, Now.AddDays(-10), Terminal),
        });

        var atPortal = CardDecider.RegisterForInsurance(face, new RegisterCardForInsurance(InsuranceRegistrationChannel.Portal), Today, Now, Terminal);
        var atClinic = CardDecider.RegisterForInsurance(face, new RegisterCardForInsurance(InsuranceRegistrationChannel.ClinicTerminal), Today, Now, Terminal);
        var registered = AggregateState.Fold(face, atClinic.Events);
        var again = CardDecider.RegisterForInsurance(registered, new RegisterCardForInsurance(InsuranceRegistrationChannel.ClinicTerminal), Today, Now, Terminal);
        var suspended = AggregateState.Fold(face, [new CardSuspended(Card, "lost", Now, Terminal)]);

        Assert.Equal("card.face-authentication-clinic-only", atPortal.Error?.Code);
        Assert.Equal(InsuranceRegistrationChannel.ClinicTerminal, Assert.IsType<CardRegisteredForInsurance>(Assert.Single(atClinic.Events)).Channel);
        Assert.Empty(again.Events);
        Assert.Equal("card.suspended", CardDecider.RegisterForInsurance(suspended, new RegisterCardForInsurance(InsuranceRegistrationChannel.ClinicTerminal), Today, Now, Terminal).Error?.Code);
        Assert.Null(AggregateState.Fold(registered, CardDecider.CancelInsuranceRegistration(registered, new CancelCardInsuranceRegistration("moved to paper"), Now, Terminal).Events).InsuranceRegistration);
    }
}

using Myna.Domain.Tests.Common;
using Myna.Domain.Tests.Support;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Cards;

/// <summary>Every transition and every refusal of the card lifecycle.</summary>
public class CardSpecs : DeciderSpec<CardState, ICardEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly Actor CallCentre = new("operator-9", "call-centre");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly CardId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-00000000c0de"));
    private static readonly PersonId Holder = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly System.Security.Cryptography.ECDsa Chip = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    private static readonly string Key = Convert.ToBase64String(Chip.ExportSubjectPublicKeyInfo());
    /// <summary>The chip's key signed a challenge (the grain checked its seal and spent it): a key proof, or presence by the card's key.</summary>
    private static readonly ChipProof Proof = Signed(Chip, "myna-challenge/1 (sealed by the grain)");

    private static ChipProof Signed(System.Security.Cryptography.ECDsa key, string challenge)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(challenge);
        return new ChipProof(bytes, key.SignData(bytes, System.Security.Cryptography.HashAlgorithmName.SHA256));
    }
    private static readonly CertificateSerials Serials = new("U-1", "S-1");


    private static ICardEvent[] ReadyFor(DateOnly dob, bool faceAuth = false, bool guardianship = false) =>
    [
        new CardApplied(Id, Holder, dob, ApplicationChannel.Smartphone, faceAuth, guardianship, false, 0, new DateOnly(2026, 9, 1), Now.AddDays(-80), Clerk),
        new CardProduced(Id, "BATCH-26-09", Now.AddDays(-40), Clerk),
        new CardReadyForPickup(Id, Chiyoda, Now.AddDays(-10), Clerk),
    ];

    private static CardState Active(DateOnly? dob = null)
    {
        var ready = Given(ReadyFor(dob ?? new DateOnly(1990, 4, 1)));
        return AggregateState.Fold(ready, CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key, Proof, Proof), Serials, Now, Clerk).Events);
    }

    [Fact]
    public void Applying_records_channel_and_no_fee_for_a_first_card_but_a_fee_for_a_reissue()
    {
        var first = CardDecider.ApplyFor(Given(), Id, new ApplyForCard(Holder, ApplicationChannel.PhotoBooth, false, false, false), new DateOnly(1990, 4, 1), Now, Clerk);
        var reissue = CardDecider.ApplyFor(Given(), Id, new ApplyForCard(Holder, ApplicationChannel.Counter, false, false, true), new DateOnly(1990, 4, 1), Now, Clerk);
        Assert.Equal(0, Assert.IsType<CardApplied>(Assert.Single(first.Events)).FeeYen);
        Assert.Equal(CardDecider.ReissueFeeYen, Assert.IsType<CardApplied>(Assert.Single(reissue.Events)).FeeYen);
        Assert.Equal("card.already-applied", CardDecider.ApplyFor(Given(ReadyFor(new DateOnly(1990, 4, 1))), Id, new ApplyForCard(Holder, ApplicationChannel.Pc, false, false, false), new DateOnly(1990, 4, 1), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Steps_only_happen_in_order()
    {
        var applied = Given(ReadyFor(new DateOnly(1990, 4, 1))[0]);
        Assert.Equal("card.invalid-transition", CardDecider.ReadyForPickup(applied, new MarkCardReadyForPickup(Chiyoda), Now, Clerk).Error?.Code);
        Assert.Equal("card.invalid-transition", CardDecider.HandOver(applied, new HandOverCard(null, true, Key, Key, Proof, Proof), Serials, Now, Clerk).Error?.Code);
        Assert.Equal("card.not-found", CardDecider.Produce(Given(), new MarkCardProduced("B"), Now, Clerk).Error?.Code);
    }

    [Theory]
    [MemberData(nameof(ExternalIdSpecs.Refused), MemberType = typeof(ExternalIdSpecs))]
    public void A_chip_batch_is_an_external_id(string batch)
    {
        var applied = Given(ReadyFor(new DateOnly(1990, 4, 1))[0]);
        ThenRefused(CardDecider.Produce(applied, new MarkCardProduced(batch), Now, Clerk), "card.invalid-chip-batch");
        Assert.Equal("2026-12-D", ThenRecorded<CardProduced>(CardDecider.Produce(applied, new MarkCardProduced(" 2026-12-D "), Now, Clerk)).ChipBatch);
    }

    [Fact]
    public void Handover_fixes_validity_and_issues_both_certificates_to_an_adult()
    {
        var ready = Given(ReadyFor(new DateOnly(1990, 4, 1)));
        var decision = CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key, Proof, Proof), Serials, Now, Clerk);

        var handedOver = Assert.IsType<CardHandedOver>(decision.Events[0]);
        Assert.Equal(new DateOnly(2036, 4, 1), handedOver.ExpiresOn);
        var certificates = decision.Events.OfType<CertificateIssued>().ToList();
        Assert.Equal([CertificateKind.UserAuthentication, CertificateKind.Signature], certificates.Select(c => c.Kind));
        Assert.All(certificates, c => Assert.Equal(new DateOnly(2031, 4, 1), c.ValidUntil));
        Assert.Equal(CardStatus.Active, AggregateState.Fold(ready, decision.Events).Status);
    }

    [Theory]
    [InlineData(14, false, false)]
    [InlineData(15, false, true)]
    [InlineData(40, true, false)]
    public void No_signature_certificate_under_15_or_under_guardianship(int age, bool guardianship, bool signs)
    {
        var dob = Today.AddYears(-age).AddDays(-1);
        var ready = Given(ReadyFor(dob, guardianship: guardianship));
        var decision = CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key, Proof, Proof), Serials, Now, Clerk);
        Assert.Equal(signs, decision.Events.OfType<CertificateIssued>().Any(c => c.Kind == CertificateKind.Signature));
        Assert.Contains(decision.Events.OfType<CertificateIssued>(), c => c.Kind == CertificateKind.UserAuthentication);
    }

    [Fact]
    public void A_face_authentication_card_has_no_pins_and_no_certificates()
    {
        var ready = Given(ReadyFor(new DateOnly(1950, 1, 1), faceAuth: true));
        var decision = CardDecider.HandOver(ready, new HandOverCard(ProxyHandoverReason.Aged75OrOver, false, null, null), Serials, Now, Clerk);
        var state = AggregateState.Fold(ready, decision.Events);

        Assert.Empty(decision.Events.OfType<CertificateIssued>());
        Assert.Equal(CardStatus.Active, state.Status);
        Assert.Equal("card.face-authentication-has-no-pin", CardDecider.ReportPinLock(state, new ReportPinLock(PinKind.UserAuthenticationPin), Now, Clerk).Error?.Code);
        Assert.Equal("certificate.none", CardRules.CanUse(state, CertificateKind.UserAuthentication, Today)?.Code);
    }

    [Fact]
    public void Handover_needs_the_pins_set_and_the_chips_keys()
    {
        var ready = Given(ReadyFor(new DateOnly(1990, 4, 1)));
        Assert.Equal("card.pins-not-set", CardDecider.HandOver(ready, new HandOverCard(null, false, Key, Key, Proof, Proof), Serials, Now, Clerk).Error?.Code);
        Assert.Equal("card.invalid-public-key", CardDecider.HandOver(ready, new HandOverCard(null, true, "not base64!", Key, Proof, Proof), Serials, Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_suspended_card_cannot_authenticate_and_resumes_only_with_the_card_at_a_counter()
    {
        var active = Active();
        Assert.Null(CardRules.CanUse(active, CertificateKind.UserAuthentication, Today));

        var suspended = AggregateState.Fold(active, CardDecider.Suspend(active, new SuspendCard("lost on the train"), Now, CallCentre).Events);
        Assert.Equal("card.suspended", CardRules.CanUse(suspended, CertificateKind.UserAuthentication, Today)?.Code);
        Assert.Equal("card.already-suspended", CardDecider.Suspend(suspended, new SuspendCard("x"), Now, CallCentre).Error?.Code);
        Assert.Equal("card.not-presented", CardDecider.Resume(suspended, new ResumeCard(Chiyoda, null, Key, Proof), "S-2", Now, Clerk).Error?.Code);

        var resume = CardDecider.Resume(suspended, new ResumeCard(Chiyoda, Proof, Key, Proof), "S-2", Now, Clerk);
        var resumed = AggregateState.Fold(suspended, resume.Events);
        Assert.Equal(CardStatus.Active, resumed.Status);
        Assert.Equal("S-2", resumed.Live(CertificateKind.Signature)?.Serial); // the signature certificate is reissued
        Assert.Equal("reissued on resumption", resumed.Certificates.Single(c => c.Serial == "S-1").RevokedBecause);
        Assert.Null(CardRules.CanUse(resumed, CertificateKind.Signature, Today));
    }

    [Fact]
    public void Abolition_is_terminal()
    {
        var abolished = AggregateState.Fold(Active(), CardDecider.Abolish(Active(), new AbolishCard(AbolitionReason.Lost), Now, CallCentre).Events);
        Assert.Equal("card.abolished", CardDecider.Abolish(abolished, new AbolishCard(AbolitionReason.Returned), Now, Clerk).Error?.Code);
        Assert.Equal("card.abolished", CardDecider.Suspend(abolished, new SuspendCard("x"), Now, CallCentre).Error?.Code);
        Assert.Equal("card.abolished", CardDecider.Resume(abolished, new ResumeCard(Chiyoda, Proof, Key, Proof), "S-9", Now, Clerk).Error?.Code);
        Assert.Equal("card.abolished", CardRules.CanUse(abolished, CertificateKind.UserAuthentication, Today)?.Code);
        Assert.All(abolished.Certificates, c => Assert.Equal("revoked", CardRules.CertificateStatus(abolished, c, Today)));
    }

    [Fact]
    public void An_expired_card_fails_by_the_clock_alone()
    {
        var active = Active(new DateOnly(1990, 4, 1)); // expires 2036-04-01
        Assert.Null(CardRules.CanUse(active, CertificateKind.UserAuthentication, new DateOnly(2031, 4, 1)));
        Assert.Equal("certificate.expired", CardRules.CanUse(active, CertificateKind.UserAuthentication, new DateOnly(2031, 4, 2))?.Code);
        Assert.Equal("card.expired", CardRules.CanUse(active, CertificateKind.UserAuthentication, new DateOnly(2036, 4, 2))?.Code);
    }

    [Fact]
    public void A_basic_four_change_revokes_the_signature_certificate_only()
    {
        var active = Active();
        var after = AggregateState.Fold(active, CardDecider.RevokeSignature(active, new RevokeSignatureCertificate("basic four items changed"), Now, Clerk).Events);
        Assert.Null(after.Live(CertificateKind.Signature));
        Assert.NotNull(after.Live(CertificateKind.UserAuthentication));
        Assert.Empty(CardDecider.RevokeSignature(after, new RevokeSignatureCertificate("again"), Now, Clerk).Events);
    }

    [Fact]
    public void Pin_locks_are_reported_once_and_reset_at_the_counter_with_the_card()
    {
        var active = Active();
        var locked = AggregateState.Fold(active, CardDecider.ReportPinLock(active, new ReportPinLock(PinKind.SignaturePassword), Now, Clerk).Events);
        Assert.Equal([PinKind.SignaturePassword], locked.LockedPins);
        Assert.Empty(CardDecider.ReportPinLock(locked, new ReportPinLock(PinKind.SignaturePassword), Now, Clerk).Events);
        Assert.Equal("card.not-presented", CardDecider.ResetPin(locked, new ResetPin(PinKind.SignaturePassword, null), Now, Clerk).Error?.Code);
        var reset = AggregateState.Fold(locked, CardDecider.ResetPin(locked, new ResetPin(PinKind.SignaturePassword, Proof), Now, Clerk).Events);
        Assert.Empty(reset.LockedPins);
    }

    [Fact]
    public void A_move_not_followed_by_a_card_update_within_90_days_lapses_the_card()
    {
        var active = Active();
        var moved = AggregateState.Fold(active, CardDecider.NoteHolderMoved(active, new NoteHolderMoved(new DateOnly(2026, 11, 1)), Now, Clerk).Events);

        Assert.Equal(new DateOnly(2027, 1, 30), moved.AddressUpdateDueBy);
        Assert.Null(CardRules.CanUse(moved, CertificateKind.UserAuthentication, new DateOnly(2027, 1, 30)));
        Assert.Equal("card.lapsed", CardRules.CanUse(moved, CertificateKind.UserAuthentication, new DateOnly(2027, 1, 31))?.Code);
        Assert.True(CardViews.ToView(moved, new DateOnly(2027, 1, 31), 1).Lapsed);

        var updated = AggregateState.Fold(moved, CardDecider.RecordAddressUpdate(moved, new RecordCardAddressUpdate(Chiyoda, Proof), Now, Clerk).Events);
        Assert.Null(updated.AddressUpdateDueBy);
        Assert.Null(CardRules.CanUse(updated, CertificateKind.UserAuthentication, new DateOnly(2027, 6, 1)));
        Assert.Equal("card.not-presented", CardDecider.RecordAddressUpdate(moved, new RecordCardAddressUpdate(Chiyoda, null), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_lapsed_card_cannot_be_updated_any_more()
    {
        var active = Active();
        var moved = AggregateState.Fold(active, CardDecider.NoteHolderMoved(active, new NoteHolderMoved(new DateOnly(2026, 6, 1)), Now, Clerk).Events);
        Assert.Equal("card.lapsed", CardDecider.RecordAddressUpdate(moved, new RecordCardAddressUpdate(Chiyoda, Proof), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Conversion_to_face_authentication_revokes_certificates_and_back_issues_new_ones()
    {
        var active = Active();
        Assert.Equal("card.not-presented", CardDecider.ConvertToFaceAuthentication(active, new ConvertToFaceAuthentication(null), Now, Clerk).Error?.Code);

        var face = AggregateState.Fold(active, CardDecider.ConvertToFaceAuthentication(active, new ConvertToFaceAuthentication(Proof), Now, Clerk).Events);
        Assert.True(face.FaceAuthentication);
        Assert.All(face.Certificates, c => Assert.NotNull(c.RevokedBecause));
        Assert.Equal("certificate.none", CardRules.CanUse(face, CertificateKind.UserAuthentication, Today)?.Code);
        Assert.Equal("card.face-authentication-has-no-pin", CardDecider.ResetPin(face, new ResetPin(PinKind.UserAuthenticationPin, Proof), Now, Clerk).Error?.Code);

        // A face-authentication card cannot sign: the clerk's photo-ID check comes first.
        Assert.Equal("card.identity-not-verified", CardDecider.ConvertToPinCard(face, new ConvertToPinCard(true, Key, Key, Proof, Proof), Serials, Now, Clerk).Error?.Code);
        face = AggregateState.Fold(face, CardDecider.RecordIdentityVerification(face, new RecordHolderIdentityVerification(Chiyoda, [Myna.GrainInterfaces.Persons.PresentedDocumentKind.Passport]), Now, Clerk).Events);
        var back = AggregateState.Fold(face, CardDecider.ConvertToPinCard(face, new ConvertToPinCard(true, Key, Key, Proof, Proof), new CertificateSerials("U-2", "S-2"), Now, Clerk).Events);
        Assert.False(back.FaceAuthentication);
        Assert.Equal("U-2", back.Live(CertificateKind.UserAuthentication)?.Serial);
        Assert.Equal("S-2", back.Live(CertificateKind.Signature)?.Serial);
        Assert.True(back.Live(CertificateKind.Signature)!.ValidUntil <= back.ExpiresOn);
        Assert.Equal("card.pins-not-set", CardDecider.ConvertToPinCard(face, new ConvertToPinCard(false, Key, Key, Proof, Proof), Serials, Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Linked_credentials_follow_the_card()
    {
        var active = Active();
        var linked = AggregateState.Fold(active, CardDecider.LinkSmartphone(active, "abcdef0123456789", Now, Clerk).Events);
        Assert.Equal("active", CardRules.CredentialStatus(linked, Today));
        Assert.Empty(CardDecider.LinkSmartphone(linked, "abcdef0123456789", Now, Clerk).Events);
        var suspended = AggregateState.Fold(linked, CardDecider.Suspend(linked, new SuspendCard("lost"), Now, CallCentre).Events);
        Assert.Equal("suspended", CardRules.CredentialStatus(suspended, Today));
        Assert.Equal("card.invalid-transition", CardDecider.LinkSmartphone(suspended, "other", Now, Clerk).Error?.Code);
        var abolished = AggregateState.Fold(linked, CardDecider.Abolish(linked, new AbolishCard(AbolitionReason.Lost), Now, CallCentre).Events);
        Assert.Equal("revoked", CardRules.CredentialStatus(abolished, Today));
    }

    [Fact]
    public void Certificates_renew_from_three_months_before_expiry_and_never_past_the_card()
    {
        var active = Active(new DateOnly(1990, 4, 1)); // certificates to 2031-04-01, card to 2036-04-01
        var early = new DateTimeOffset(2030, 12, 31, 0, 0, 0, TimeSpan.Zero);
        var open = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal("certificate.renewal-not-open", CardDecider.RenewCertificates(active, new RenewCertificates(Proof, Key, Key, Proof, Proof), new CertificateSerials("U-9", "S-9"), early, Clerk).Error?.Code);
        Assert.Equal("card.not-presented", CardDecider.RenewCertificates(active, new RenewCertificates(null, Key, Key, Proof, Proof), new CertificateSerials("U-9", "S-9"), open, Clerk).Error?.Code);

        var renewed = AggregateState.Fold(active, CardDecider.RenewCertificates(active, new RenewCertificates(Proof, Key, Key, Proof, Proof), new CertificateSerials("U-9", "S-9"), open, Clerk).Events);
        Assert.Equal("U-9", renewed.Live(CertificateKind.UserAuthentication)?.Serial);
        // The 5th birthday after 2031-01-01 is 2035-04-01, before the card's 2036-04-01.
        Assert.Equal(new DateOnly(2035, 4, 1), renewed.Live(CertificateKind.Signature)?.ValidUntil);
        Assert.Equal(2, renewed.Certificates.Count(c => c.RevokedBecause == "renewed"));

        var late = new DateTimeOffset(2035, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var capped = AggregateState.Fold(active, CardDecider.RenewCertificates(active, new RenewCertificates(Proof, Key, Key, Proof, Proof), new CertificateSerials("U-8", "S-8"), late, Clerk).Events);
        Assert.Equal(new DateOnly(2036, 4, 1), capped.Live(CertificateKind.UserAuthentication)?.ValidUntil);
    }

    [Fact]
    public void The_view_shows_certificate_status_and_the_renewal_window()
    {
        var view = CardViews.ToView(Active(), Today, 5);
        Assert.Equal(new DateOnly(2036, 1, 1), view.RenewalOpensOn);
        Assert.All(view.Certificates, c => Assert.Equal("good", c.Status));
    }

    [Fact]
    public void A_new_key_is_accepted_only_with_its_own_signature_over_a_key_proof()
    {
        var ready = Given(ReadyFor(new DateOnly(1990, 4, 1)));
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var byAnotherKey = Signed(other, "challenge");

        Assert.Equal("card.key-not-proven", CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key), Serials, Now, Clerk).Error?.Code);
        Assert.Equal("card.key-not-proven", CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key, byAnotherKey, Proof), Serials, Now, Clerk).Error?.Code);
        Assert.Equal("card.key-not-proven", CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key, Proof, byAnotherKey), Serials, Now, Clerk).Error?.Code);
        Assert.Null(CardDecider.HandOver(ready, new HandOverCard(null, true, Key, Key, Proof, Proof), Serials, Now, Clerk).Error);
        var suspended = AggregateState.Fold(Active(), [new CardSuspended(Id, "lost", Now, CallCentre)]);
        Assert.Equal("card.key-not-proven", CardDecider.Resume(suspended, new ResumeCard(Chiyoda, Proof, Key, byAnotherKey), "S-2", Now, Clerk).Error?.Code);
    }

    [Fact]
    public void The_card_is_present_when_its_own_key_signed_and_a_suspended_card_signs_only_for_its_resumption()
    {
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var active = Active();
        var suspended = AggregateState.Fold(active, [new CardSuspended(Id, "lost", Now, CallCentre)]);

        Assert.Null(CardRules.CardPresent(active, Proof, Now));
        Assert.Equal("card.not-presented", CardRules.CardPresent(active, Signed(other, "challenge"), Now)?.Code);
        Assert.Equal("card.not-presented", CardRules.CardPresent(active, null, Now)?.Code);
        Assert.Null(CardRules.CardPresent(suspended, Proof, Now, forResumption: true));
        // A suspended card's signature stands for nothing else: an address update needs the photo-ID check.
        Assert.Equal("card.identity-not-verified", CardDecider.RecordAddressUpdate(suspended, new RecordCardAddressUpdate(Chiyoda, Proof), Now, Clerk).Error?.Code);
    }

    [Fact]
    public void Where_the_chip_cannot_sign_a_recent_photo_id_check_stands_for_the_card()
    {
        var active = Active();
        var locked = AggregateState.Fold(active, CardDecider.ReportPinLock(active, new ReportPinLock(PinKind.UserAuthenticationPin), Now, Clerk).Events);
        Assert.Equal("card.identity-not-verified", CardDecider.ResetPin(locked, new ResetPin(PinKind.UserAuthenticationPin, Proof), Now, Clerk).Error?.Code);
        Assert.Equal("card.identity-documents-insufficient", CardDecider.RecordIdentityVerification(locked,
            new RecordHolderIdentityVerification(Chiyoda, [Myna.GrainInterfaces.Persons.PresentedDocumentKind.HealthInsuranceCard]), Now, Clerk).Error?.Code);

        var checkedIn = AggregateState.Fold(locked, CardDecider.RecordIdentityVerification(locked,
            new RecordHolderIdentityVerification(Chiyoda, [Myna.GrainInterfaces.Persons.PresentedDocumentKind.DriversLicence]), Now, Clerk).Events);

        var reset = CardDecider.ResetPin(checkedIn, new ResetPin(PinKind.UserAuthenticationPin, null), Now.AddMinutes(10), Clerk);
        Assert.IsType<PinReset>(Assert.Single(reset.Events));
        Assert.Equal("card.identity-not-verified", CardDecider.ResetPin(checkedIn, new ResetPin(PinKind.UserAuthenticationPin, null), Now + CardRules.IdentityCheckValidity + TimeSpan.FromMinutes(1), Clerk).Error?.Code);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_suspension_or_cancellation_reason_is_a_display_text(string reason)
    {
        ThenRefused(CardDecider.Suspend(Active(), new SuspendCard(reason), Now, CallCentre), "card.invalid-reason");
        ThenRefused(CardDecider.Suspend(Active(), new SuspendCard(new string('x', CardDecider.MaxReasonLength + 1)), Now, CallCentre), "card.invalid-reason");
        ThenRefused(CardDecider.CancelInsuranceRegistration(Active(), new CancelCardInsuranceRegistration(reason), Now, Clerk), "card.invalid-reason");
    }

    [Theory]
    [MemberData(nameof(HostileText.Accepted), MemberType = typeof(HostileText))]
    public void An_ordinary_suspension_reason_is_recorded_as_keyed(string reason)
    {
        Assert.Equal(reason, ThenRecorded<CardSuspended>(CardDecider.Suspend(Active(), new SuspendCard($"  {reason} "), Now, CallCentre)).Reason);
        Assert.Equal("lost", ThenRecorded<CardSuspended>(CardDecider.Suspend(Active(), new SuspendCard(" "), Now, CallCentre)).Reason);
    }
}

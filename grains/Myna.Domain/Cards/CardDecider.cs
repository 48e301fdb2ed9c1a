using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.Domain.Calendar;

namespace Myna.Domain.Cards;

/// <summary>Certificate serials are minted outside (random) and passed in, so deciding stays pure.</summary>
public sealed record CertificateSerials(string UserAuthentication, string Signature);

/// <summary>Pure rules of the Individual Number Card lifecycle.</summary>
public static class CardDecider
{
    /// <summary>Reissue after loss: 800 yen for the card and 200 yen for the certificates (recorded, not charged here).</summary>
    public const int ReissueFeeYen = 1_000;

    /// <summary>The holder's date of birth comes from the person's record (validity is computed from it at issue).</summary>
    public static Decision<ICardEvent> ApplyFor(CardState state, CardId id, ApplyForCard command, DateOnly holderDateOfBirth, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.None)
        {
            return CardErrors.AlreadyApplied;
        }
        if (!Enum.IsDefined(command.Channel))
        {
            return DomainError.Validation("card.invalid-channel", "Paper form, smartphone, PC, photo booth or counter.");
        }
        var today = JapanCalendar.DateOf(now);
        if (holderDateOfBirth > today)
        {
            return DomainError.Validation("card.invalid-date-of-birth", "The holder's date of birth is in the future.");
        }
        return Decision<ICardEvent>.Accept(new CardApplied(id, command.PersonId, holderDateOfBirth, command.Channel,
            command.FaceAuthentication, command.UnderGuardianship, command.Reissue, command.Reissue ? ReissueFeeYen : 0, today, now, actor));
    }

    public static Decision<ICardEvent> Produce(CardState state, MarkCardProduced command, DateTimeOffset now, Actor actor) =>
        state.Status != CardStatus.Applied ? Wrong(state, CardStatus.Applied)
        : !ExternalId.Fits(command.ChipBatch?.Trim(), MaxChipBatchLength)
            ? DomainError.Validation("card.invalid-chip-batch", $"A chip batch id is 1 to {MaxChipBatchLength} {ExternalId.Shape}.")
            : Decision<ICardEvent>.Accept(new CardProduced(state.Id, command.ChipBatch!.Trim(), now, actor));

    /// <summary>The longest chip batch id a card maker keys (a suspension campaign names one).</summary>
    public const int MaxChipBatchLength = 40;

    public static Decision<ICardEvent> ReadyForPickup(CardState state, MarkCardReadyForPickup command, DateTimeOffset now, Actor actor) =>
        state.Status != CardStatus.Produced
            ? Wrong(state, CardStatus.Produced)
            : Decision<ICardEvent>.Accept(new CardReadyForPickup(state.Id, command.Municipality, now, actor));

    /// <summary>
    /// Handover fixes validity from the holder's date of birth and the issue date, and issues the
    /// certificates: user authentication always (but not on a face-authentication card), signature only
    /// from age 15, never for an adult under guardianship, never on a face-authentication card.
    /// </summary>
    public static Decision<ICardEvent> HandOver(CardState state, HandOverCard command, CertificateSerials serials, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.ReadyForPickup)
        {
            return Wrong(state, CardStatus.ReadyForPickup);
        }
        if (command.ProxyReason is { } reason && !Enum.IsDefined(reason))
        {
            return DomainError.Validation("card.invalid-proxy-reason", "A proxy collects a card only for a listed reason.");
        }
        var issuedOn = JapanCalendar.DateOf(now);
        var expiresOn = CardValidity.CardExpiry(state.HolderDateOfBirth, state.AppliedOn, issuedOn);
        var events = new List<ICardEvent>();
        if (state.FaceAuthentication)
        {
            events.Add(new CardHandedOver(state.Id, issuedOn, expiresOn, command.ProxyReason, PinsSet: false, now, actor));
            return Decision<ICardEvent>.Accept([.. events]);
        }
        if (!command.PinsSet)
        {
            return CardErrors.PinsNotSet;
        }
        if (!IsPublicKey(command.UserAuthenticationPublicKey))
        {
            return CardErrors.NoPublicKey;
        }
        if (CardRules.KeyProven(command.UserAuthenticationPublicKey, command.UserAuthenticationKeyProof) is { } unproven)
        {
            return unproven;
        }
        var certificateExpiry = CardValidity.CertificateExpiry(state.HolderDateOfBirth, issuedOn, expiresOn);
        events.Add(new CardHandedOver(state.Id, issuedOn, expiresOn, command.ProxyReason, PinsSet: true, now, actor));
        events.Add(new CertificateIssued(state.Id, CertificateKind.UserAuthentication, serials.UserAuthentication,
            command.UserAuthenticationPublicKey!, certificateExpiry, now, actor));
        if (CardRules.MaySign(state, issuedOn))
        {
            if (!IsPublicKey(command.SignaturePublicKey))
            {
                return CardErrors.NoPublicKey;
            }
            if (CardRules.KeyProven(command.SignaturePublicKey, command.SignatureKeyProof) is { } unprovenSignature)
            {
                return unprovenSignature;
            }
            events.Add(new CertificateIssued(state.Id, CertificateKind.Signature, serials.Signature,
                command.SignaturePublicKey!, certificateExpiry, now, actor));
        }
        return Decision<ICardEvent>.Accept([.. events]);
    }

    /// <summary>The longest reason a card's suspension or cancellation records.</summary>
    public const int MaxReasonLength = 200;

    private static readonly DomainError InvalidReason =
        DomainError.Validation("card.invalid-reason", $"Give a reason of 1 to {MaxReasonLength} {DisplayText.Shape}.");

    /// <summary>
    /// The call centre, or the holder, suspends an active card at any hour; its certificates stop working with it.
    /// The reason is free text the holder may key: it is a display text like any other (no reason says "lost").
    /// </summary>
    public static Decision<ICardEvent> Suspend(CardState state, SuspendCard command, DateTimeOffset now, Actor actor)
    {
        var reason = string.IsNullOrWhiteSpace(command.Reason) ? "lost" : command.Reason.Trim();
        if (!DisplayText.Fits(reason, MaxReasonLength))
        {
            return InvalidReason;
        }
        return state.Status switch
        {
            CardStatus.Active => Decision<ICardEvent>.Accept(new CardSuspended(state.Id, reason, now, actor)),
            CardStatus.Suspended => CardErrors.AlreadySuspended,
            _ => Wrong(state, CardStatus.Active),
        };
    }

    /// <summary>A suspension campaign stops an active card; the campaign id is recorded as data on its own event.</summary>
    public static Decision<ICardEvent> SuspendForCampaign(CardState state, SuspendCardForCampaign command, DateTimeOffset now, Actor actor) => state.Status switch
    {
        _ when command.CampaignId == Guid.Empty => DomainError.Validation("card.invalid-campaign", "A campaign suspension names its campaign."),
        CardStatus.Active => Decision<ICardEvent>.Accept(new CardSuspendedByCampaign(state.Id, command.CampaignId,
            string.IsNullOrWhiteSpace(command.Reason) ? "suspension campaign" : command.Reason.Trim(), now, actor)),
        CardStatus.Suspended => CardErrors.AlreadySuspended,
        _ => Wrong(state, CardStatus.Active),
    };

    /// <summary>Invariant 5: resumption needs an in-person counter event with the card; the signature certificate is reissued.</summary>
    public static Decision<ICardEvent> Resume(CardState state, ResumeCard command, string newSignatureSerial, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Suspended)
        {
            return state.Status == CardStatus.Abolished ? CardErrors.Abolished : CardErrors.NotSuspended;
        }
        // A suspended card's key signs only for this: its own resumption, at the counter (invariant 19).
        if (CardRules.CardPresent(state, command.Presence, now, forResumption: true) is { } absent)
        {
            return absent;
        }
        var today = JapanCalendar.DateOf(now);
        if (state.IsExpiredOn(today))
        {
            return CardErrors.Expired;
        }
        var events = new List<ICardEvent> { new CardResumed(state.Id, command.Municipality, now, actor) };
        if (state.Live(CertificateKind.Signature) is { } old)
        {
            if (!IsPublicKey(command.NewSignaturePublicKey))
            {
                return CardErrors.NoPublicKey;
            }
            if (CardRules.KeyProven(command.NewSignaturePublicKey, command.SignatureKeyProof) is { } unproven)
            {
                return unproven;
            }
            events.Add(new CertificateRevoked(state.Id, old.Serial, "reissued on resumption", now, actor));
            events.Add(new CertificateIssued(state.Id, CertificateKind.Signature, newSignatureSerial, command.NewSignaturePublicKey!, old.ValidUntil, now, actor));
        }
        return Decision<ICardEvent>.Accept([.. events]);
    }

    /// <summary>Abolition is terminal (invariant 5); the certificates die with the card.</summary>
    public static Decision<ICardEvent> Abolish(CardState state, AbolishCard command, DateTimeOffset now, Actor actor) => state.Status switch
    {
        CardStatus.None => CardErrors.NotFound,
        CardStatus.Abolished => CardErrors.Abolished,
        _ when !Enum.IsDefined(command.Reason) => DomainError.Validation("card.invalid-abolition-reason", "Unknown abolition reason."),
        _ => Decision<ICardEvent>.Accept(new CardAbolished(state.Id, command.Reason, now, actor)),
    };

    public static Decision<ICardEvent> ReportPinLock(CardState state, ReportPinLock command, DateTimeOffset now, Actor actor)
    {
        if (state.Status is not (CardStatus.Active or CardStatus.Suspended))
        {
            return Wrong(state, CardStatus.Active);
        }
        if (state.FaceAuthentication)
        {
            return CardErrors.NoPins;
        }
        // Reported again while locked: nothing new to record.
        return state.LockedPins.Contains(command.Pin)
            ? Decision<ICardEvent>.Accept()
            : Decision<ICardEvent>.Accept(new PinLockReported(state.Id, command.Pin, now, actor));
    }

    public static Decision<ICardEvent> ResetPin(CardState state, ResetPin command, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Active)
        {
            return Wrong(state, CardStatus.Active);
        }
        if (state.FaceAuthentication)
        {
            return CardErrors.NoPins;
        }
        return CardRules.CardPresent(state, command.Presence, now) is { } absent
            ? absent
            : Decision<ICardEvent>.Accept(new PinReset(state.Id, command.Pin, now, actor));
    }

    /// <summary>A move-in gives 90 days to update the card's address (the earliest open deadline counts).</summary>
    public const int AddressUpdateDays = 90;

    public static Decision<ICardEvent> NoteHolderMoved(CardState state, NoteHolderMoved command, DateTimeOffset now, Actor actor) =>
        state.Status is CardStatus.None or CardStatus.Abolished
            ? Decision<ICardEvent>.Accept()
            : Decision<ICardEvent>.Accept(new CardAddressUpdateRequired(state.Id, command.MovedOn, command.MovedOn.AddDays(AddressUpdateDays), now, actor));

    public static Decision<ICardEvent> RecordAddressUpdate(CardState state, RecordCardAddressUpdate command, DateTimeOffset now, Actor actor)
    {
        if (state.Status is not (CardStatus.Active or CardStatus.Suspended))
        {
            return Wrong(state, CardStatus.Active);
        }
        if (CardRules.CardPresent(state, command.Presence, now) is { } absent)
        {
            return absent;
        }
        if (state.IsLapsedOn(JapanCalendar.DateOf(now)))
        {
            return DomainError.Rule("card.lapsed", "The card lapsed: its address was not updated within 90 days of the move. Apply for a new card.");
        }
        return Decision<ICardEvent>.Accept(new CardAddressUpdated(state.Id, command.Municipality, now, actor));
    }

    public static Decision<ICardEvent> ConvertToFaceAuthentication(CardState state, ConvertToFaceAuthentication command, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Active)
        {
            return Wrong(state, CardStatus.Active);
        }
        if (state.FaceAuthentication)
        {
            return Decision<ICardEvent>.Accept();
        }
        if (CardRules.CardPresent(state, command.Presence, now) is { } absent)
        {
            return absent;
        }
        var events = new List<ICardEvent> { new CardConvertedToFaceAuthentication(state.Id, now, actor) };
        events.AddRange(state.Certificates.Where(c => c.RevokedBecause is null)
            .Select(c => new CertificateRevoked(state.Id, c.Serial, "converted to face authentication", now, actor)));
        return Decision<ICardEvent>.Accept([.. events]);
    }

    /// <summary>Certificates issued on conversion run to the 5th birthday from today, never past the card.</summary>
    public static Decision<ICardEvent> ConvertToPinCard(CardState state, ConvertToPinCard command, CertificateSerials serials, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Active)
        {
            return Wrong(state, CardStatus.Active);
        }
        if (!state.FaceAuthentication)
        {
            return Decision<ICardEvent>.Accept();
        }
        // A face-authentication card has no key to sign with: the clerk's photo-ID check stands for it.
        if (CardRules.CardPresent(state, null, now) is { } absent)
        {
            return absent;
        }
        if (!command.PinsSet)
        {
            return CardErrors.PinsNotSet;
        }
        if (!IsPublicKey(command.UserAuthenticationPublicKey))
        {
            return CardErrors.NoPublicKey;
        }
        if (CardRules.KeyProven(command.UserAuthenticationPublicKey, command.UserAuthenticationKeyProof) is { } unproven)
        {
            return unproven;
        }
        var today = JapanCalendar.DateOf(now);
        var validUntil = CardValidity.CertificateExpiry(state.HolderDateOfBirth, today, state.ExpiresOn!.Value);
        var events = new List<ICardEvent>
        {
            new CardConvertedToPinCard(state.Id, now, actor),
            new CertificateIssued(state.Id, CertificateKind.UserAuthentication, serials.UserAuthentication, command.UserAuthenticationPublicKey!, validUntil, now, actor),
        };
        if (CardRules.MaySign(state with { FaceAuthentication = false }, today))
        {
            if (!IsPublicKey(command.SignaturePublicKey))
            {
                return CardErrors.NoPublicKey;
            }
            if (CardRules.KeyProven(command.SignaturePublicKey, command.SignatureKeyProof) is { } unprovenSignature)
            {
                return unprovenSignature;
            }
            events.Add(new CertificateIssued(state.Id, CertificateKind.Signature, serials.Signature, command.SignaturePublicKey!, validUntil, now, actor));
        }
        return Decision<ICardEvent>.Accept([.. events]);
    }

    /// <summary>
    /// A smartphone credential is put on an active card's holder's phone; the phone's one-person rule is
    /// enforced by the device index before this is decided. The credential follows the card's state.
    /// </summary>
    public static Decision<ICardEvent> LinkSmartphone(CardState state, string deviceHash, DateTimeOffset now, Actor actor) =>
        state.Status != CardStatus.Active ? Wrong(state, CardStatus.Active)
        : state.Smartphones.Contains(deviceHash) ? Decision<ICardEvent>.Accept()
        : Decision<ICardEvent>.Accept(new SmartphoneCredentialLinked(state.Id, deviceHash, now, actor));

    public static Decision<ICardEvent> UnlinkSmartphone(CardState state, string deviceHash, DateTimeOffset now, Actor actor) =>
        state.Smartphones.Contains(deviceHash)
            ? Decision<ICardEvent>.Accept(new SmartphoneCredentialUnlinked(state.Id, deviceHash, now, actor))
            : Decision<ICardEvent>.Accept();

    public static Decision<ICardEvent> LinkDrivingLicence(CardState state, LinkDrivingLicence command, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Active)
        {
            return Wrong(state, CardStatus.Active);
        }
        return command.LicenceNumber is { Length: 12 } number && number.All(char.IsAsciiDigit)
            ? Decision<ICardEvent>.Accept(new DrivingLicenceLinked(state.Id, number[^4..], now, actor))
            : DomainError.Validation("card.invalid-licence-number", "A driving licence number has 12 digits.");
    }

    public static Decision<ICardEvent> UnlinkDrivingLicence(CardState state, DateTimeOffset now, Actor actor) =>
        state.DrivingLicenceLast4 is null
            ? Decision<ICardEvent>.Accept()
            : Decision<ICardEvent>.Accept(new DrivingLicenceUnlinked(state.Id, now, actor));

    /// <summary>
    /// Renewal opens 3 months before the user-authentication certificate expires. New certificates run to
    /// the 5th birthday after renewal, never past the card (invariant 3); the old ones are revoked.
    /// </summary>
    public static Decision<ICardEvent> RenewCertificates(CardState state, RenewCertificates command, CertificateSerials serials, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Active)
        {
            return Wrong(state, CardStatus.Active);
        }
        if (state.FaceAuthentication)
        {
            return CardErrors.NoPins;
        }
        if (CardRules.CardPresent(state, command.Presence, now) is { } absent)
        {
            return absent;
        }
        var today = JapanCalendar.DateOf(now);
        var current = state.Certificates.LastOrDefault(c => c.Kind == CertificateKind.UserAuthentication);
        if (current is not null && current.RevokedBecause is null && today < CardValidity.RenewalOpensOn(current.ValidUntil))
        {
            return DomainError.Rule("certificate.renewal-not-open", $"Renewal opens on {CardValidity.RenewalOpensOn(current.ValidUntil):yyyy-MM-dd}.");
        }
        if (state.IsExpiredOn(today))
        {
            return CardErrors.Expired;
        }
        if (!IsPublicKey(command.UserAuthenticationPublicKey))
        {
            return CardErrors.NoPublicKey;
        }
        if (CardRules.KeyProven(command.UserAuthenticationPublicKey, command.UserAuthenticationKeyProof) is { } unproven)
        {
            return unproven;
        }
        var validUntil = CardValidity.CertificateExpiry(state.HolderDateOfBirth, today, state.ExpiresOn!.Value);
        var events = new List<ICardEvent>();
        events.AddRange(state.Certificates.Where(c => c.RevokedBecause is null)
            .Select(c => new CertificateRevoked(state.Id, c.Serial, "renewed", now, actor)));
        events.Add(new CertificateIssued(state.Id, CertificateKind.UserAuthentication, serials.UserAuthentication, command.UserAuthenticationPublicKey!, validUntil, now, actor));
        if (CardRules.MaySign(state, today))
        {
            if (!IsPublicKey(command.SignaturePublicKey))
            {
                return CardErrors.NoPublicKey;
            }
            if (CardRules.KeyProven(command.SignaturePublicKey, command.SignatureKeyProof) is { } unprovenSignature)
            {
                return unprovenSignature;
            }
            events.Add(new CertificateIssued(state.Id, CertificateKind.Signature, serials.Signature, command.SignaturePublicKey!, validUntil, now, actor));
        }
        return Decision<ICardEvent>.Accept([.. events]);
    }

    /// <summary>The clerk's in-person photo-ID check of the holder, for counter steps where the chip cannot sign.</summary>
    public static Decision<ICardEvent> RecordIdentityVerification(CardState state, RecordHolderIdentityVerification command, DateTimeOffset now, Actor actor)
    {
        if (state.Status is CardStatus.None or CardStatus.Abolished)
        {
            return state.Status == CardStatus.None ? CardErrors.NotFound : CardErrors.Abolished;
        }
        if (command.Documents is not { Count: > 0 and <= 10 } documents || documents.Any(d => !Enum.IsDefined(d)))
        {
            return DomainError.Validation("card.invalid-documents", "List 1 to 10 presented documents.");
        }
        return documents.Any(CardRules.PhotoIds.Contains)
            ? Decision<ICardEvent>.Accept(new CardHolderIdentityVerified(state.Id, command.Municipality, [.. documents.Distinct()], now, actor))
            : CardErrors.IdentityDocumentsInsufficient;
    }

    /// <summary>Invariant 6: any basic-four change revokes the signature certificate; the user certificate stays.</summary>
    public static Decision<ICardEvent> RevokeSignature(CardState state, RevokeSignatureCertificate command, DateTimeOffset now, Actor actor) =>
        state.Live(CertificateKind.Signature) is { } signature && state.Status != CardStatus.Abolished
            ? Decision<ICardEvent>.Accept(new CertificateRevoked(state.Id, signature.Serial, command.Reason, now, actor))
            : Decision<ICardEvent>.Accept();

    /// <summary>
    /// Flow 4's last step: the card becomes usable as a health insurance card. Through the portal, a bank
    /// ATM or a clinic terminal; a face-authentication card (no PIN) only at a clinic terminal, where the
    /// face match stands in for the PIN. Registering again is a no-op, so a double click records nothing.
    /// </summary>
    public static Decision<ICardEvent> RegisterForInsurance(CardState state, RegisterCardForInsurance command, DateOnly today, DateTimeOffset now, Actor actor)
    {
        if (CardRules.CanPresent(state, today) is { } unusable)
        {
            return unusable;
        }
        if (state.FaceAuthentication && command.Channel != Myna.GrainInterfaces.Clinics.InsuranceRegistrationChannel.ClinicTerminal)
        {
            return DomainError.Rule("card.face-authentication-clinic-only",
                "A face-authentication card is registered for insurance only at a clinic or pharmacy terminal.");
        }
        return state.InsuranceRegistration is not null
            ? Decision<ICardEvent>.Accept()
            : Decision<ICardEvent>.Accept(new CardRegisteredForInsurance(state.Id, command.Channel, now, actor));
    }

    public static Decision<ICardEvent> CancelInsuranceRegistration(CardState state, CancelCardInsuranceRegistration command, DateTimeOffset now, Actor actor)
    {
        if (state.Status == CardStatus.None)
        {
            return CardErrors.NotFound;
        }
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(reason, MaxReasonLength))
        {
            return InvalidReason;
        }
        return state.InsuranceRegistration is null
            ? Decision<ICardEvent>.Accept()
            : Decision<ICardEvent>.Accept(new CardInsuranceRegistrationCancelled(state.Id, reason, now, actor));
    }

    /// <summary>
    /// Estonia 2017, done remotely: a card that a suspension campaign stopped comes back when its updated
    /// chip proves possession with the old user-authentication key (over a one-time challenge, the PIN
    /// checked on the chip) and brings new public keys. The old certificates are revoked, new ones issued
    /// with the same validity (never past the card), and the card is active again.
    /// </summary>
    /// <remarks>
    /// Which campaign stopped the card is data (<see cref="CardSuspendedByCampaign"/>, or a legacy claim); whether
    /// that campaign exists and still lists the card is asked of the campaign by the grain and passed in as
    /// <paramref name="campaignCovers"/>. A plain suspension (loss), whatever its reason text, never comes back remotely.
    /// </remarks>
    public static Decision<ICardEvent> RemedyAfterCampaign(
        CardState state, RemedyAfterCampaign command, CertificateSerials serials, bool campaignCovers, DateTimeOffset now, Actor actor)
    {
        if (state.Status != CardStatus.Suspended || state.CampaignToVerify is not { } campaign)
        {
            return state.Status == CardStatus.Abolished ? CardErrors.Abolished : CardErrors.NotSuspendedByCampaign;
        }
        if (!campaignCovers)
        {
            return CardErrors.CampaignDoesNotCover;
        }
        var today = JapanCalendar.DateOf(now);
        if (state.IsExpiredOn(today))
        {
            return CardErrors.Expired;
        }
        if (state.Live(CertificateKind.UserAuthentication) is not { } old || old.Serial != command.OldSerial)
        {
            return DomainError.Unauthenticated("auth.certificate-revoked", "This is not the card's current user-authentication certificate.");
        }
        if (!CertificateAuthentication.Verify(old.PublicKey, command.Challenge, command.Signature))
        {
            return DomainError.Unauthenticated("auth.signature-invalid", "The signature does not verify with this certificate.");
        }
        var maySign = CardRules.MaySign(state, today);
        if (!IsPublicKey(command.UserAuthenticationPublicKey) || (maySign && !IsPublicKey(command.SignaturePublicKey)))
        {
            return CardErrors.NoPublicKey;
        }
        if (state.Certificates.Exists(c => c.PublicKey == command.UserAuthenticationPublicKey || c.PublicKey == command.SignaturePublicKey))
        {
            return DomainError.Rule("card.key-reused", "The updated chip must bring new keys; the campaign's keys are not trusted again.");
        }
        // Invariant 19: each new key signed the same one-time challenge, so the updated chip holds it.
        if (!Signed(command.UserAuthenticationPublicKey, command.Challenge, command.UserAuthenticationKeySignature)
            || (maySign && !Signed(command.SignaturePublicKey, command.Challenge, command.SignatureKeySignature)))
        {
            return CardErrors.KeyNotProven;
        }
        var events = new List<ICardEvent> { new CertificateRevoked(state.Id, old.Serial, $"re-issued after campaign {campaign:D}", now, actor) };
        if (state.Live(CertificateKind.Signature) is { } oldSignature)
        {
            events.Add(new CertificateRevoked(state.Id, oldSignature.Serial, $"re-issued after campaign {campaign:D}", now, actor));
        }
        events.Add(new CertificateIssued(state.Id, CertificateKind.UserAuthentication, serials.UserAuthentication, command.UserAuthenticationPublicKey!, old.ValidUntil, now, actor));
        if (maySign)
        {
            events.Add(new CertificateIssued(state.Id, CertificateKind.Signature, serials.Signature, command.SignaturePublicKey!, old.ValidUntil, now, actor));
        }
        events.Add(new CardRemediedAfterCampaign(state.Id, campaign, now, actor));
        return Decision<ICardEvent>.Accept([.. events]);
    }

    private static bool Signed(string? publicKey, byte[] challenge, byte[]? signature) =>
        publicKey is not null && signature is { Length: > 0 } && CertificateAuthentication.Verify(publicKey, challenge, signature);

    /// <summary>The renewal notices due and not yet sent: one event each, so a notice goes out once per expiry date.</summary>
    public static Decision<ICardEvent> SendDueNotices(CardState state, DateOnly today, DateTimeOffset now, Actor actor) =>
        Decision<ICardEvent>.Accept([.. CardRules.Notices(state, today)
            .Where(n => n.Kind is CardRules.CardRenewalNotice or CardRules.CertificateRenewalNotice && !n.Sent)
            .Select(n => (ICardEvent)new CardExpiryNoticeSent(state.Id, n.Kind, n.Date, now, actor))]);

    private static Decision<ICardEvent> Wrong(CardState state, CardStatus expected) =>
        state.Status == CardStatus.None ? CardErrors.NotFound : CardErrors.WrongState(state.Status, expected);

    private static bool IsPublicKey(string? key) => CertificateAuthentication.IsValidPublicKey(key);
}

using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Cards;

/// <summary>Read-only rules on a card's state: whether it can be used or presented, certificate and credential status, notices.</summary>
public static class CardRules
{
    /// <summary>The longest device id a phone's app sends when it links or unlinks its credential.</summary>
    public const int MaxDeviceIdLength = 200;

    /// <summary>A phone's device id (an <see cref="ExternalId"/>, stored only as its hash): null when it fits.</summary>
    public static DomainError? InvalidDevice(string? deviceId) =>
        ExternalId.Fits(deviceId, MaxDeviceIdLength)
            ? null
            : DomainError.Validation("smartphone.invalid-device", $"A device id is 1 to {MaxDeviceIdLength} {ExternalId.Shape}.");

    /// <summary>Invariant 7: no signature certificate under 15, under guardianship, or on a face-authentication card.</summary>
    public static bool MaySign(CardState state, DateOnly on) =>
        !state.FaceAuthentication && !state.UnderGuardianship
        && CardValidity.AgeOn(state.HolderDateOfBirth, on) >= CardValidity.SignatureCertificateMinimumAge;

    /// <summary>Linked credentials follow the card: usable only while the card is.</summary>
    public static string CredentialStatus(CardState state, DateOnly today) => state.Status switch
    {
        CardStatus.Active when !state.IsExpiredOn(today) && !state.IsLapsedOn(today) => "active",
        CardStatus.Suspended => "suspended",
        _ => "revoked",
    };

    /// <summary>How long the clerk's in-person photo-ID check stands for the counter step that follows it.</summary>
    public static readonly TimeSpan IdentityCheckValidity = TimeSpan.FromMinutes(30);

    /// <summary>Photo IDs, of the document kinds the identity-verification rules know.</summary>
    public static readonly IReadOnlySet<Myna.GrainInterfaces.Persons.PresentedDocumentKind> PhotoIds = new HashSet<Myna.GrainInterfaces.Persons.PresentedDocumentKind>
    {
        Myna.GrainInterfaces.Persons.PresentedDocumentKind.IndividualNumberCard,
        Myna.GrainInterfaces.Persons.PresentedDocumentKind.DriversLicence,
        Myna.GrainInterfaces.Persons.PresentedDocumentKind.Passport,
        Myna.GrainInterfaces.Persons.PresentedDocumentKind.ResidenceCard,
        Myna.GrainInterfaces.Persons.PresentedDocumentKind.DisabilityCertificateHandbook,
    };

    /// <summary>Whether the chip can sign at the counter: a PIN card with a live user-authentication key and that PIN not locked.</summary>
    public static bool ChipCanSign(CardState state) =>
        !state.FaceAuthentication && state.Live(CertificateKind.UserAuthentication) is not null
        && !state.LockedPins.Contains(PinKind.UserAuthenticationPin);

    /// <summary>
    /// Invariant 19, "the card is present": its existing user-authentication key signed a counter-presence
    /// challenge of this counter (the grain consumed the challenge: purpose, audience, expiry, once). A suspended
    /// card signs only for its own resumption. Where the chip cannot sign, the clerk's in-person photo-ID check,
    /// recorded as its own event within <see cref="IdentityCheckValidity"/>, stands for it.
    /// </summary>
    public static DomainError? CardPresent(CardState state, ChipProof? presence, DateTimeOffset now, bool forResumption = false)
    {
        if (ChipCanSign(state) && (state.Status != CardStatus.Suspended || forResumption))
        {
            return presence is { } proof && CertificateAuthentication.Verify(state.Live(CertificateKind.UserAuthentication)!.PublicKey, proof.Challenge, proof.Signature)
                ? null
                : CardErrors.CardNotPresented;
        }
        return state.IdentityVerified is { } check && check.OccurredAt <= now && now - check.OccurredAt <= IdentityCheckValidity
            ? null
            : CardErrors.IdentityNotVerified;
    }

    /// <summary>Invariant 19: a new chip key is accepted only with its own signature over a key-proof challenge.</summary>
    public static DomainError? KeyProven(string? publicKey, ChipProof? proof) =>
        publicKey is not null && proof is { } p && CertificateAuthentication.Verify(publicKey, p.Challenge, p.Signature) ? null : CardErrors.KeyNotProven;

    /// <summary>
    /// Invariant 4: only an active, unexpired card with a live, unexpired certificate authenticates or signs.
    /// Expiry is checked against the clock, so an expired card fails even with no event written.
    /// </summary>
    public static DomainError? CanUse(CardState state, CertificateKind kind, DateOnly today)
    {
        if (CanPresent(state, today) is { } unusable)
        {
            return unusable;
        }
        var certificate = state.Live(kind);
        if (certificate is null)
        {
            return DomainError.Rule("certificate.none", $"The card has no valid {kind} certificate.");
        }
        return today > certificate.ValidUntil ? DomainError.Rule("certificate.expired", "The certificate has expired.") : null;
    }

    /// <summary>Invariant 4 for the card itself: active, not expired, not lapsed (face match and visual checks use no certificate).</summary>
    public static DomainError? CanPresent(CardState state, DateOnly today)
    {
        if (state.Status != CardStatus.Active)
        {
            return state.Status switch
            {
                CardStatus.None => CardErrors.NotFound,
                CardStatus.Abolished => CardErrors.Abolished,
                CardStatus.Suspended => DomainError.Rule("card.suspended", "The card is suspended."),
                _ => CardErrors.NotActive,
            };
        }
        if (state.IsExpiredOn(today))
        {
            return CardErrors.Expired;
        }
        if (state.IsLapsedOn(today))
        {
            return DomainError.Rule("card.lapsed", "The card lapsed: its address was not updated within 90 days of the move.");
        }
        return null;
    }

    public static string CertificateStatus(CardState state, Certificate certificate, DateOnly today) =>
        certificate.RevokedBecause is not null || state.Status == CardStatus.Abolished || state.IsLapsedOn(today) ? "revoked"
        : state.Status == CardStatus.Suspended ? "suspended"
        : today > certificate.ValidUntil || state.IsExpiredOn(today) ? "expired"
        : "good";

    public const string CardRenewalNotice = "card-renewal";
    public const string CertificateRenewalNotice = "certificate-renewal";
    public const string CardExpiredNotice = "card-expired";
    public const string CertificateExpiredNotice = "certificate-expired";
    public const string AddressUpdateNotice = "address-update-due";

    /// <summary>What the holder should be told today (renewal windows open 3 months before expiry).</summary>
    public static IReadOnlyList<CardNoticeView> Notices(CardState state, DateOnly today)
    {
        var notices = new List<CardNoticeView>();
        if (state.Status is not (CardStatus.Active or CardStatus.Suspended) || state.ExpiresOn is not { } expires)
        {
            return notices;
        }
        if (today > expires)
        {
            notices.Add(new CardNoticeView(CardExpiredNotice, expires, false));
            return notices;
        }
        if (today >= CardValidity.RenewalOpensOn(expires))
        {
            notices.Add(new CardNoticeView(CardRenewalNotice, expires, state.NoticesSent.Contains(CardState.NoticeKey(CardRenewalNotice, expires))));
        }
        if (state.Live(CertificateKind.UserAuthentication) is { } certificate && certificate.ValidUntil < expires
            && today >= CardValidity.RenewalOpensOn(certificate.ValidUntil))
        {
            notices.Add(today > certificate.ValidUntil
                ? new CardNoticeView(CertificateExpiredNotice, certificate.ValidUntil, false)
                : new CardNoticeView(CertificateRenewalNotice, certificate.ValidUntil,
                    state.NoticesSent.Contains(CardState.NoticeKey(CertificateRenewalNotice, certificate.ValidUntil))));
        }
        if (state.AddressUpdateDueBy is { } due)
        {
            notices.Add(new CardNoticeView(AddressUpdateNotice, due, false));
        }
        return notices;
    }

    /// <summary>When the next notice falls due (for the card's reminder), or null when none will.</summary>
    public static DateOnly? NextNoticeDue(CardState state)
    {
        if (state.Status is not (CardStatus.Active or CardStatus.Suspended) || state.ExpiresOn is not { } expires)
        {
            return null;
        }
        var dates = new List<DateOnly>();
        if (!state.NoticesSent.Contains(CardState.NoticeKey(CardRenewalNotice, expires)))
        {
            dates.Add(CardValidity.RenewalOpensOn(expires));
        }
        if (state.Live(CertificateKind.UserAuthentication) is { } certificate && certificate.ValidUntil < expires
            && !state.NoticesSent.Contains(CardState.NoticeKey(CertificateRenewalNotice, certificate.ValidUntil)))
        {
            dates.Add(CardValidity.RenewalOpensOn(certificate.ValidUntil));
        }
        return dates.Count == 0 ? null : dates.Min();
    }
}

using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Cards;

public sealed record Certificate(
    CertificateKind Kind,
    string Serial,
    string PublicKey,
    DateOnly ValidUntil,
    string? RevokedBecause);

public sealed record CardState : IAggregateState<CardState, ICardEvent>
{
    public static CardState Initial { get; } = new();

    public CardStatus Status { get; init; }
    public CardId Id { get; init; }
    public PersonId PersonId { get; init; }
    public DateOnly HolderDateOfBirth { get; init; }
    public DateOnly AppliedOn { get; init; }
    public bool FaceAuthentication { get; init; }
    public bool UnderGuardianship { get; init; }
    public int FeeYen { get; init; }
    public string? ChipBatch { get; init; }
    public DateOnly? IssuedOn { get; init; }
    public DateOnly? ExpiresOn { get; init; }
    public ImmutableList<Certificate> Certificates { get; init; } = [];
    public ImmutableList<PinKind> LockedPins { get; init; } = [];
    public AbolitionReason? AbolishedBecause { get; init; }
    public MunicipalityCode Municipality { get; init; }
    public DateOnly? AddressUpdateDueBy { get; init; }
    public ImmutableList<string> Smartphones { get; init; } = [];
    public string? DrivingLicenceLast4 { get; init; }
    public Myna.GrainInterfaces.Clinics.InsuranceRegistrationChannel? InsuranceRegistration { get; init; }
    /// <summary>The campaign that suspended the card, set only from <see cref="CardSuspendedByCampaign"/> (the id as data).</summary>
    public Guid? SuspendingCampaign { get; init; }
    public ImmutableList<string> NoticesSent { get; init; } = [];
    /// <summary>
    /// Legacy only: a <see cref="CardSuspended"/> stored before campaigns had their own event, written by the
    /// campaign's fan-out with a reason "campaign {id}: …". An unverified claim: it counts only once the
    /// campaign's own stream is asked and lists the card (see the card grain's remote re-issue).
    /// </summary>
    public Guid? ClaimedCampaign { get; init; }
    /// <summary>The last in-person photo-ID check of the holder at a counter (when the chip cannot sign).</summary>
    public CardHolderIdentityVerified? IdentityVerified { get; init; }

    public CardState Apply(ICardEvent @event) => @event switch
    {
        CardApplied e => this with
        {
            Status = CardStatus.Applied,
            Id = e.CardId,
            PersonId = e.PersonId,
            HolderDateOfBirth = e.HolderDateOfBirth,
            AppliedOn = e.AppliedOn,
            FaceAuthentication = e.FaceAuthentication,
            UnderGuardianship = e.UnderGuardianship,
            FeeYen = e.FeeYen,
        },
        CardProduced e => this with { Status = CardStatus.Produced, ChipBatch = e.ChipBatch },
        CardReadyForPickup e => this with { Status = CardStatus.ReadyForPickup, Municipality = e.Municipality },
        CardHandedOver e => this with { Status = CardStatus.Active, IssuedOn = e.IssuedOn, ExpiresOn = e.ExpiresOn },
        CertificateIssued e => this with
        {
            Certificates = Certificates.Add(new Certificate(e.Kind, e.Serial, e.PublicKey, e.ValidUntil, null)),
        },
        CertificateRevoked e => this with
        {
            Certificates = Certificates.ConvertAll(c => c.Serial == e.Serial ? c with { RevokedBecause = e.Reason } : c),
        },
        CardSuspended e => this with { Status = CardStatus.Suspended, SuspendingCampaign = null, ClaimedCampaign = LegacyCampaignClaim(e) },
        CardSuspendedByCampaign e => this with { Status = CardStatus.Suspended, SuspendingCampaign = e.CampaignId, ClaimedCampaign = null },
        CardResumed e => this with { Status = CardStatus.Active, Municipality = e.Municipality, SuspendingCampaign = null, ClaimedCampaign = null },
        CardRemediedAfterCampaign => this with { Status = CardStatus.Active, SuspendingCampaign = null, ClaimedCampaign = null },
        CardHolderIdentityVerified e => this with { IdentityVerified = e },
        CardExpiryNoticeSent e => this with { NoticesSent = NoticesSent.Add(NoticeKey(e.Kind, e.ExpiresOn)) },
        CardAbolished e => this with { Status = CardStatus.Abolished, AbolishedBecause = e.Reason },
        PinLockReported e when !LockedPins.Contains(e.Pin) => this with { LockedPins = LockedPins.Add(e.Pin) },
        PinReset e => this with { LockedPins = LockedPins.Remove(e.Pin) },
        CardAddressUpdateRequired e => this with { AddressUpdateDueBy = AddressUpdateDueBy is { } due && due < e.DueBy ? due : e.DueBy },
        SmartphoneCredentialLinked e when !Smartphones.Contains(e.DeviceHash) => this with { Smartphones = Smartphones.Add(e.DeviceHash) },
        SmartphoneCredentialUnlinked e => this with { Smartphones = Smartphones.Remove(e.DeviceHash) },
        DrivingLicenceLinked e => this with { DrivingLicenceLast4 = e.LicenceLast4 },
        DrivingLicenceUnlinked => this with { DrivingLicenceLast4 = null },
        CardConvertedToFaceAuthentication => this with { FaceAuthentication = true, LockedPins = [] },
        CardConvertedToPinCard => this with { FaceAuthentication = false },
        CardRegisteredForInsurance e => this with { InsuranceRegistration = e.Channel },
        CardInsuranceRegistrationCancelled => this with { InsuranceRegistration = null },
        CardAddressUpdated e => this with { AddressUpdateDueBy = null, Municipality = e.Municipality },
        _ => this,
    };

    public static string NoticeKey(string kind, DateOnly expiresOn) => $"{kind}@{expiresOn:yyyy-MM-dd}";

    /// <summary>The subject the campaign fan-out acted under before campaigns had their own event.</summary>
    public const string LegacyCampaignSubject = "operator-campaign";

    /// <summary>
    /// Legacy campaign suspensions wrote "campaign {id}: {reason}" as the campaign's fan-out (never a person). A
    /// plain suspension by the call centre or the holder carries no claim, whatever its text says; and even a
    /// claim counts only when the campaign's own stream lists the card.
    /// </summary>
    private static Guid? LegacyCampaignClaim(CardSuspended e) =>
        e.Actor.Subject == LegacyCampaignSubject && e.Actor.Role is "operator" or "system"
        && e.Reason.StartsWith("campaign ", StringComparison.Ordinal) && e.Reason.Length >= 45
        && Guid.TryParse(e.Reason.AsSpan(9, 36), out var id) ? id : null;

    /// <summary>The campaign this suspension is attributed to: the event's own id, or a legacy claim to verify.</summary>
    public Guid? CampaignToVerify => SuspendingCampaign ?? ClaimedCampaign;

    /// <summary>The certificate of a kind that is not revoked, if any (one of each kind is live at a time).</summary>
    public Certificate? Live(CertificateKind kind) => Certificates.FindLast(c => c.Kind == kind && c.RevokedBecause is null);

    /// <summary>Expiry is enforced by time: an expired card fails even though no event says so.</summary>
    public bool IsExpiredOn(DateOnly day) => ExpiresOn is { } expires && day > expires;

    /// <summary>Moved and not updated within 90 days: the card has lapsed, by the clock alone.</summary>
    public bool IsLapsedOn(DateOnly day) => AddressUpdateDueBy is { } due && day > due;
}

using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Cards;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

public interface ICardEvent : IDomainEvent
{
    CardId CardId { get; }
}

/// <summary>A card was applied for. The holder's date of birth is copied in: validity is fixed from it at issue.</summary>
[EventName("card_applied_v1")]
public sealed record CardApplied(
    CardId CardId,
    PersonId PersonId,
    DateOnly HolderDateOfBirth,
    ApplicationChannel Channel,
    bool FaceAuthentication,
    bool UnderGuardianship,
    bool Reissue,
    int FeeYen,
    DateOnly AppliedOn,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("card_produced_v1")]
public sealed record CardProduced(
    CardId CardId,
    string ChipBatch,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("card_ready_for_pickup_v1")]
public sealed record CardReadyForPickup(
    CardId CardId,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>Handed over (in person, or to a proxy with a listed reason); PINs were set on the chip; validity fixed.</summary>
[EventName("card_handed_over_v1")]
public sealed record CardHandedOver(
    CardId CardId,
    DateOnly IssuedOn,
    DateOnly ExpiresOn,
    ProxyHandoverReason? ProxyReason,
    bool PinsSet,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("certificate_issued_v1")]
public sealed record CertificateIssued(
    CardId CardId,
    CertificateKind Kind,
    string Serial,
    string PublicKey,
    DateOnly ValidUntil,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("certificate_revoked_v1")]
public sealed record CertificateRevoked(
    CardId CardId,
    string Serial,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>Suspended (lost card, any hour): the certificates cannot be used while it lasts.</summary>
[EventName("card_suspended_v1")]
public sealed record CardSuspended(
    CardId CardId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>
/// Suspended by a suspension campaign: the campaign id is data. Only this event makes a card remotely
/// re-issuable after the campaign (a plain suspension, whatever its reason text, never does).
/// </summary>
[EventName("card_suspended_by_campaign_v1")]
public sealed record CardSuspendedByCampaign(
    CardId CardId,
    Guid CampaignId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>
/// The clerk checked the holder's photo ID in person (the chip could not sign: a locked PIN, a face-authentication
/// card). The counter step that needs the card present accepts it for a short while at that municipality.
/// </summary>
[EventName("card_holder_identity_verified_v1")]
public sealed record CardHolderIdentityVerified(
    CardId CardId,
    MunicipalityCode Municipality,
    IReadOnlyList<Myna.GrainInterfaces.Persons.PresentedDocumentKind> Documents,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>Resumed at a counter with the card present.</summary>
[EventName("card_resumed_v1")]
public sealed record CardResumed(
    CardId CardId,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("card_abolished_v1")]
public sealed record CardAbolished(
    CardId CardId,
    AbolitionReason Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The holder moved; the card's address must be updated by <see cref="DueBy"/> (90 days) or the card lapses.</summary>
[EventName("card_address_update_required_v1")]
public sealed record CardAddressUpdateRequired(
    CardId CardId,
    DateOnly MovedOn,
    DateOnly DueBy,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The new address was written on the card at a counter.</summary>
[EventName("card_address_updated_v1")]
public sealed record CardAddressUpdated(
    CardId CardId,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>Converted to a face-authentication card: no PINs and no certificates from now on.</summary>
[EventName("card_converted_to_face_authentication_v1")]
public sealed record CardConvertedToFaceAuthentication(
    CardId CardId,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>Converted back to a PIN card: PINs were set on the chip (certificates follow as their own events).</summary>
[EventName("card_converted_to_pin_card_v1")]
public sealed record CardConvertedToPinCard(
    CardId CardId,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The card's credential was put on a smartphone (the device id is kept only as a hash).</summary>
[EventName("smartphone_credential_linked_v1")]
public sealed record SmartphoneCredentialLinked(
    CardId CardId,
    string DeviceHash,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("smartphone_credential_unlinked_v1")]
public sealed record SmartphoneCredentialUnlinked(
    CardId CardId,
    string DeviceHash,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The driving licence was recorded on the card (only its last four digits are kept in clear).</summary>
[EventName("driving_licence_linked_v1")]
public sealed record DrivingLicenceLinked(
    CardId CardId,
    string LicenceLast4,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

[EventName("driving_licence_unlinked_v1")]
public sealed record DrivingLicenceUnlinked(
    CardId CardId,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The chip reported a lock (3 wrong PINs, or 5 wrong signature passwords). The PIN itself never reaches us.</summary>
[EventName("pin_lock_reported_v1")]
public sealed record PinLockReported(
    CardId CardId,
    PinKind Pin,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>A new PIN was set on the chip at the counter, with the card present.</summary>
[EventName("pin_reset_v1")]
public sealed record PinReset(
    CardId CardId,
    PinKind Pin,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The holder registered the card for use as a health insurance card, through this channel.</summary>
[EventName("card_registered_for_insurance_v1")]
public sealed record CardRegisteredForInsurance(
    CardId CardId,
    Myna.GrainInterfaces.Clinics.InsuranceRegistrationChannel Channel,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The holder withdrew the card's registration as a health insurance card.</summary>
[EventName("card_insurance_registration_cancelled_v1")]
public sealed record CardInsuranceRegistrationCancelled(
    CardId CardId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>
/// After a chip vulnerability campaign, the holder re-issued the certificates remotely (new keys from the
/// updated chip, proven by the chip's signature with the PIN): the card is active again without a counter visit.
/// </summary>
[EventName("card_remedied_after_campaign_v1")]
public sealed record CardRemediedAfterCampaign(
    CardId CardId,
    Guid CampaignId,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

/// <summary>The expiry notice for the holder was produced (renewal window open): once per expiry date and kind.</summary>
[EventName("card_expiry_notice_sent_v1")]
public sealed record CardExpiryNoticeSent(
    CardId CardId,
    string Kind,
    DateOnly ExpiresOn,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICardEvent;

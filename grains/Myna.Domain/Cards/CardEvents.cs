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
[GenerateSerializer, Immutable, EventName("card_applied_v1")]
public sealed record CardApplied(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] PersonId PersonId,
    [property: Id(2)] DateOnly HolderDateOfBirth,
    [property: Id(3)] ApplicationChannel Channel,
    [property: Id(4)] bool FaceAuthentication,
    [property: Id(5)] bool UnderGuardianship,
    [property: Id(6)] bool Reissue,
    [property: Id(7)] int FeeYen,
    [property: Id(8)] DateOnly AppliedOn,
    [property: Id(9)] DateTimeOffset OccurredAt,
    [property: Id(10)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("card_produced_v1")]
public sealed record CardProduced(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string ChipBatch,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("card_ready_for_pickup_v1")]
public sealed record CardReadyForPickup(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>Handed over (in person, or to a proxy with a listed reason); PINs were set on the chip; validity fixed.</summary>
[GenerateSerializer, Immutable, EventName("card_handed_over_v1")]
public sealed record CardHandedOver(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] DateOnly IssuedOn,
    [property: Id(2)] DateOnly ExpiresOn,
    [property: Id(3)] ProxyHandoverReason? ProxyReason,
    [property: Id(4)] bool PinsSet,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("certificate_issued_v1")]
public sealed record CertificateIssued(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] CertificateKind Kind,
    [property: Id(2)] string Serial,
    [property: Id(3)] string PublicKey,
    [property: Id(4)] DateOnly ValidUntil,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("certificate_revoked_v1")]
public sealed record CertificateRevoked(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string Serial,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ICardEvent;

/// <summary>Suspended (lost card, any hour): the certificates cannot be used while it lasts.</summary>
[GenerateSerializer, Immutable, EventName("card_suspended_v1")]
public sealed record CardSuspended(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>
/// Suspended by a suspension campaign: the campaign id is data. Only this event makes a card remotely
/// re-issuable after the campaign (a plain suspension, whatever its reason text, never does).
/// </summary>
[GenerateSerializer, Immutable, EventName("card_suspended_by_campaign_v1")]
public sealed record CardSuspendedByCampaign(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] Guid CampaignId,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ICardEvent;

/// <summary>
/// The clerk checked the holder's photo ID in person (the chip could not sign: a locked PIN, a face-authentication
/// card). The counter step that needs the card present accepts it for a short while at that municipality.
/// </summary>
[GenerateSerializer, Immutable, EventName("card_holder_identity_verified_v1")]
public sealed record CardHolderIdentityVerified(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] IReadOnlyList<Myna.GrainInterfaces.Persons.PresentedDocumentKind> Documents,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ICardEvent;

/// <summary>Resumed at a counter with the card present.</summary>
[GenerateSerializer, Immutable, EventName("card_resumed_v1")]
public sealed record CardResumed(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("card_abolished_v1")]
public sealed record CardAbolished(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] AbolitionReason Reason,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>The holder moved; the card's address must be updated by <see cref="DueBy"/> (90 days) or the card lapses.</summary>
[GenerateSerializer, Immutable, EventName("card_address_update_required_v1")]
public sealed record CardAddressUpdateRequired(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] DateOnly MovedOn,
    [property: Id(2)] DateOnly DueBy,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ICardEvent;

/// <summary>The new address was written on the card at a counter.</summary>
[GenerateSerializer, Immutable, EventName("card_address_updated_v1")]
public sealed record CardAddressUpdated(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>Converted to a face-authentication card: no PINs and no certificates from now on.</summary>
[GenerateSerializer, Immutable, EventName("card_converted_to_face_authentication_v1")]
public sealed record CardConvertedToFaceAuthentication(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] Actor Actor) : ICardEvent;

/// <summary>Converted back to a PIN card: PINs were set on the chip (certificates follow as their own events).</summary>
[GenerateSerializer, Immutable, EventName("card_converted_to_pin_card_v1")]
public sealed record CardConvertedToPinCard(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] Actor Actor) : ICardEvent;

/// <summary>The card's credential was put on a smartphone (the device id is kept only as a hash).</summary>
[GenerateSerializer, Immutable, EventName("smartphone_credential_linked_v1")]
public sealed record SmartphoneCredentialLinked(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string DeviceHash,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("smartphone_credential_unlinked_v1")]
public sealed record SmartphoneCredentialUnlinked(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string DeviceHash,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>The driving licence was recorded on the card (only its last four digits are kept in clear).</summary>
[GenerateSerializer, Immutable, EventName("driving_licence_linked_v1")]
public sealed record DrivingLicenceLinked(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string LicenceLast4,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

[GenerateSerializer, Immutable, EventName("driving_licence_unlinked_v1")]
public sealed record DrivingLicenceUnlinked(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] Actor Actor) : ICardEvent;

/// <summary>The chip reported a lock (3 wrong PINs, or 5 wrong signature passwords). The PIN itself never reaches us.</summary>
[GenerateSerializer, Immutable, EventName("pin_lock_reported_v1")]
public sealed record PinLockReported(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] PinKind Pin,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>A new PIN was set on the chip at the counter, with the card present.</summary>
[GenerateSerializer, Immutable, EventName("pin_reset_v1")]
public sealed record PinReset(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] PinKind Pin,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>The holder registered the card for use as a health insurance card, through this channel.</summary>
[GenerateSerializer, Immutable, EventName("card_registered_for_insurance_v1")]
public sealed record CardRegisteredForInsurance(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] Myna.GrainInterfaces.Clinics.InsuranceRegistrationChannel Channel,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>The holder withdrew the card's registration as a health insurance card.</summary>
[GenerateSerializer, Immutable, EventName("card_insurance_registration_cancelled_v1")]
public sealed record CardInsuranceRegistrationCancelled(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>
/// After a chip vulnerability campaign, the holder re-issued the certificates remotely (new keys from the
/// updated chip, proven by the chip's signature with the PIN): the card is active again without a counter visit.
/// </summary>
[GenerateSerializer, Immutable, EventName("card_remedied_after_campaign_v1")]
public sealed record CardRemediedAfterCampaign(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] Guid CampaignId,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICardEvent;

/// <summary>The expiry notice for the holder was produced (renewal window open): once per expiry date and kind.</summary>
[GenerateSerializer, Immutable, EventName("card_expiry_notice_sent_v1")]
public sealed record CardExpiryNoticeSent(
    [property: Id(0)] CardId CardId,
    [property: Id(1)] string Kind,
    [property: Id(2)] DateOnly ExpiresOn,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ICardEvent;

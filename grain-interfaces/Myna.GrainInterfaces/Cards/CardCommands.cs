using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Cards;

/// <summary>
/// A chip's signature (ECDSA P-256, SHA-256, IEEE P1363 r‖s) over a sealed challenge payload (invariant 19): a
/// new key signs a key-proof challenge; the card's existing user-authentication key signs a counter-presence
/// challenge at this counter. The card grain consumes the challenge (purpose, audience, expiry, once).
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.chip-proof")]
public sealed record ChipProof([property: Id(0)] byte[] Challenge, [property: Id(1)] byte[] Signature);

[GenerateSerializer, Immutable, Alias("myna.cmd.apply-for-card")]
public sealed record ApplyForCard(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] ApplicationChannel Channel,
    [property: Id(2)] bool FaceAuthentication,
    [property: Id(3)] bool UnderGuardianship,
    [property: Id(4)] bool Reissue);

[GenerateSerializer, Immutable, Alias("myna.cmd.mark-card-produced")]
public sealed record MarkCardProduced([property: Id(0)] string ChipBatch);

[GenerateSerializer, Immutable, Alias("myna.cmd.mark-card-ready")]
public sealed record MarkCardReadyForPickup([property: Id(0)] MunicipalityCode Municipality);

/// <summary>
/// Handover at the counter. The terminal reports that the holder set the PINs on the chip (never the
/// PINs themselves) and the public keys the chip generated; the backend issues the certificates.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.hand-over-card")]
public sealed record HandOverCard(
    [property: Id(0)] ProxyHandoverReason? ProxyReason,
    [property: Id(1)] bool PinsSet,
    [property: Id(2)] string? UserAuthenticationPublicKey,
    [property: Id(3)] string? SignaturePublicKey,
    [property: Id(4)] ChipProof? UserAuthenticationKeyProof = null,
    [property: Id(5)] ChipProof? SignatureKeyProof = null);

[GenerateSerializer, Immutable, Alias("myna.cmd.suspend-card")]
public sealed record SuspendCard([property: Id(0)] string Reason);

/// <summary>A suspension campaign stops the card: the campaign id travels as data, never inside the reason text.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.suspend-card-for-campaign")]
public sealed record SuspendCardForCampaign([property: Id(0)] Guid CampaignId, [property: Id(1)] string Reason);

/// <summary>Resumption only in person at a counter with the card; the signature certificate is reissued.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.resume-card")]
public sealed record ResumeCard(
    [property: Id(0)] MunicipalityCode Municipality,
    [property: Id(3)] ChipProof? Presence,
    [property: Id(2)] string? NewSignaturePublicKey,
    [property: Id(4)] ChipProof? SignatureKeyProof = null);

[GenerateSerializer, Immutable, Alias("myna.cmd.abolish-card")]
public sealed record AbolishCard([property: Id(0)] AbolitionReason Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.report-pin-lock")]
public sealed record ReportPinLock([property: Id(0)] PinKind Pin);

[GenerateSerializer, Immutable, Alias("myna.cmd.reset-pin")]
public sealed record ResetPin([property: Id(0)] PinKind Pin, [property: Id(2)] ChipProof? Presence);

/// <summary>The holder moved: the card must be updated at a counter within 90 days of the move-in or it lapses.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.note-holder-moved")]
public sealed record NoteHolderMoved([property: Id(0)] DateOnly MovedOn);

[GenerateSerializer, Immutable, Alias("myna.cmd.record-card-address-update")]
public sealed record RecordCardAddressUpdate([property: Id(0)] MunicipalityCode Municipality, [property: Id(2)] ChipProof? Presence);

/// <summary>At a counter with the card: to a PIN-less face-authentication card (certificates revoked, PINs gone).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.convert-to-face-authentication")]
public sealed record ConvertToFaceAuthentication([property: Id(1)] ChipProof? Presence);

/// <summary>At a counter with the card: back to a PIN card (PINs set on the chip, certificates issued).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.convert-to-pin-card")]
public sealed record ConvertToPinCard(
    [property: Id(1)] bool PinsSet,
    [property: Id(2)] string? UserAuthenticationPublicKey,
    [property: Id(3)] string? SignaturePublicKey,
    [property: Id(4)] ChipProof? UserAuthenticationKeyProof = null,
    [property: Id(5)] ChipProof? SignatureKeyProof = null);

/// <summary>
/// Where the chip cannot sign (a locked user-authentication PIN, a face-authentication card), the clerk checks
/// the holder's photo ID in person first; the counter step that follows requires it (invariant 19).
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-holder-identity-verification")]
public sealed record RecordHolderIdentityVerification(
    [property: Id(0)] MunicipalityCode Municipality,
    [property: Id(1)] IReadOnlyList<Persons.PresentedDocumentKind> Documents);

/// <summary>Puts the card's credential on a smartphone. One person per phone.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.link-smartphone")]
public sealed record LinkSmartphone([property: Id(0)] string DeviceId);

[GenerateSerializer, Immutable, Alias("myna.cmd.unlink-smartphone")]
public sealed record UnlinkSmartphone([property: Id(0)] string DeviceId);

/// <summary>Records the driving licence on the card (12-digit licence number).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.link-driving-licence")]
public sealed record LinkDrivingLicence([property: Id(0)] string LicenceNumber);

[GenerateSerializer, Immutable, Alias("myna.cmd.unlink-driving-licence")]
public sealed record UnlinkDrivingLicence;

[GenerateSerializer, Immutable, Alias("myna.linked-credential-view")]
public sealed record LinkedCredentialView(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Reference,
    [property: Id(2)] string Status);

/// <summary>Certificate renewal at a counter with the card, from 3 months before the certificates expire.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.renew-certificates")]
public sealed record RenewCertificates(
    [property: Id(3)] ChipProof? Presence,
    [property: Id(1)] string? UserAuthenticationPublicKey,
    [property: Id(2)] string? SignaturePublicKey,
    [property: Id(4)] ChipProof? UserAuthenticationKeyProof = null,
    [property: Id(5)] ChipProof? SignatureKeyProof = null);

[GenerateSerializer, Immutable, Alias("myna.cmd.revoke-signature-certificate")]
public sealed record RevokeSignatureCertificate([property: Id(0)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.certificate-view")]
public sealed record CertificateView(
    [property: Id(0)] CertificateKind Kind,
    [property: Id(1)] string Serial,
    [property: Id(2)] DateOnly ValidUntil,
    [property: Id(3)] string Status);

[GenerateSerializer, Immutable, Alias("myna.card-view")]
public sealed record CardView(
    [property: Id(0)] CardId Id,
    [property: Id(1)] PersonId PersonId,
    [property: Id(2)] CardStatus Status,
    [property: Id(3)] bool FaceAuthentication,
    [property: Id(4)] DateOnly AppliedOn,
    [property: Id(5)] DateOnly? IssuedOn,
    [property: Id(6)] DateOnly? ExpiresOn,
    [property: Id(7)] DateOnly? RenewalOpensOn,
    [property: Id(8)] int FeeYen,
    [property: Id(9)] AbolitionReason? AbolishedBecause,
    [property: Id(10)] IReadOnlyList<CertificateView> Certificates,
    [property: Id(11)] IReadOnlyList<PinKind> LockedPins,
    [property: Id(12)] long Version,
    [property: Id(13)] DateOnly? AddressUpdateDueBy,
    [property: Id(14)] bool Lapsed,
    [property: Id(15)] IReadOnlyList<LinkedCredentialView> LinkedCredentials,
    [property: Id(16)] Clinics.InsuranceRegistrationChannel? RegisteredForInsuranceVia = null,
    [property: Id(17)] IReadOnlyList<CardNoticeView>? Notices = null);

/// <summary>
/// What the holder should be told about the card now: the renewal window is open (card or certificates),
/// the card has expired, or an address update is due. <see cref="Sent"/> says the notice letter went out.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.card-notice-view")]
public sealed record CardNoticeView(
    [property: Id(0)] string Kind,
    [property: Id(1)] DateOnly Date,
    [property: Id(2)] bool Sent);

/// <summary>
/// The remote certificate re-issue after a chip campaign: the chip, updated, made new keys; it proves
/// possession (and the PIN, checked on the chip) by signing the challenge with the old user-authentication key.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.remedy-after-campaign")]
public sealed record RemedyAfterCampaign(
    [property: Id(0)] string OldSerial,
    [property: Id(1)] byte[] Challenge,
    [property: Id(2)] byte[] Signature,
    [property: Id(3)] string? UserAuthenticationPublicKey,
    [property: Id(4)] string? SignaturePublicKey,
    // Invariant 19: each new key signs the same one-time challenge too, proving the updated chip holds it.
    [property: Id(5)] byte[]? UserAuthenticationKeySignature = null,
    [property: Id(6)] byte[]? SignatureKeySignature = null);

[GenerateSerializer, Immutable, Alias("myna.cmd.register-card-for-insurance")]
public sealed record RegisterCardForInsurance([property: Id(0)] Clinics.InsuranceRegistrationChannel Channel);

[GenerateSerializer, Immutable, Alias("myna.cmd.cancel-card-insurance-registration")]
public sealed record CancelCardInsuranceRegistration([property: Id(0)] string Reason);

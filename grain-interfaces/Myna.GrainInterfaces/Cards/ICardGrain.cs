using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Cards;

/// <summary>One Individual Number Card through its whole life.</summary>
public interface ICardGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("Apply")]
    Task<Result<CardView>> Apply(CommandContext context, ApplyForCard command);

    [Alias("MarkProduced")]
    Task<Result<CardView>> MarkProduced(CommandContext context, MarkCardProduced command);

    [Alias("MarkReadyForPickup")]
    Task<Result<CardView>> MarkReadyForPickup(CommandContext context, MarkCardReadyForPickup command);

    /// <summary>Hands the card over; it becomes the person's one active card and abolishes the previous one.</summary>
    [Alias("HandOver")]
    Task<Result<CardView>> HandOver(CommandContext context, HandOverCard command);

    [Alias("Suspend")]
    Task<Result<CardView>> Suspend(CommandContext context, SuspendCard command);

    /// <summary>The suspension campaign's own suspension (the system fanning out the operator's campaign).</summary>
    [Alias("SuspendForCampaign")]
    Task<Result<CardView>> SuspendForCampaign(CommandContext context, SuspendCardForCampaign command);

    [Alias("Resume")]
    Task<Result<CardView>> Resume(CommandContext context, ResumeCard command);

    /// <summary>The clerk's in-person photo-ID check, for counter steps where the chip cannot sign.</summary>
    [Alias("RecordHolderIdentityVerification")]
    Task<Result<CardView>> RecordHolderIdentityVerification(CommandContext context, RecordHolderIdentityVerification command);

    [Alias("Abolish")]
    Task<Result<CardView>> Abolish(CommandContext context, AbolishCard command);

    [Alias("ReportPinLock")]
    Task<Result<CardView>> ReportPinLock(CommandContext context, ReportPinLock command);

    [Alias("ResetPin")]
    Task<Result<CardView>> ResetPin(CommandContext context, ResetPin command);

    [Alias("NoteHolderMoved")]
    Task<Result<CardView>> NoteHolderMoved(CommandContext context, NoteHolderMoved command);

    [Alias("RecordAddressUpdate")]
    Task<Result<CardView>> RecordAddressUpdate(CommandContext context, RecordCardAddressUpdate command);

    [Alias("ConvertToFaceAuthentication")]
    Task<Result<CardView>> ConvertToFaceAuthentication(CommandContext context, ConvertToFaceAuthentication command);

    [Alias("ConvertToPinCard")]
    Task<Result<CardView>> ConvertToPinCard(CommandContext context, ConvertToPinCard command);

    [Alias("LinkSmartphone")]
    Task<Result<CardView>> LinkSmartphone(CommandContext context, LinkSmartphone command);

    [Alias("UnlinkSmartphone")]
    Task<Result<CardView>> UnlinkSmartphone(CommandContext context, UnlinkSmartphone command);

    [Alias("LinkDrivingLicence")]
    Task<Result<CardView>> LinkDrivingLicence(CommandContext context, LinkDrivingLicence command);

    [Alias("UnlinkDrivingLicence")]
    Task<Result<CardView>> UnlinkDrivingLicence(CommandContext context, UnlinkDrivingLicence command);

    [Alias("RenewCertificates")]
    Task<Result<CardView>> RenewCertificates(CommandContext context, RenewCertificates command);

    [Alias("RevokeSignatureCertificate")]
    Task<Result<CardView>> RevokeSignatureCertificate(CommandContext context, RevokeSignatureCertificate command);

    /// <summary>Registers the card for use as a health insurance card (a face-authentication card only at a clinic terminal).</summary>
    [Alias("RegisterForInsurance")]
    Task<Result<CardView>> RegisterForInsurance(CommandContext context, RegisterCardForInsurance command);

    [Alias("CancelInsuranceRegistration")]
    Task<Result<CardView>> CancelInsuranceRegistration(CommandContext context, CancelCardInsuranceRegistration command);

    /// <summary>The remote certificate re-issue for a card a suspension campaign stopped; the card is active again.</summary>
    [Alias("RemedyAfterCampaign")]
    Task<Result<CardView>> RemedyAfterCampaign(CommandContext context, RemedyAfterCampaign command);

    /// <summary>Produces the notices that are due by the clock (once each); the card's reminder calls it.</summary>
    [Alias("SendDueNotices")]
    Task<Result<CardView>> SendDueNotices();

    /// <summary>The card for the grains that already decided who asks (the system's own reads).</summary>
    [Alias("GetCard"), Orleans.Concurrency.ReadOnly]
    Task<Result<CardView>> GetCard();

    /// <summary>
    /// The card as this caller may see it (invariant 16): a clerk of the managing municipality, the call centre
    /// (without the holder's person id), the holder their own (anyone else's is 404).
    /// </summary>
    [Alias("Read"), Orleans.Concurrency.ReadOnly]
    Task<Result<CardView>> Read(CommandContext context);

    /// <summary>
    /// <see cref="Read"/> for showing the card to its reader: a municipality clerk's or the call centre's read is
    /// recorded on the holder's access ledger first (invariant 22). <see cref="Read"/> alone only checks access.
    /// </summary>
    [Alias("Show")]
    Task<Result<CardView>> Show(CommandContext context);

    /// <summary>Checks a signature over a challenge with the registered user-authentication key.</summary>
    [Alias("VerifySignature"), Orleans.Concurrency.ReadOnly]
    Task<Result<AuthenticatedHolder>> VerifySignature(string serial, byte[] challenge, byte[] signature);

    /// <summary>
    /// For an eligibility check, in one call: the card's view and, when <paramref name="serial"/> is given, the
    /// chip's signature over the challenge verified as <see cref="VerifySignature"/> does. Not found when no card.
    /// </summary>
    [Alias("ForEligibilityCheck"), Orleans.Concurrency.ReadOnly]
    Task<Result<CardForCheck>> ForEligibilityCheck(string? serial, byte[] challenge, byte[]? signature);

    [Alias("CertificateStatus")]
    Task<CertificateStatusView> CertificateStatus(string serial);
}

/// <summary>What a person's stream recorded when a card became their active one.</summary>
[GenerateSerializer, Immutable, Alias("myna.active-card-change")]
public sealed record ActiveCardChange([property: Id(0)] CardId Card, [property: Id(1)] CardId? Previous);

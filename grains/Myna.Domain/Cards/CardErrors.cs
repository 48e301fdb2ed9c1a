using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Cards;

public static class CardErrors
{
    public static readonly DomainError NotFound = DomainError.NotFound("card.not-found", "No card exists under this id.");
    public static readonly DomainError AlreadyApplied = DomainError.Conflict("card.already-applied", "A card already exists under this id.");
    public static readonly DomainError Abolished = DomainError.Rule("card.abolished", "The card is abolished; that is final. Apply for a new card.");
    public static readonly DomainError NotActive = DomainError.Rule("card.not-active", "The card is not active.");
    public static readonly DomainError AlreadySuspended = DomainError.Conflict("card.already-suspended", "The card is already suspended.");
    public static readonly DomainError NotSuspended = DomainError.Rule("card.not-suspended", "Only a suspended card can be resumed.");
    public static readonly DomainError Expired = DomainError.Rule("card.expired", "The card has expired.");
    public static readonly DomainError CardNotPresented = DomainError.Rule("card.not-presented",
        "The card must be at this counter: its user-authentication key signs a counter-presence challenge issued here.");
    public static readonly DomainError NoPins = DomainError.Rule("card.face-authentication-has-no-pin",
        "A face-authentication card has no PINs.");
    public static readonly DomainError PinsNotSet = DomainError.Rule("card.pins-not-set",
        "The holder sets the PINs on the chip at handover.");
    public static readonly DomainError NoPublicKey = DomainError.Validation("card.invalid-public-key",
        "The chip's public key for the certificate is missing or malformed.");

    public static readonly DomainError KeyNotProven = DomainError.Rule("card.key-not-proven",
        "Each new chip key must sign a key-proof challenge issued at this counter.");
    public static readonly DomainError IdentityNotVerified = DomainError.Rule("card.identity-not-verified",
        "The chip cannot sign here (a locked PIN, a face-authentication card): record the holder's photo ID check first.");
    public static readonly DomainError IdentityDocumentsInsufficient = DomainError.Rule("card.identity-documents-insufficient",
        "An in-person identity check needs a photo ID (passport, driving licence, residence card, disability handbook or the card itself).");
    public static readonly DomainError NotSuspendedByCampaign = DomainError.Rule("card.not-suspended-by-campaign",
        "Only a card a suspension campaign stopped is re-issued remotely.");
    public static readonly DomainError CampaignDoesNotCover = DomainError.Rule("card.campaign-does-not-cover",
        "No suspension campaign exists that lists this card; it comes back only in person at a counter.");

    public static DomainError WrongState(CardStatus actual, CardStatus expected) =>
        actual == CardStatus.Abolished
            ? Abolished
            : DomainError.Rule("card.invalid-transition", $"The card is {actual}; this step needs it {expected}.");
}

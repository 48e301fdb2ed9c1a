using Myna.Domain.Authorization;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Cards;

/// <summary>
/// Who may do what with a card (invariant 16), decided on the card and the municipality that manages the
/// holder's person record now. That municipality is read from the person (the truth; a move-in passes the
/// record and the card together) and passed in, so these stay pure. The system (reactions, reminders) may
/// always act.
/// </summary>
public static class CardAccess
{
    /// <summary>The role the person grain's reactions carry (a move, a basic-four change, a closure): the system's.</summary>
    public const string PersonReactions = "person-reactions";

    /// <summary>The system itself: reminders, campaigns, and the person grain's reactions to its record.</summary>
    public static bool IsSystem(CommandContext context) => Access.IsSystem(context) || context.Actor.Role == PersonReactions;

    /// <summary>
    /// Counter work (application, pickup, handover, resumption, abolition, PINs, conversion, address,
    /// certificates, driving licence): only a clerk of the municipality that manages the holder.
    /// </summary>
    public static DomainError? AtCounter(CommandContext context, MunicipalityCode? managing) =>
        IsSystem(context) ? null
        : context.Actor.Role != ActorRoles.Municipality ? Access.WrongRole
        : managing is { } m ? Access.ManagingMunicipality(context, m)
        : Access.OtherMunicipality;

    /// <summary>An application: a clerk of the managing municipality, or the holder applying online for themselves.</summary>
    public static DomainError? Application(CommandContext context, PersonId holder, MunicipalityCode? managing) =>
        Access.AnyOf(AtCounter(context, managing), Access.Holder(context, holder));

    /// <summary>Suspension: the call centre for any card, at any hour; the holder (or their proxy) for their own.</summary>
    public static DomainError? Suspension(CommandContext context, CardState state) =>
        Access.AnyOf(Access.Roles(context, ActorRoles.CallCentre), Access.HolderOrProxy(context, state.PersonId));

    /// <summary>A suspension campaign: the operator's campaign, never a person.</summary>
    public static DomainError? CampaignSuspension(CommandContext context) => Access.Roles(context, ActorRoles.Operator);

    /// <summary>Production is recorded by the operator (the card maker's side).</summary>
    public static DomainError? Production(CommandContext context) => Access.Roles(context, ActorRoles.Operator);

    /// <summary>The smartphone credential goes on and off the holder's own phone, by the holder only.</summary>
    public static DomainError? Smartphone(CommandContext context, CardState state) => Access.Holder(context, state.PersonId);

    /// <summary>
    /// Insurance registration: the holder (portal, ATM) or the terminal on which the holder's chip just
    /// verified (the eligibility check's follow-up). Cancelling it is the holder's.
    /// </summary>
    public static DomainError? InsuranceRegistration(CommandContext context, CardState state) =>
        Access.AnyOf(Access.HolderOrProxy(context, state.PersonId), Access.Roles(context, ActorRoles.Terminal));

    public static DomainError? InsuranceCancellation(CommandContext context, CardState state) =>
        Access.HolderOrProxy(context, state.PersonId);

    /// <summary>Reactions that follow the person's record (a move, a basic-four change): the system only.</summary>
    public static DomainError? Reaction(CommandContext context) => IsSystem(context) ? null : Access.WrongRole;

    /// <summary>
    /// Reading a card: a clerk of the managing municipality; the call centre (to suspend it, without the
    /// holder's person id, see <see cref="SeesHolder"/>); the holder their own, anyone else's answers as if it
    /// did not exist (404).
    /// </summary>
    public static DomainError? Read(CommandContext context, CardState state, MunicipalityCode? managing) =>
        IsSystem(context) ? null
        : context.Actor.Role switch
        {
            ActorRoles.Municipality => AtCounter(context, managing),
            ActorRoles.CallCentre => null,
            ActorRoles.Resident => Access.HolderOrProxy(context, state.PersonId) is null ? null : CardErrors.NotFound,
            _ => Access.WrongRole,
        };

    /// <summary>Whether the caller sees the holder's person id (the key to the record): not the call centre.</summary>
    public static bool SeesHolder(CommandContext context) => context.Actor.Role != ActorRoles.CallCentre;
}

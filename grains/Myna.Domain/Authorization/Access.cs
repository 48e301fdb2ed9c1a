using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Authorization;

/// <summary>
/// Object-level authorisation, decided in the aggregate (invariant 16): whether this actor, in its role and
/// scope, may act on this aggregate. Each check returns null when allowed, else a 403 with a stable code.
/// The API's role policies are the first gate; these are the ones that know whose record it is.
/// </summary>
public static class Access
{
    public static readonly DomainError WrongRole =
        DomainError.Forbidden("access.role-not-allowed", "This role may not do this.");
    public static readonly DomainError OtherMunicipality =
        DomainError.Forbidden("access.other-municipality", "The person is on another municipality's resident record.");
    public static readonly DomainError NotTheHolder =
        DomainError.Forbidden("access.not-the-holder", "Only the holder may do this with their own card or record.");
    public static readonly DomainError OtherInsurer =
        DomainError.Forbidden("access.other-insurer", "This belongs to another insurer.");
    public static readonly DomainError OtherInstitution =
        DomainError.Forbidden("access.other-institution", "This belongs to another institution or terminal.");
    public static readonly DomainError OtherAgency =
        DomainError.Forbidden("access.other-agency", "This belongs to another agency.");
    public static readonly DomainError OtherKiosk =
        DomainError.Forbidden("access.other-kiosk", "This belongs to another kiosk's session.");
    public static readonly DomainError OtherApp =
        DomainError.Forbidden("access.other-app", "This belongs to another app.");

    public static readonly DomainError UnknownTerminal =
        DomainError.Forbidden("terminal.unknown", "This terminal is not registered (or was retired) at this institution.");

    /// <summary>The terminal named by the caller's token is registered and active at that institution (null when it is).</summary>
    public static DomainError? RegisteredTerminal(Myna.GrainInterfaces.Clinics.InstitutionView? institution, string? terminal) =>
        institution is not null && terminal is not null && institution.Terminals.Any(t => t.TerminalId == terminal && t.Active) ? null : UnknownTerminal;

    public static bool IsSystem(CommandContext context) => context.Actor.Role == ActorRoles.System;

    /// <summary>Only these roles (and the system itself) may do this.</summary>
    public static DomainError? Roles(CommandContext context, params string[] roles) =>
        IsSystem(context) || roles.Contains(context.Actor.Role) ? null : WrongRole;

    /// <summary>A clerk of the municipality that manages the record (or the system).</summary>
    public static DomainError? ManagingMunicipality(CommandContext context, MunicipalityCode managing) =>
        IsSystem(context) ? null
        : context.Actor.Role != ActorRoles.Municipality ? WrongRole
        : context.Scope.Municipality is { } own && own == managing.Value ? null
        : OtherMunicipality;

    /// <summary>The resident the record is about, acting for themselves.</summary>
    public static DomainError? Holder(CommandContext context, PersonId holder) =>
        IsSystem(context) ? null
        : context.Actor.Role != ActorRoles.Resident ? WrongRole
        : context.Scope.PersonId == holder.Value ? null
        : NotTheHolder;

    /// <summary>
    /// The resident the record is about, acting for themselves, or a resident the portal let act for them as a
    /// proxy (the API sets <see cref="Actor.OnBehalfOf"/> only after checking the proxy's right).
    /// </summary>
    public static DomainError? HolderOrProxy(CommandContext context, PersonId holder) =>
        Holder(context, holder) is not { } refused ? null
        : context.Actor.Role == ActorRoles.Resident && context.Actor.OnBehalfOf == holder.Value.ToString() ? null
        : refused;

    /// <summary>An operator of the national system (registrations of insurers, institutions, kiosks, apps; disasters; campaigns).</summary>
    public static DomainError? Operator(CommandContext context) => Roles(context, ActorRoles.Operator);

    /// <summary>Staff of this insurer (the token's insurer claim).</summary>
    public static DomainError? OwnInsurer(CommandContext context, string insurer) =>
        IsSystem(context) ? null
        : context.Actor.Role != ActorRoles.Insurer ? WrongRole
        : string.Equals(context.Scope.Insurer, insurer, StringComparison.Ordinal) ? null
        : OtherInsurer;

    /// <summary>Staff of this agency (the token's agency claim).</summary>
    public static DomainError? OwnAgency(CommandContext context, string? agency) =>
        IsSystem(context) ? null
        : context.Actor.Role != ActorRoles.Agency ? WrongRole
        : agency is not null && string.Equals(context.Scope.Agency, agency, StringComparison.Ordinal) ? null
        : OtherAgency;

    /// <summary>Allowed when any check allows; else the most specific refusal (a scope's over a role's).</summary>
    public static DomainError? AnyOf(params DomainError?[] checks)
    {
        DomainError? first = null;
        foreach (var check in checks)
        {
            if (check is null)
            {
                return null;
            }
            first = first is null || first == WrongRole ? check : first;
        }
        return first;
    }
}

using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Portal;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.
// Each type's stored name is its [EventName], never derived from the CLR name.

/// <summary>An event on a resident's portal stream ("portal-{person}").</summary>
public interface IPortalEvent : IDomainEvent
{
    PersonId PersonId { get; }
}

/// <summary>
/// The resident logged in with the card's user-authentication certificate. The refresh secret is kept
/// only as a hash; the place is a keyed hash of network and user agent (never the raw IP).
/// </summary>
[EventName("resident_logged_in_v1")]
public sealed record ResidentLoggedIn(
    PersonId PersonId,
    Guid SessionId,
    CardId Card,
    string CertificateSerial,
    string PlaceHash,
    bool NewPlace,
    string RefreshTokenHash,
    DateTimeOffset RefreshExpiresAt,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

/// <summary>The session's refresh secret was rotated; the previous one is dead (its reuse ends the session).</summary>
[EventName("portal_session_refreshed_v1")]
public sealed record PortalSessionRefreshed(
    PersonId PersonId,
    Guid SessionId,
    string RefreshTokenHash,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

/// <summary>Logout, a reused refresh secret, or a login card that can no longer authenticate.</summary>
[EventName("portal_session_ended_v1")]
public sealed record PortalSessionEnded(
    PersonId PersonId,
    Guid SessionId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

/// <summary>The resident (or a proxy with the right) let a registered app read these items until the expiry (invariant 10).</summary>
[EventName("app_consent_granted_v1")]
public sealed record AppConsentGranted(
    PersonId PersonId,
    Guid ConsentId,
    string AppId,
    string AppName,
    IReadOnlyList<AppItem> Items,
    DateTimeOffset ValidUntil,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

/// <summary>The consent ends now: revoked, or superseded by a newer grant to the same app.</summary>
[EventName("app_consent_revoked_v1")]
public sealed record AppConsentRevoked(
    PersonId PersonId,
    Guid ConsentId,
    string AppId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

/// <summary>The principal appointed (or re-appointed with new rights) another resident as proxy (invariant 13).</summary>
[EventName("proxy_appointed_v1")]
public sealed record ProxyAppointed(
    PersonId PersonId,
    PersonId Proxy,
    IReadOnlyList<ProxyRight> Rights,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

/// <summary>The principal removed a proxy; nobody else is needed for that.</summary>
[EventName("proxy_removed_v1")]
public sealed record ProxyRemoved(
    PersonId PersonId,
    PersonId Proxy,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPortalEvent;

// The access ledger ("ledger-{person}") beyond clinic checks: agencies, apps, proxies, the resident's own reveals.

/// <summary>An agency asked for an item about the person under its code: provided or refused (flow 7, invariant 11).</summary>
[EventName("agency_data_requested_v1")]
public sealed record AgencyDataRequested(
    PersonId PersonId,
    string Agency,
    DataItem Item,
    string Procedure,
    bool Provided,
    string? Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>A third-party app asked for an item: provided under a live consent, or refused.</summary>
[EventName("app_data_requested_v1")]
public sealed record AppDataRequested(
    PersonId PersonId,
    string AppId,
    string AppName,
    AppItem Item,
    Guid? ConsentId,
    bool Provided,
    string? Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>A proxy read or acted on the principal's data; the actor names the proxy and the principal.</summary>
[EventName("proxy_accessed_v1")]
public sealed record ProxyAccessed(
    PersonId PersonId,
    PersonId Proxy,
    string What,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>
/// Staff read the person's data (invariant 22): <see cref="Office"/> is the role and scope they read as (e.g.
/// "municipality 131016", "call-centre", "auditor"), the actor names the staff member.
/// </summary>
[EventName("staff_data_read_v1")]
public sealed record StaffDataRead(
    PersonId PersonId,
    string Office,
    string What,
    string Purpose,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>The resident asked to see their full Individual Number in the portal.</summary>
[EventName("individual_number_revealed_v1")]
public sealed record IndividualNumberRevealed(
    PersonId PersonId,
    Guid? SessionId,
    DateTimeOffset OccurredAt,
    Actor Actor) : ILedgerEvent;

/// <summary>An event on a registered app's stream ("app-{id}").</summary>
public interface IAppEvent : IDomainEvent
{
    string AppId { get; }
}

/// <summary>An operator registered a third-party app with the items it may ever ask residents for.</summary>
[EventName("third_party_app_registered_v1")]
public sealed record ThirdPartyAppRegistered(
    string AppId,
    string Name,
    IReadOnlyList<AppItem> AllowedItems,
    DateTimeOffset OccurredAt,
    Actor Actor) : IAppEvent;

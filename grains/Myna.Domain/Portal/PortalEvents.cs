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
[GenerateSerializer, Immutable, EventName("resident_logged_in_v1")]
public sealed record ResidentLoggedIn(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid SessionId,
    [property: Id(2)] CardId Card,
    [property: Id(3)] string CertificateSerial,
    [property: Id(4)] string PlaceHash,
    [property: Id(5)] bool NewPlace,
    [property: Id(6)] string RefreshTokenHash,
    [property: Id(7)] DateTimeOffset RefreshExpiresAt,
    [property: Id(8)] DateTimeOffset OccurredAt,
    [property: Id(9)] Actor Actor) : IPortalEvent;

/// <summary>The session's refresh secret was rotated; the previous one is dead (its reuse ends the session).</summary>
[GenerateSerializer, Immutable, EventName("portal_session_refreshed_v1")]
public sealed record PortalSessionRefreshed(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid SessionId,
    [property: Id(2)] string RefreshTokenHash,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPortalEvent;

/// <summary>Logout, a reused refresh secret, or a login card that can no longer authenticate.</summary>
[GenerateSerializer, Immutable, EventName("portal_session_ended_v1")]
public sealed record PortalSessionEnded(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid SessionId,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPortalEvent;

/// <summary>The resident (or a proxy with the right) let a registered app read these items until the expiry (invariant 10).</summary>
[GenerateSerializer, Immutable, EventName("app_consent_granted_v1")]
public sealed record AppConsentGranted(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid ConsentId,
    [property: Id(2)] string AppId,
    [property: Id(3)] string AppName,
    [property: Id(4)] IReadOnlyList<AppItem> Items,
    [property: Id(5)] DateTimeOffset ValidUntil,
    [property: Id(6)] DateTimeOffset OccurredAt,
    [property: Id(7)] Actor Actor) : IPortalEvent;

/// <summary>The consent ends now: revoked, or superseded by a newer grant to the same app.</summary>
[GenerateSerializer, Immutable, EventName("app_consent_revoked_v1")]
public sealed record AppConsentRevoked(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid ConsentId,
    [property: Id(2)] string AppId,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : IPortalEvent;

/// <summary>The principal appointed (or re-appointed with new rights) another resident as proxy (invariant 13).</summary>
[GenerateSerializer, Immutable, EventName("proxy_appointed_v1")]
public sealed record ProxyAppointed(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] PersonId Proxy,
    [property: Id(2)] IReadOnlyList<ProxyRight> Rights,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IPortalEvent;

/// <summary>The principal removed a proxy; nobody else is needed for that.</summary>
[GenerateSerializer, Immutable, EventName("proxy_removed_v1")]
public sealed record ProxyRemoved(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] PersonId Proxy,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : IPortalEvent;

// The access ledger ("ledger-{person}") beyond clinic checks: agencies, apps, proxies, the resident's own reveals.

/// <summary>An agency asked for an item about the person under its code: provided or refused (flow 7, invariant 11).</summary>
[GenerateSerializer, Immutable, EventName("agency_data_requested_v1")]
public sealed record AgencyDataRequested(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string Agency,
    [property: Id(2)] DataItem Item,
    [property: Id(3)] string Procedure,
    [property: Id(4)] bool Provided,
    [property: Id(5)] string? Reason,
    [property: Id(6)] DateTimeOffset OccurredAt,
    [property: Id(7)] Actor Actor) : ILedgerEvent;

/// <summary>A third-party app asked for an item: provided under a live consent, or refused.</summary>
[GenerateSerializer, Immutable, EventName("app_data_requested_v1")]
public sealed record AppDataRequested(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string AppName,
    [property: Id(3)] AppItem Item,
    [property: Id(4)] Guid? ConsentId,
    [property: Id(5)] bool Provided,
    [property: Id(6)] string? Reason,
    [property: Id(7)] DateTimeOffset OccurredAt,
    [property: Id(8)] Actor Actor) : ILedgerEvent;

/// <summary>A proxy read or acted on the principal's data; the actor names the proxy and the principal.</summary>
[GenerateSerializer, Immutable, EventName("proxy_accessed_v1")]
public sealed record ProxyAccessed(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] PersonId Proxy,
    [property: Id(2)] string What,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ILedgerEvent;

/// <summary>
/// Staff read the person's data (invariant 22): <see cref="Office"/> is the role and scope they read as (e.g.
/// "municipality 131016", "call-centre", "auditor"), the actor names the staff member.
/// </summary>
[GenerateSerializer, Immutable, EventName("staff_data_read_v1")]
public sealed record StaffDataRead(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] string Office,
    [property: Id(2)] string What,
    [property: Id(3)] string Purpose,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : ILedgerEvent;

/// <summary>The resident asked to see their full Individual Number in the portal.</summary>
[GenerateSerializer, Immutable, EventName("individual_number_revealed_v1")]
public sealed record IndividualNumberRevealed(
    [property: Id(0)] PersonId PersonId,
    [property: Id(1)] Guid? SessionId,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ILedgerEvent;

/// <summary>An event on a registered app's stream ("app-{id}").</summary>
public interface IAppEvent : IDomainEvent
{
    string AppId { get; }
}

/// <summary>An operator registered a third-party app with the items it may ever ask residents for.</summary>
[GenerateSerializer, Immutable, EventName("third_party_app_registered_v1")]
public sealed record ThirdPartyAppRegistered(
    [property: Id(0)] string AppId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<AppItem> AllowedItems,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : IAppEvent;

using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Portal;

[GenerateSerializer, Immutable, Alias("myna.state.portal-session.v1")]
public sealed record PortalSession(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] CardId Card,
    [property: Id(2)] string CertificateSerial,
    [property: Id(3)] string TokenHash,
    [property: Id(4)] string? PreviousTokenHash,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset RefreshExpiresAt,
    [property: Id(7)] bool NewPlace,
    [property: Id(8)] string? EndedBecause);

[GenerateSerializer, Immutable, Alias("myna.state.app-consent.v1")]
public sealed record AppConsent(
    [property: Id(0)] Guid ConsentId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string AppName,
    [property: Id(3)] ImmutableList<AppItem> Items,
    [property: Id(4)] DateTimeOffset GrantedAt,
    [property: Id(5)] DateTimeOffset ValidUntil,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] string GrantedBy,
    [property: Id(8)] string? GrantedOnBehalfOf)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < ValidUntil;
}

[GenerateSerializer, Immutable, Alias("myna.state.proxy-appointment.v1")]
public sealed record ProxyAppointment(
    [property: Id(0)] PersonId Proxy,
    [property: Id(1)] ImmutableList<ProxyRight> Rights,
    [property: Id(2)] DateTimeOffset AppointedAt);

/// <summary>
/// Bounded: the last <see cref="KeptSessions"/> sessions, <see cref="KeptPlaces"/> places and
/// <see cref="KeptNewPlaceLogins"/> new-place logins; consents and proxies are few by nature.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.state.portal.v1")]
public sealed record PortalState : IAggregateState<PortalState, IPortalEvent>
{
    public const int KeptSessions = 20;
    public const int KeptPlaces = 50;
    public const int KeptNewPlaceLogins = 20;

    public static PortalState Initial { get; } = new();

    [Id(0)] public ImmutableList<PortalSession> Sessions { get; init; } = [];
    [Id(1)] public ImmutableList<string> KnownPlaces { get; init; } = [];
    [Id(2)] public ImmutableList<NewPlaceLoginView> NewPlaceLogins { get; init; } = [];
    [Id(3)] public ImmutableList<AppConsent> Consents { get; init; } = [];
    [Id(4)] public ImmutableList<ProxyAppointment> Proxies { get; init; } = [];
    [Id(5)] public DateTimeOffset? LastLoginAt { get; init; }

    public PortalState Apply(IPortalEvent @event) => @event switch
    {
        ResidentLoggedIn e => this with
        {
            Sessions = Bounded(Sessions.Add(new PortalSession(e.SessionId, e.Card, e.CertificateSerial, e.RefreshTokenHash, null,
                e.OccurredAt, e.RefreshExpiresAt, e.NewPlace, null)), KeptSessions),
            KnownPlaces = KnownPlaces.Contains(e.PlaceHash) ? KnownPlaces : Bounded(KnownPlaces.Add(e.PlaceHash), KeptPlaces),
            NewPlaceLogins = e.NewPlace ? Bounded(NewPlaceLogins.Add(new NewPlaceLoginView(e.OccurredAt, e.Card)), KeptNewPlaceLogins) : NewPlaceLogins,
            LastLoginAt = e.OccurredAt,
        },
        PortalSessionRefreshed e => WithSession(e.SessionId, s => s with { PreviousTokenHash = s.TokenHash, TokenHash = e.RefreshTokenHash }),
        PortalSessionEnded e => WithSession(e.SessionId, s => s with { EndedBecause = s.EndedBecause ?? e.Reason }),
        AppConsentGranted e => this with
        {
            Consents = Consents.Add(new AppConsent(e.ConsentId, e.AppId, e.AppName, [.. e.Items], e.OccurredAt, e.ValidUntil, null,
                e.Actor.Subject, e.Actor.OnBehalfOf)),
        },
        AppConsentRevoked e => this with
        {
            Consents = Consents.ConvertAll(c => c.ConsentId == e.ConsentId && c.RevokedAt is null ? c with { RevokedAt = e.OccurredAt } : c),
        },
        ProxyAppointed e => this with
        {
            Proxies = Proxies.RemoveAll(p => p.Proxy == e.Proxy).Add(new ProxyAppointment(e.Proxy, [.. e.Rights], e.OccurredAt)),
        },
        ProxyRemoved e => this with { Proxies = Proxies.RemoveAll(p => p.Proxy == e.Proxy) },
        _ => this,
    };

    public PortalSession? FindSession(Guid id) => Sessions.Find(s => s.SessionId == id);

    public ProxyAppointment? FindProxy(PersonId proxy) => Proxies.Find(p => p.Proxy == proxy);

    /// <summary>The latest consent given to an app (a newer grant supersedes the older one).</summary>
    public AppConsent? LatestConsent(string appId) => Consents.FindLast(c => c.AppId == appId);

    private PortalState WithSession(Guid id, Func<PortalSession, PortalSession> change) =>
        this with { Sessions = Sessions.ConvertAll(s => s.SessionId == id ? change(s) : s) };

    private static ImmutableList<T> Bounded<T>(ImmutableList<T> list, int max) =>
        list.Count > max ? list.RemoveRange(0, list.Count - max) : list;
}

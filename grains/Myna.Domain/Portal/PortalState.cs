using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Portal;

public sealed record PortalSession(
    Guid SessionId,
    CardId Card,
    string CertificateSerial,
    string TokenHash,
    string? PreviousTokenHash,
    DateTimeOffset StartedAt,
    DateTimeOffset RefreshExpiresAt,
    bool NewPlace,
    string? EndedBecause);

public sealed record AppConsent(
    Guid ConsentId,
    string AppId,
    string AppName,
    ImmutableList<AppItem> Items,
    DateTimeOffset GrantedAt,
    DateTimeOffset ValidUntil,
    DateTimeOffset? RevokedAt,
    string GrantedBy,
    string? GrantedOnBehalfOf)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < ValidUntil;
}

public sealed record ProxyAppointment(
    PersonId Proxy,
    ImmutableList<ProxyRight> Rights,
    DateTimeOffset AppointedAt);

/// <summary>
/// Bounded: the last <see cref="KeptSessions"/> sessions, <see cref="KeptPlaces"/> places and
/// <see cref="KeptNewPlaceLogins"/> new-place logins; consents and proxies are few by nature.
/// </summary>
public sealed record PortalState : IAggregateState<PortalState, IPortalEvent>
{
    public const int KeptSessions = 20;
    public const int KeptPlaces = 50;
    public const int KeptNewPlaceLogins = 20;

    public static PortalState Initial { get; } = new();

    public ImmutableList<PortalSession> Sessions { get; init; } = [];
    public ImmutableList<string> KnownPlaces { get; init; } = [];
    public ImmutableList<NewPlaceLoginView> NewPlaceLogins { get; init; } = [];
    public ImmutableList<AppConsent> Consents { get; init; } = [];
    public ImmutableList<ProxyAppointment> Proxies { get; init; } = [];
    public DateTimeOffset? LastLoginAt { get; init; }

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

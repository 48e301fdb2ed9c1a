using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Portal;

public static class PortalErrors
{
    public static readonly DomainError SessionInvalid =
        DomainError.Unauthenticated("portal.session-invalid", "The refresh token is unknown or no longer valid; log in with the card again.");
    public static readonly DomainError SessionExpired =
        DomainError.Unauthenticated("portal.session-expired", "The portal session has expired; log in with the card again.");
    public static readonly DomainError RefreshTokenReused =
        DomainError.Unauthenticated("portal.refresh-token-reused", "A refresh token was used twice: the session is ended; log in with the card again.");
    public static readonly DomainError SessionNotFound =
        DomainError.NotFound("portal.session-not-found", "No such portal session.");
    public static readonly DomainError AppNotFound =
        DomainError.NotFound("app.not-found", "No third-party app is registered under this id.");
    public static readonly DomainError ConsentNotFound =
        DomainError.NotFound("consent.not-found", "No consent of this resident exists under this id.");
    public static readonly DomainError ItemNotAllowed =
        DomainError.Rule("consent.item-not-allowed", "The app is not registered for every item asked; grant only items the app may ask for.");
    public static readonly DomainError ProxyIsSelf =
        DomainError.Validation("proxy.self", "A resident cannot be their own proxy.");
    public static readonly DomainError ProxyPersonNotFound =
        DomainError.NotFound("proxy.person-not-found", "The proxy must be a resident with an open record.");
    public static readonly DomainError ProxyNotFound =
        DomainError.NotFound("proxy.not-found", "This person is not your proxy.");

    public static DomainError Invalid(string field, string message) => DomainError.Validation($"portal.invalid-{field}", message);
}

/// <summary>The portal's pure rules: sessions, app consents (invariant 10), proxies (invariant 13).</summary>
public static class PortalDecider
{
    /// <summary>A login lasts at most this long however often it is refreshed; then the card is needed again.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    /// <summary>An app consent runs at most a year; the resident renews it deliberately.</summary>
    public static readonly TimeSpan MaxConsentValidity = TimeSpan.FromDays(366);

    public const int MaxAppIdLength = 40;

    public static bool IsTokenHash(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigitLower);

    public static bool IsAppId(string? id) =>
        id is { Length: > 0 and <= MaxAppIdLength } && char.IsAsciiLetterLower(id[0]) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>A login: a place seen for the first time is a new place, unless it is the very first login.</summary>
    public static Decision<IPortalEvent> StartSession(PortalState state, PersonId person, StartPortalSession command, DateTimeOffset now, Actor actor)
    {
        if (!IsTokenHash(command.RefreshTokenHash) || !IsTokenHash(command.PlaceHash))
        {
            return PortalErrors.Invalid("session", "The refresh token hash and the place hash are SHA-256 in lower-case hex.");
        }
        if (state.FindSession(command.SessionId) is not null)
        {
            return DomainError.Conflict("portal.session-exists", "This session was already started.");
        }
        var newPlace = state.KnownPlaces.Count > 0 && !state.KnownPlaces.Contains(command.PlaceHash);
        return Decision<IPortalEvent>.Accept(new ResidentLoggedIn(person, command.SessionId, command.Card, command.CertificateSerial,
            command.PlaceHash, newPlace, command.RefreshTokenHash, now + SessionLifetime, now, actor));
    }

    /// <summary>
    /// Rotates the refresh secret. A rotated (old) secret presented again means it leaked: the session ends.
    /// A login card that can no longer authenticate (<paramref name="cardRefusal"/>: suspended, abolished,
    /// expired, certificate revoked) ends the session too.
    /// </summary>
    public static Decision<IPortalEvent> Refresh(PortalState state, PersonId person, RefreshPortalSession command, DomainError? cardRefusal, DateTimeOffset now, Actor actor)
    {
        if (state.FindSession(command.SessionId) is not { EndedBecause: null } session)
        {
            return PortalErrors.SessionInvalid;
        }
        if (!IsTokenHash(command.NewTokenHash))
        {
            return PortalErrors.Invalid("session", "The new refresh token hash is SHA-256 in lower-case hex.");
        }
        if (command.PresentedTokenHash == session.PreviousTokenHash)
        {
            return Decision<IPortalEvent>.Accept(new PortalSessionEnded(person, session.SessionId, PortalErrors.RefreshTokenReused.Code, now, actor));
        }
        if (command.PresentedTokenHash != session.TokenHash)
        {
            return PortalErrors.SessionInvalid;
        }
        if (now >= session.RefreshExpiresAt)
        {
            return PortalErrors.SessionExpired;
        }
        return cardRefusal is not null
            ? Decision<IPortalEvent>.Accept(new PortalSessionEnded(person, session.SessionId, cardRefusal.Code, now, actor))
            : Decision<IPortalEvent>.Accept(new PortalSessionRefreshed(person, session.SessionId, command.NewTokenHash, now, actor));
    }

    /// <summary>The answer to a refresh, from the state after it: an ended session answers why it ended.</summary>
    public static Result<PortalSessionView> SessionAnswer(PortalState state, PersonId person, Guid sessionId)
    {
        if (state.FindSession(sessionId) is not { } session)
        {
            return PortalErrors.SessionInvalid;
        }
        return session.EndedBecause switch
        {
            null => Result<PortalSessionView>.Ok(ToView(person, session)),
            var reason when reason == PortalErrors.RefreshTokenReused.Code => PortalErrors.RefreshTokenReused,
            var reason when reason.StartsWith("card.", StringComparison.Ordinal) || reason.StartsWith("certificate.", StringComparison.Ordinal) =>
                DomainError.Unauthenticated(reason, "The login card can no longer authenticate; the session is ended."),
            _ => PortalErrors.SessionInvalid,
        };
    }

    public static Decision<IPortalEvent> EndSession(PortalState state, PersonId person, EndPortalSession command, DateTimeOffset now, Actor actor) =>
        state.FindSession(command.SessionId) switch
        {
            null => PortalErrors.SessionNotFound,
            { EndedBecause: not null } => Decision<IPortalEvent>.Accept(),
            var s => Decision<IPortalEvent>.Accept(new PortalSessionEnded(person, s.SessionId, string.IsNullOrWhiteSpace(command.Reason) ? "logout" : command.Reason, now, actor)),
        };

    /// <summary>
    /// Invariant 10: scoped (a non-empty subset of what the app is registered for), expiring (within a
    /// year), recorded with time and actor. A new grant to the same app supersedes the previous one.
    /// </summary>
    public static Decision<IPortalEvent> GrantConsent(PortalState state, PersonId person, GrantAppConsent command, AppView? app, DateTimeOffset now, Actor actor)
    {
        if (command.Items is null || command.Items.Count == 0 || command.Items.Distinct().Count() != command.Items.Count || !command.Items.All(Enum.IsDefined))
        {
            return PortalErrors.Invalid("items", "List one or more items, each once.");
        }
        if (command.ValidUntil <= now || command.ValidUntil > now + MaxConsentValidity)
        {
            return PortalErrors.Invalid("valid-until", "A consent expires in the future, at most a year from now.");
        }
        if (app is null)
        {
            return PortalErrors.AppNotFound;
        }
        if (!command.Items.All(app.AllowedItems.Contains))
        {
            return PortalErrors.ItemNotAllowed;
        }
        if (state.Consents.Exists(c => c.ConsentId == command.ConsentId))
        {
            return DomainError.Conflict("consent.already-granted", "A consent with this id exists already.");
        }
        var granted = new AppConsentGranted(person, command.ConsentId, app.AppId, app.Name, [.. command.Items], command.ValidUntil, now, actor);
        return state.LatestConsent(app.AppId) is { RevokedAt: null } previous && now < previous.ValidUntil
            ? Decision<IPortalEvent>.Accept(new AppConsentRevoked(person, previous.ConsentId, app.AppId, "superseded", now, actor), granted)
            : Decision<IPortalEvent>.Accept(granted);
    }

    /// <summary>Revocation is effective for the very next read; revoking twice records nothing new.</summary>
    public static Decision<IPortalEvent> RevokeConsent(PortalState state, PersonId person, RevokeAppConsent command, DateTimeOffset now, Actor actor) =>
        state.Consents.Find(c => c.ConsentId == command.ConsentId) switch
        {
            null => PortalErrors.ConsentNotFound,
            { RevokedAt: not null } => Decision<IPortalEvent>.Accept(),
            var c => Decision<IPortalEvent>.Accept(new AppConsentRevoked(person, c.ConsentId, c.AppId, "revoked", now, actor)),
        };

    /// <summary>Whether the app may read this item now: the consent that covers it, or why not.</summary>
    public static AppConsentCheck Covers(PortalState state, string appId, AppItem item, DateTimeOffset now) =>
        state.LatestConsent(appId) switch
        {
            null => new AppConsentCheck(null, "consent.none"),
            { RevokedAt: not null } c => new AppConsentCheck(c.ConsentId, "consent.revoked"),
            var c when now >= c.ValidUntil => new AppConsentCheck(c.ConsentId, "consent.expired"),
            var c when !c.Items.Contains(item) => new AppConsentCheck(c.ConsentId, "consent.item-not-covered"),
            var c => new AppConsentCheck(c.ConsentId, null),
        };

    /// <summary>Invariant 13: explicit rights, appointed by the principal; the proxy is another open record.</summary>
    public static Decision<IPortalEvent> AppointProxy(PortalState state, PersonId person, AppointProxy command, bool proxyHasOpenRecord, DateTimeOffset now, Actor actor)
    {
        if (command.Proxy == person)
        {
            return PortalErrors.ProxyIsSelf;
        }
        if (command.Rights is null || command.Rights.Count == 0 || command.Rights.Distinct().Count() != command.Rights.Count || !command.Rights.All(Enum.IsDefined))
        {
            return PortalErrors.Invalid("rights", "List one or more of view, card-loss, manage-consents, each once.");
        }
        if (!proxyHasOpenRecord)
        {
            return PortalErrors.ProxyPersonNotFound;
        }
        var rights = command.Rights.Order().ToList();
        return state.FindProxy(command.Proxy) is { } existing && existing.Rights.Order().SequenceEqual(rights)
            ? Decision<IPortalEvent>.Accept()
            : Decision<IPortalEvent>.Accept(new ProxyAppointed(person, command.Proxy, rights, now, actor));
    }

    /// <summary>Invariant 13: the principal removes a proxy alone.</summary>
    public static Decision<IPortalEvent> RemoveProxy(PortalState state, PersonId person, RemoveProxy command, DateTimeOffset now, Actor actor) =>
        state.FindProxy(command.Proxy) is null
            ? PortalErrors.ProxyNotFound
            : Decision<IPortalEvent>.Accept(new ProxyRemoved(person, command.Proxy, now, actor));

    public static PortalSessionView ToView(PersonId person, PortalSession s) =>
        new(s.SessionId, person, s.Card, s.CertificateSerial, s.StartedAt, s.RefreshExpiresAt, s.NewPlace);

    public static AppConsentView ToView(AppConsent c, DateTimeOffset now) =>
        new(c.ConsentId, c.AppId, c.AppName, c.Items, c.GrantedAt, c.ValidUntil, c.RevokedAt, c.IsActiveAt(now), c.GrantedBy, c.GrantedOnBehalfOf);

    public static ProxyView ToView(ProxyAppointment p) => new(p.Proxy, p.Rights, p.AppointedAt);

    public static PortalOverview Overview(PortalState state, DateTimeOffset now) =>
        new(state.Consents.Select(c => ToView(c, now)).Reverse().ToList(),
            state.Proxies.Select(ToView).ToList(),
            state.NewPlaceLogins.AsEnumerable().Reverse().ToList(),
            state.LastLoginAt);
}

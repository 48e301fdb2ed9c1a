using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Portal;

/// <summary>What a registered third-party app may ask a resident to share (never the Individual Number).</summary>
public enum AppItem
{
    BasicFourItems,
    InsuranceQualifications,
    DisabilityCertificates,
    IncomeSummary,
}

/// <summary>What a proxy (代理人) may do for the principal. Appointing and removing proxies stays with the principal.</summary>
public enum ProxyRight
{
    /// <summary>Read the principal's self-information and access ledger.</summary>
    View,
    /// <summary>Report the principal's card lost (it is suspended at once).</summary>
    CardLoss,
    /// <summary>Grant and revoke the principal's third-party app consents.</summary>
    ManageConsents,
}

/// <summary>
/// A portal login after a good certificate challenge-response. The API generates the refresh secret and
/// sends only its hash; the place is a keyed hash of the network and the user agent, never the raw IP.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.start-portal-session")]
public sealed record StartPortalSession(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] CardId Card,
    [property: Id(2)] string CertificateSerial,
    [property: Id(3)] string PlaceHash,
    [property: Id(4)] string RefreshTokenHash);

/// <summary>Rotates the refresh secret: the presented hash must be the current one; a rotated one ends the session.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.refresh-portal-session")]
public sealed record RefreshPortalSession(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] string PresentedTokenHash,
    [property: Id(2)] string NewTokenHash);

[GenerateSerializer, Immutable, Alias("myna.cmd.end-portal-session")]
public sealed record EndPortalSession(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.portal-session-view")]
public sealed record PortalSessionView(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] PersonId PersonId,
    [property: Id(2)] CardId Card,
    [property: Id(3)] string CertificateSerial,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset RefreshExpiresAt,
    [property: Id(6)] bool NewPlace);

[GenerateSerializer, Immutable, Alias("myna.cmd.grant-app-consent")]
public sealed record GrantAppConsent(
    [property: Id(0)] Guid ConsentId,
    [property: Id(1)] string AppId,
    [property: Id(2)] IReadOnlyList<AppItem> Items,
    [property: Id(3)] DateTimeOffset ValidUntil);

[GenerateSerializer, Immutable, Alias("myna.cmd.revoke-app-consent")]
public sealed record RevokeAppConsent([property: Id(0)] Guid ConsentId);

[GenerateSerializer, Immutable, Alias("myna.app-consent-view")]
public sealed record AppConsentView(
    [property: Id(0)] Guid ConsentId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string AppName,
    [property: Id(3)] IReadOnlyList<AppItem> Items,
    [property: Id(4)] DateTimeOffset GrantedAt,
    [property: Id(5)] DateTimeOffset ValidUntil,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] bool Active,
    [property: Id(8)] string GrantedBy,
    [property: Id(9)] string? GrantedOnBehalfOf);

/// <summary>Whether a consent covers an app's read now: the consent, or why not.</summary>
[GenerateSerializer, Immutable, Alias("myna.app-consent-check")]
public sealed record AppConsentCheck(
    [property: Id(0)] Guid? ConsentId,
    [property: Id(1)] string? Refusal);

[GenerateSerializer, Immutable, Alias("myna.cmd.appoint-proxy")]
public sealed record AppointProxy(
    [property: Id(0)] PersonId Proxy,
    [property: Id(1)] IReadOnlyList<ProxyRight> Rights);

[GenerateSerializer, Immutable, Alias("myna.cmd.remove-proxy")]
public sealed record RemoveProxy([property: Id(0)] PersonId Proxy);

[GenerateSerializer, Immutable, Alias("myna.proxy-view")]
public sealed record ProxyView(
    [property: Id(0)] PersonId Proxy,
    [property: Id(1)] IReadOnlyList<ProxyRight> Rights,
    [property: Id(2)] DateTimeOffset AppointedAt);

[GenerateSerializer, Immutable, Alias("myna.new-place-login-view")]
public sealed record NewPlaceLoginView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] CardId Card);

/// <summary>One thing the portal tells the resident now.</summary>
[GenerateSerializer, Immutable, Alias("myna.portal-notification")]
public sealed record PortalNotificationView([property: Id(0)] string Kind, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string Detail);

/// <summary>The portal side of a resident: consents, proxies, logins from new places.</summary>
[GenerateSerializer, Immutable, Alias("myna.portal-overview")]
public sealed record PortalOverview(
    [property: Id(0)] IReadOnlyList<AppConsentView> Consents,
    [property: Id(1)] IReadOnlyList<ProxyView> Proxies,
    [property: Id(2)] IReadOnlyList<NewPlaceLoginView> NewPlaceLogins,
    [property: Id(3)] DateTimeOffset? LastLoginAt);

/// <summary>
/// One resident's portal: sessions (rotating refresh secrets kept as hashes), the places they logged in
/// from, third-party app consents and proxies. Its own stream ("portal-{person}"), apart from the person's
/// register of record, so that portal traffic never contends with a clerk's or an insurer's commands.
/// </summary>
public interface IPortalGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("StartSession")]
    Task<Result<PortalSessionView>> StartSession(CommandContext context, StartPortalSession command);

    /// <summary>Refused once the login card or its user-authentication certificate is suspended, revoked or expired.</summary>
    [Alias("RefreshSession")]
    Task<Result<PortalSessionView>> RefreshSession(CommandContext context, RefreshPortalSession command);

    [Alias("EndSession")]
    Task<Result<PortalSessionView>> EndSession(CommandContext context, EndPortalSession command);

    /// <summary>
    /// Whether the session is still open: not logged out, not ended by a reused refresh token, not expired. Every
    /// access token of the session is checked against it on every request, so a logout takes effect at once on
    /// every API replica (the state lives here, not in one process).
    /// </summary>
    [Alias("IsSessionActive"), Orleans.Concurrency.ReadOnly]
    Task<bool> IsSessionActive(Guid sessionId);

    [Alias("GrantAppConsent")]
    Task<Result<AppConsentView>> GrantAppConsent(CommandContext context, GrantAppConsent command);

    [Alias("RevokeAppConsent")]
    Task<Result<AppConsentView>> RevokeAppConsent(CommandContext context, RevokeAppConsent command);

    [Alias("AppointProxy")]
    Task<Result<ProxyView>> AppointProxy(CommandContext context, AppointProxy command);

    [Alias("RemoveProxy")]
    Task<Result<IReadOnlyList<ProxyView>>> RemoveProxy(CommandContext context, RemoveProxy command);

    [Alias("GetOverview"), Orleans.Concurrency.ReadOnly]
    Task<PortalOverview> GetOverview();

    /// <summary>
    /// The resident asks for an eligibility confirmation document: for the named qualification, or for the one
    /// active today (Japan's date); issued by that qualification's insurer.
    /// </summary>
    [Alias("RequestConfirmationDocument")]
    Task<Result<Myna.GrainInterfaces.Insurance.ConfirmationDocumentView>> RequestConfirmationDocument(CommandContext context, Guid? qualificationId);

    /// <summary>What the portal tells the resident now, from these cards and insurance and the portal's own state (derived, never stored).</summary>
    [Alias("GetNotifications"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<PortalNotificationView>> GetNotifications(IReadOnlyList<Myna.GrainInterfaces.Cards.CardView> cards, Myna.GrainInterfaces.Insurance.InsuranceSummary? insurance);

    /// <summary>The rights of a proxy of this person, or null when they are not a proxy.</summary>
    [Alias("GetProxyRights"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<ProxyRight>?> GetProxyRights(PersonId proxy);

    [Alias("CheckAppConsent"), Orleans.Concurrency.ReadOnly]
    Task<AppConsentCheck> CheckAppConsent(string appId, AppItem item);
}

[GenerateSerializer, Immutable, Alias("myna.cmd.register-app")]
public sealed record RegisterApp(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<AppItem> AllowedItems);

[GenerateSerializer, Immutable, Alias("myna.app-view")]
public sealed record AppView(
    [property: Id(0)] string AppId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<AppItem> AllowedItems,
    [property: Id(3)] DateTimeOffset RegisteredAt,
    [property: Id(4)] long Version);

/// <summary>A third-party app registered by an operator ("app-{id}").</summary>
public interface IAppGrain : IGrainWithStringKey, IEventSourcedGrain
{
    [Alias("Register")]
    Task<Result<AppView>> Register(CommandContext context, RegisterApp command);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Result<AppView>> Get();
}

/// <summary>What an app receives: the one item it asked for, never the Individual Number or the person id.</summary>
[GenerateSerializer, Immutable, Alias("myna.app-data-view")]
public sealed record AppDataView(
    [property: Id(0)] AgencyCode Code,
    [property: Id(1)] AppItem Item,
    [property: Id(2)] BasicFourItems? BasicFourItems,
    [property: Id(3)] IReadOnlyList<InsuranceQualificationView>? Qualifications,
    [property: Id(4)] IReadOnlyList<DisabilityCertificateView>? DisabilityCertificates,
    [property: Id(5)] IReadOnlyList<IncomeSummaryView>? IncomeSummaries);

/// <summary>
/// Apps see a resident only under their own per-app code (the agency-code scheme under "app:{id}"), and
/// read only what a live consent covers; every read, allowed or refused, goes on the resident's ledger.
/// Stateless worker: it scales with the silos.
/// </summary>
public interface IAppGatewayGrain : IGrainWithIntegerKey
{
    [Alias("CodeFor")]
    Task<AgencyCode> CodeFor(string appId, PersonId person);

    [Alias("Read")]
    Task<Result<AppDataView>> Read(CommandContext context, string appId, AgencyCode code, AppItem item);
}

using Myna.Domain.Calendar;
using Myna.Domain.Persons;
using Myna.Domain.Authorization;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Portal;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Portal;

/// <summary>
/// One resident's portal stream: sessions, places, app consents and proxies. Consent checks by apps and
/// proxy checks are read-only calls, so they interleave; every change goes through the one command pattern.
/// </summary>
public sealed class PortalGrain(
    IEventStreamStore store,
    TimeProvider clock,
    ILogger<PortalGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<PortalState, IPortalEvent>(store, clock, logger, snapshots), IPortalGrain
{
    private PersonId Id => new(this.GetPrimaryKey());

    protected override StreamRef Stream => StreamRef.PortalOf(Id);

    public Task<Result<PortalSessionView>> StartSession(CommandContext context, StartPortalSession command) =>
        Execute(context, command,
            state => PortalDecider.StartSession(state, Id, command, Now, context.Actor),
            state => PortalDecider.SessionAnswer(state, Id, command.SessionId));

    public Task<Result<PortalSessionView>> RefreshSession(CommandContext context, RefreshPortalSession command) =>
        Execute(context, command,
            async state =>
            {
                // Checked at every refresh: a suspended, abolished or expired card (or a revoked certificate) ends the session.
                var refusal = state.FindSession(command.SessionId) is { EndedBecause: null } session
                    ? await CardRefusalAsync(session)
                    : null;
                return PortalDecider.Refresh(state, Id, command, refusal, Now, context.Actor);
            },
            state => PortalDecider.SessionAnswer(state, Id, command.SessionId));

    public Task<bool> IsSessionActive(Guid sessionId) =>
        Task.FromResult(Current.FindSession(sessionId) is { EndedBecause: null } session && Now < session.RefreshExpiresAt);

    public Task<Result<PortalSessionView>> EndSession(CommandContext context, EndPortalSession command) =>
        Execute(context, command,
            state => PortalDecider.EndSession(state, Id, command, Now, context.Actor),
            state => state.FindSession(command.SessionId) is { } s
                ? Result<PortalSessionView>.Ok(PortalDecider.ToView(Id, s))
                : PortalErrors.SessionNotFound);

    public Task<Result<AppConsentView>> GrantAppConsent(CommandContext context, GrantAppConsent command) =>
        Execute(context, command,
            async state =>
            {
                var app = PortalDecider.IsAppId(command.AppId) ? await GrainFactory.GetApp(command.AppId).Get() : null;
                return PortalDecider.GrantConsent(state, Id, command, app is { IsSuccess: true } ? app.Value : null, Now, context.Actor);
            },
            state => Consent(state, command.ConsentId));

    public Task<Result<AppConsentView>> RevokeAppConsent(CommandContext context, RevokeAppConsent command) =>
        Execute(context, command,
            state => PortalDecider.RevokeConsent(state, Id, command, Now, context.Actor),
            state => Consent(state, command.ConsentId));

    public Task<Result<ProxyView>> AppointProxy(CommandContext context, AppointProxy command) =>
        Execute(context, command,
            async state =>
            {
                var open = command.Proxy != Id && command.Proxy.Value != Guid.Empty
                    && await GrainFactory.GetPerson(command.Proxy).GetBasicFour() is not null;
                return PortalDecider.AppointProxy(state, Id, command, open, Now, context.Actor);
            },
            state => state.FindProxy(command.Proxy) is { } p ? Result<ProxyView>.Ok(PortalDecider.ToView(p)) : PortalErrors.ProxyNotFound);

    public Task<Result<IReadOnlyList<ProxyView>>> RemoveProxy(CommandContext context, RemoveProxy command) =>
        Execute(context, command,
            state => PortalDecider.RemoveProxy(state, Id, command, Now, context.Actor),
            state => Result<IReadOnlyList<ProxyView>>.Ok(state.Proxies.Select(PortalDecider.ToView).ToList()));

    public Task<PortalOverview> GetOverview() => Task.FromResult(PortalDecider.Overview(Current, Now));

    public async Task<Result<ConfirmationDocumentView>> RequestConfirmationDocument(CommandContext context, Guid? qualificationId)
    {
        if (Access.Holder(context, Id) is { } refused)
        {
            return refused;
        }
        var insurance = await GrainFactory.GetPerson(Id).GetInsurance();
        if (!insurance.IsSuccess)
        {
            return insurance.Error!;
        }
        var qualification = InsuranceRules.DocumentQualification(insurance.Value!, qualificationId, JapanCalendar.DateOf(Now));
        return qualification.IsSuccess
            ? await GrainFactory.GetInsurer(qualification.Value!.Insurer)
                .IssueConfirmationDocument(context, new IssueConfirmationDocument(qualification.Value.QualificationId, ConfirmationDocumentReason.Requested))
            : qualification.Error!;
    }

    public Task<IReadOnlyList<PortalNotificationView>> GetNotifications(IReadOnlyList<CardView> cards, InsuranceSummary? insurance) =>
        Task.FromResult<IReadOnlyList<PortalNotificationView>>(PortalNotifications.For(cards, insurance, PortalDecider.Overview(Current, Now), Now)
            .Select(n => new PortalNotificationView(n.Kind, n.At, n.Detail)).ToList());

    public Task<IReadOnlyList<ProxyRight>?> GetProxyRights(PersonId proxy) =>
        Task.FromResult<IReadOnlyList<ProxyRight>?>(Current.FindProxy(proxy)?.Rights);

    public Task<AppConsentCheck> CheckAppConsent(string appId, AppItem item) =>
        Task.FromResult(PortalDecider.Covers(Current, appId, item, Now));

    private async Task<Myna.GrainInterfaces.Common.DomainError?> CardRefusalAsync(PortalSession session)
    {
        var status = await GrainFactory.GetCard(session.Card).CertificateStatus(session.CertificateSerial);
        return status.Status switch
        {
            "good" => null,
            "suspended" => DomainError.Unauthenticated("card.suspended", "The card is suspended."),
            "expired" => DomainError.Unauthenticated("certificate.expired", "The card or its certificate has expired."),
            "revoked" => DomainError.Unauthenticated("certificate.revoked", "The certificate was revoked (card abolished, reissued or converted)."),
            _ => DomainError.Unauthenticated("certificate.unknown", "The login certificate is not known."),
        };
    }

    private Result<AppConsentView> Consent(PortalState state, Guid consentId) =>
        state.Consents.Find(c => c.ConsentId == consentId) is { } c
            ? Result<AppConsentView>.Ok(PortalDecider.ToView(c, Now))
            : PortalErrors.ConsentNotFound;
}

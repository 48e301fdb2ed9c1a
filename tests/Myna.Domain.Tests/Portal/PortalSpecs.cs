using Myna.Domain.Tests.Support;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.Domain.Portal;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Tests.Portal;

/// <summary>Given portal events, when a command, then events or an error. No infrastructure.</summary>
public class PortalSpecs : DeciderSpec<PortalState, IPortalEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly PersonId Me = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly PersonId Other = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000002"));
    private static readonly Actor Resident = new(Me.ToString(), "resident");
    private static readonly CardId Card = new(Guid.Parse("0193a5b0-0000-7000-8000-00000000c0de"));
    private static readonly Guid Session = Guid.Parse("0193a5b0-0000-7000-8000-000000005e55");
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);
    private static readonly string HashC = new('c', 64);
    private static readonly string Home = new('1', 64);
    private static readonly string Cafe = new('2', 64);
    private static readonly AppView Kakeibo = new("kakeibo-app", "家計簿アプリ", [AppItem.InsuranceQualifications, AppItem.IncomeSummary], Now.AddDays(-10), 1);


    private static ResidentLoggedIn LoggedIn(string place, Guid? session = null, DateTimeOffset? at = null) =>
        new(Me, session ?? Session, Card, "UA1", place, false, HashA, (at ?? Now) + PortalDecider.SessionLifetime, at ?? Now, Resident);

    private static AppConsentGranted Granted(Guid id, DateTimeOffset until, params AppItem[] items) =>
        new(Me, id, Kakeibo.AppId, Kakeibo.Name, items, until, Now.AddDays(-1), Resident);

    [Fact]
    public void The_first_login_is_no_new_place_a_known_place_neither_and_an_unknown_one_is()
    {
        var first = PortalDecider.StartSession(Given(), Me, new StartPortalSession(Session, Card, "UA1", Home, HashA), Now, Resident);
        var known = PortalDecider.StartSession(Given(LoggedIn(Home)), Me, new StartPortalSession(Guid.NewGuid(), Card, "UA1", Home, HashB), Now, Resident);
        var unknown = PortalDecider.StartSession(Given(LoggedIn(Home)), Me, new StartPortalSession(Guid.NewGuid(), Card, "UA1", Cafe, HashB), Now, Resident);

        Assert.False(Assert.IsType<ResidentLoggedIn>(Assert.Single(first.Events)).NewPlace);
        Assert.False(Assert.IsType<ResidentLoggedIn>(Assert.Single(known.Events)).NewPlace);
        var login = Assert.IsType<ResidentLoggedIn>(Assert.Single(unknown.Events));
        Assert.True(login.NewPlace);
        Assert.Equal(Now + PortalDecider.SessionLifetime, login.RefreshExpiresAt);
        var overview = PortalDecider.Overview(Given(LoggedIn(Home), login), Now);
        Assert.Equal(Card, Assert.Single(overview.NewPlaceLogins).Card);
    }

    [Fact]
    public void A_session_needs_hashes_not_secrets()
    {
        var decision = PortalDecider.StartSession(Given(), Me, new StartPortalSession(Session, Card, "UA1", Home, "the-raw-secret"), Now, Resident);
        Assert.Equal("portal.invalid-session", decision.Error?.Code);
    }

    [Fact]
    public void A_refresh_rotates_the_secret_and_the_old_one_is_dead()
    {
        var decision = PortalDecider.Refresh(Given(LoggedIn(Home)), Me, new RefreshPortalSession(Session, HashA, HashB), null, Now.AddMinutes(20), Resident);

        var refreshed = Assert.IsType<PortalSessionRefreshed>(Assert.Single(decision.Events));
        Assert.Equal(HashB, refreshed.RefreshTokenHash);
        var state = Given(LoggedIn(Home), refreshed);
        Assert.Equal("portal.session-invalid",
            PortalDecider.Refresh(state, Me, new RefreshPortalSession(Session, HashC, new string('d', 64)), null, Now, Resident).Error?.Code);
    }

    [Fact]
    public void Presenting_a_rotated_secret_again_ends_the_session()
    {
        var state = Given(LoggedIn(Home), new PortalSessionRefreshed(Me, Session, HashB, Now, Resident));

        var decision = PortalDecider.Refresh(state, Me, new RefreshPortalSession(Session, HashA, HashC), null, Now, Resident);

        var ended = Assert.IsType<PortalSessionEnded>(Assert.Single(decision.Events));
        Assert.Equal("portal.refresh-token-reused", ended.Reason);
        Assert.Equal("portal.refresh-token-reused", PortalDecider.SessionAnswer(state.Apply(ended), Me, Session).Error?.Code);
        Assert.Equal("portal.session-invalid",
            PortalDecider.Refresh(state.Apply(ended), Me, new RefreshPortalSession(Session, HashB, HashC), null, Now, Resident).Error?.Code);
    }

    [Fact]
    public void A_card_that_can_no_longer_authenticate_ends_the_session_at_refresh()
    {
        var refusal = DomainError.Unauthenticated("card.suspended", "The card is suspended.");

        var decision = PortalDecider.Refresh(Given(LoggedIn(Home)), Me, new RefreshPortalSession(Session, HashA, HashB), refusal, Now, Resident);

        var ended = Assert.IsType<PortalSessionEnded>(Assert.Single(decision.Events));
        Assert.Equal("card.suspended", PortalDecider.SessionAnswer(Given(LoggedIn(Home), ended), Me, Session).Error?.Code);
    }

    [Fact]
    public void A_session_cannot_be_refreshed_past_its_lifetime()
    {
        var decision = PortalDecider.Refresh(Given(LoggedIn(Home)), Me, new RefreshPortalSession(Session, HashA, HashB), null, Now + PortalDecider.SessionLifetime, Resident);
        Assert.Equal("portal.session-expired", decision.Error?.Code);
    }

    [Fact]
    public void A_consent_is_a_subset_of_the_apps_items_with_an_expiry_within_a_year()
    {
        var id = Guid.NewGuid();
        Assert.Equal("consent.item-not-allowed", PortalDecider.GrantConsent(Given(), Me,
            new GrantAppConsent(id, Kakeibo.AppId, [AppItem.BasicFourItems], Now.AddDays(30)), Kakeibo, Now, Resident).Error?.Code);
        Assert.Equal("portal.invalid-valid-until", PortalDecider.GrantConsent(Given(), Me,
            new GrantAppConsent(id, Kakeibo.AppId, [AppItem.IncomeSummary], Now.AddDays(400)), Kakeibo, Now, Resident).Error?.Code);
        Assert.Equal("portal.invalid-valid-until", PortalDecider.GrantConsent(Given(), Me,
            new GrantAppConsent(id, Kakeibo.AppId, [AppItem.IncomeSummary], Now.AddMinutes(-1)), Kakeibo, Now, Resident).Error?.Code);
        Assert.Equal("portal.invalid-items", PortalDecider.GrantConsent(Given(), Me,
            new GrantAppConsent(id, Kakeibo.AppId, [], Now.AddDays(30)), Kakeibo, Now, Resident).Error?.Code);
        Assert.Equal("app.not-found", PortalDecider.GrantConsent(Given(), Me,
            new GrantAppConsent(id, "no-such-app", [AppItem.IncomeSummary], Now.AddDays(30)), null, Now, Resident).Error?.Code);

        var granted = PortalDecider.GrantConsent(Given(), Me, new GrantAppConsent(id, Kakeibo.AppId, [AppItem.IncomeSummary], Now.AddDays(30)), Kakeibo, Now, Resident);
        var e = Assert.IsType<AppConsentGranted>(Assert.Single(granted.Events));
        Assert.Equal((id, Kakeibo.AppId, Kakeibo.Name, Now.AddDays(30), Now, Resident), (e.ConsentId, e.AppId, e.AppName, e.ValidUntil, e.OccurredAt, e.Actor));
        Assert.Equal([AppItem.IncomeSummary], e.Items);
    }

    [Fact]
    public void A_new_grant_to_the_same_app_supersedes_the_previous_one()
    {
        var old = Guid.NewGuid();
        var state = Given(Granted(old, Now.AddDays(10), AppItem.IncomeSummary));

        var decision = PortalDecider.GrantConsent(state, Me, new GrantAppConsent(Guid.NewGuid(), Kakeibo.AppId, [AppItem.InsuranceQualifications], Now.AddDays(30)), Kakeibo, Now, Resident);

        Assert.Collection(decision.Events,
            e => Assert.Equal("superseded", Assert.IsType<AppConsentRevoked>(e).Reason),
            e => Assert.IsType<AppConsentGranted>(e));
        var after = AggregateState.Fold(state, decision.Events);
        Assert.Null(PortalDecider.Covers(after, Kakeibo.AppId, AppItem.InsuranceQualifications, Now).Refusal);
        Assert.Equal("consent.item-not-covered", PortalDecider.Covers(after, Kakeibo.AppId, AppItem.IncomeSummary, Now).Refusal);
    }

    [Fact]
    public void A_consent_covers_its_items_until_it_expires_or_is_revoked()
    {
        var id = Guid.NewGuid();
        var state = Given(Granted(id, Now.AddDays(1), AppItem.IncomeSummary));

        Assert.Equal(new AppConsentCheck(id, null), PortalDecider.Covers(state, Kakeibo.AppId, AppItem.IncomeSummary, Now));
        Assert.Equal("consent.expired", PortalDecider.Covers(state, Kakeibo.AppId, AppItem.IncomeSummary, Now.AddDays(1)).Refusal);
        Assert.Equal("consent.none", PortalDecider.Covers(state, "other-app", AppItem.IncomeSummary, Now).Refusal);

        var revoke = PortalDecider.RevokeConsent(state, Me, new RevokeAppConsent(id), Now, Resident);
        var revoked = state.Apply(Assert.IsType<AppConsentRevoked>(Assert.Single(revoke.Events)));
        Assert.Equal("consent.revoked", PortalDecider.Covers(revoked, Kakeibo.AppId, AppItem.IncomeSummary, Now).Refusal);
        Assert.Empty(PortalDecider.RevokeConsent(revoked, Me, new RevokeAppConsent(id), Now, Resident).Events);
        Assert.Equal("consent.not-found", PortalDecider.RevokeConsent(revoked, Me, new RevokeAppConsent(Guid.NewGuid()), Now, Resident).Error?.Code);
    }

    [Fact]
    public void A_consent_records_the_proxy_and_the_principal()
    {
        var proxy = new Actor(Other.ToString(), "resident", Me.ToString());
        var id = Guid.NewGuid();
        var decision = PortalDecider.GrantConsent(Given(), Me, new GrantAppConsent(id, Kakeibo.AppId, [AppItem.IncomeSummary], Now.AddDays(3)), Kakeibo, Now, proxy);

        var view = Assert.Single(PortalDecider.Overview(AggregateState.Fold(Given(), decision.Events), Now).Consents);
        Assert.Equal(Other.ToString(), view.GrantedBy);
        Assert.Equal(Me.ToString(), view.GrantedOnBehalfOf);
    }

    [Fact]
    public void A_proxy_is_another_open_record_with_explicit_rights_and_removed_by_the_principal_alone()
    {
        Assert.Equal("proxy.self", PortalDecider.AppointProxy(Given(), Me, new AppointProxy(Me, [ProxyRight.View]), true, Now, Resident).Error?.Code);
        Assert.Equal("portal.invalid-rights", PortalDecider.AppointProxy(Given(), Me, new AppointProxy(Other, []), true, Now, Resident).Error?.Code);
        Assert.Equal("portal.invalid-rights", PortalDecider.AppointProxy(Given(), Me, new AppointProxy(Other, [ProxyRight.View, ProxyRight.View]), true, Now, Resident).Error?.Code);
        Assert.Equal("proxy.person-not-found", PortalDecider.AppointProxy(Given(), Me, new AppointProxy(Other, [ProxyRight.View]), false, Now, Resident).Error?.Code);

        var appointed = Assert.IsType<ProxyAppointed>(Assert.Single(
            PortalDecider.AppointProxy(Given(), Me, new AppointProxy(Other, [ProxyRight.CardLoss, ProxyRight.View]), true, Now, Resident).Events));
        Assert.Equal([ProxyRight.View, ProxyRight.CardLoss], appointed.Rights);
        var state = Given(appointed);
        Assert.Empty(PortalDecider.AppointProxy(state, Me, new AppointProxy(Other, [ProxyRight.View, ProxyRight.CardLoss]), true, Now, Resident).Events);
        var changed = PortalDecider.AppointProxy(state, Me, new AppointProxy(Other, [ProxyRight.ManageConsents]), true, Now, Resident);
        Assert.Equal([ProxyRight.ManageConsents], state.Apply(Assert.IsType<ProxyAppointed>(Assert.Single(changed.Events))).FindProxy(Other)!.Rights);

        var removed = PortalDecider.RemoveProxy(state, Me, new RemoveProxy(Other), Now, Resident);
        Assert.Null(state.Apply(Assert.IsType<ProxyRemoved>(Assert.Single(removed.Events))).FindProxy(Other));
        Assert.Equal("proxy.not-found", PortalDecider.RemoveProxy(Given(), Me, new RemoveProxy(Other), Now, Resident).Error?.Code);
    }

    [Fact]
    public void Portal_state_stays_bounded()
    {
        var events = Enumerable.Range(0, 60)
            .Select(i => (IPortalEvent)LoggedIn(new string((char)('a' + i % 6), 63) + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), Guid.NewGuid(), Now.AddMinutes(i)))
            .ToArray();
        var state = Given(events);
        Assert.Equal(PortalState.KeptSessions, state.Sessions.Count);
        Assert.True(state.KnownPlaces.Count <= PortalState.KeptPlaces);
        Assert.Equal(Now.AddMinutes(59), state.LastLoginAt);
    }

    [Fact]
    public void An_app_is_registered_once_with_its_allowed_items()
    {
        var operatorActor = new Actor("ops-1", "operator");
        var decision = AppDecider.Register(AppState.Initial, "kakeibo-app", new RegisterApp(" 家計簿アプリ ", [AppItem.IncomeSummary, AppItem.BasicFourItems]), Now, operatorActor);

        var registered = Assert.IsType<ThirdPartyAppRegistered>(Assert.Single(decision.Events));
        Assert.Equal("家計簿アプリ", registered.Name);
        Assert.Equal([AppItem.BasicFourItems, AppItem.IncomeSummary], registered.AllowedItems);
        var state = AppState.Initial.Apply(registered);
        Assert.Empty(AppDecider.Register(state, "kakeibo-app", new RegisterApp("家計簿アプリ", [AppItem.BasicFourItems, AppItem.IncomeSummary]), Now, operatorActor).Events);
        Assert.Equal("app.already-registered", AppDecider.Register(state, "kakeibo-app", new RegisterApp("別のアプリ", [AppItem.BasicFourItems]), Now, operatorActor).Error?.Code);
        Assert.Equal("app.invalid-id", AppDecider.Register(AppState.Initial, "Bad App!", new RegisterApp("x", [AppItem.BasicFourItems]), Now, operatorActor).Error?.Code);
        Assert.Equal("app.invalid-items", AppDecider.Register(AppState.Initial, "ok-app", new RegisterApp("x", []), Now, operatorActor).Error?.Code);
        Assert.Equal("app.invalid-name", AppDecider.Register(AppState.Initial, "ok-app", new RegisterApp("\u200B\u2066", [AppItem.BasicFourItems]), Now, operatorActor).Error?.Code);
        Assert.Equal("app.invalid-name", AppDecider.Register(AppState.Initial, "ok-app", new RegisterApp("家計簿123456789018", [AppItem.BasicFourItems]), Now, operatorActor).Error?.Code);
        Assert.Equal("app.not-found", AppDecider.ToView(AppState.Initial, 0).Error?.Code);
    }

    [Fact]
    public void Ledger_entries_say_who_what_and_why_for_every_kind_of_accessor()
    {
        var agency = AccessLedgerEntries.Describe(3, new AgencyDataRequested(Me, "welfare-office", DataItem.DisabilityCertificates, "障害福祉", false, "no right to this item", Now, Resident));
        var app = AccessLedgerEntries.Describe(4, new AppDataRequested(Me, "kakeibo-app", "家計簿アプリ", AppItem.IncomeSummary, null, false, "consent.none", Now, Resident));
        var proxy = AccessLedgerEntries.Describe(5, new ProxyAccessed(Me, Other, "self-information", Now, new Actor(Other.ToString(), "resident", Me.ToString())));
        var reveal = AccessLedgerEntries.Describe(6, new IndividualNumberRevealed(Me, Session, Now, Resident));
        var clerk = new Actor("clerk-7", "municipality");
        var staffRead = AccessLedgerEntries.StaffRead(Me, new RecordStaffRead("resident-record", "municipality counter"), Now, clerk, new ActorScope(Municipality: "131016"));
        var staff = AccessLedgerEntries.Describe(7, Assert.Single(staffRead.Events));

        Assert.Equal(("agency", "welfare-office", "disability-certificates", true), (agency.AccessorKind, agency.Accessor, agency.What, agency.Refused));
        Assert.Equal(("app", "income-summary", true), (app.AccessorKind, app.What, app.Refused));
        Assert.Contains("consent.none", app.Purpose, StringComparison.Ordinal);
        Assert.Equal(("proxy", Other.ToString(), "self-information"), (proxy.AccessorKind, proxy.Accessor, proxy.What));
        Assert.Equal(("resident", "individual-number", 6L), (reveal.AccessorKind, reveal.What, reveal.Version));
        Assert.Equal(("staff", "municipality 131016 (clerk-7)", "resident-record", "municipality counter"), (staff.AccessorKind, staff.Accessor, staff.What, staff.Purpose));
        Assert.Equal("ledger.invalid-what", AccessLedgerEntries.StaffRead(Me, new RecordStaffRead("", "audit"), Now, clerk, ActorScope.None).Error?.Code);
        Assert.Equal(["institution", "agency", "app", "proxy", "resident", "staff"], AccessLedgerEntries.Kinds.Keys);
    }

    [Fact]
    public void A_staff_read_repeated_while_it_is_the_ledgers_latest_entry_is_one_entry_and_anything_else_is_written()
    {
        var auditor = new Actor("auditor-3", "auditor");
        var read = new RecordStaffRead("ledger-history", "audit");
        var first = Assert.IsType<StaffDataRead>(
            Assert.Single(AccessLedgerEntries.StaffRead(Me, read, Now, auditor, ActorScope.None).Events));
        var ledger = LedgerState.Initial.Apply(first);
        var later = Now + AccessLedgerEntries.StaffReadRepeatWindow - TimeSpan.FromSeconds(1);

        // The same reader, read and purpose, nothing between, within the window: already on the ledger.
        var repeat = AccessLedgerEntries.StaffRead(Me, read, later, auditor, ActorScope.None, ledger.LatestStaffRead);
        Assert.Null(repeat.Error);
        Assert.Empty(repeat.Events);

        // Anything that differs is an entry of its own.
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read, Now + AccessLedgerEntries.StaffReadRepeatWindow, auditor, ActorScope.None, ledger.LatestStaffRead).Events);
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read, Now.AddSeconds(-1), auditor, ActorScope.None, ledger.LatestStaffRead).Events);
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read, later, new Actor("auditor-4", "auditor"), ActorScope.None, ledger.LatestStaffRead).Events);
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read with { What = "medical-history" }, later, auditor, ActorScope.None, ledger.LatestStaffRead).Events);
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read with { Purpose = "complaint 12" }, later, auditor, ActorScope.None, ledger.LatestStaffRead).Events);
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read, later, auditor, new ActorScope(Municipality: "131016"), ledger.LatestStaffRead).Events);

        // Another entry between: the read is written again, so the person sees it came after.
        var between = ledger.Apply(new IndividualNumberRevealed(Me, Session, Now.AddSeconds(5), Resident));
        Assert.Null(between.LatestStaffRead);
        Assert.Single(AccessLedgerEntries.StaffRead(Me, read, later, auditor, ActorScope.None, between.LatestStaffRead).Events);
        // Refusals are unchanged.
        Assert.Equal("ledger.invalid-what", AccessLedgerEntries.StaffRead(Me, read with { What = "" }, later, auditor, ActorScope.None, ledger.LatestStaffRead).Error?.Code);
    }

    [Fact]
    public void Notifications_cover_card_notices_insurance_changes_new_places_and_expiring_consents()
    {
        var card = new CardView(Card, Me, CardStatus.Active, false, new DateOnly(2016, 1, 1), new DateOnly(2016, 2, 1), new DateOnly(2027, 1, 1),
            new DateOnly(2026, 10, 1), 0, null, [], [], 5, null, false, [], null, [new CardNoticeView("card-renewal-window", new DateOnly(2027, 1, 1), true)]);
        var insurance = new Myna.GrainInterfaces.Insurance.InsuranceSummary("山田 太郎", new DateOnly(1990, 4, 1), false,
        [
            new(Guid.NewGuid(), new Myna.GrainInterfaces.Insurance.InsurerNumber("01130012"), new("1", "2", "01"), new DateOnly(2020, 4, 1), new DateOnly(2026, 10, 31),
                Myna.GrainInterfaces.Insurance.CeilingCategory.UnderSeventyC, Myna.GrainInterfaces.Insurance.LinkBasis.IndividualNumber, "left"),
        ], [], Card);
        var overview = new PortalOverview(
            [new AppConsentView(Guid.NewGuid(), "kakeibo-app", "家計簿アプリ", [AppItem.IncomeSummary], Now.AddDays(-20), Now.AddDays(3), null, true, Me.ToString(), null)],
            [], [new NewPlaceLoginView(Now.AddHours(-1), Card), new NewPlaceLoginView(Now.AddDays(-200), Card)], Now.AddHours(-1));

        var kinds = PortalNotifications.For([card], insurance, overview, Now).Select(n => n.Kind).ToList();

        Assert.Contains("card.card-renewal-window", kinds);
        Assert.Contains("insurance.qualification-ended", kinds);
        Assert.Contains("insurance.no-active-qualification", kinds);
        Assert.Single(kinds, k => k == "login.new-place");
        Assert.Contains("consent.expiring", kinds);
        Assert.DoesNotContain("insurance.qualification-started", kinds);
    }
}

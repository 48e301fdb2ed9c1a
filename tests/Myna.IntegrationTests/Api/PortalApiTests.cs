using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>The resident portal end to end: login with the card, self-information, the ledger, app consents, proxies, actions.</summary>
[Collection(ApiCollection.Name)]
public sealed class PortalApiTests(ApiFixture fixture)
{
    private static readonly string[] InsuranceItems = ["insurance-qualifications"];
    private static readonly string[] BasicFourItems = ["basic-four-items"];
    private static readonly string[] ViewRight = ["view"];
    private static readonly string[] LossAndConsentRights = ["card-loss", "manage-consents"];

    private readonly PortalWorld _world = new(fixture);

    private ClinicWorld Clinics => _world.Clinics;

    [Fact]
    public async Task A_good_card_logs_in_and_self_information_masks_the_number()
    {
        var patient = await Clinics.Patient();

        var login = await _world.Login(patient);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.Json();
        Assert.Equal("Bearer", tokens.Str("tokenType"));
        Assert.Equal(patient.PersonId, tokens.Str("personId"));
        Assert.Equal(patient.CardId, tokens.Str("cardId"));
        Assert.True(tokens.GetProperty("expiresAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow.AddMinutes(16));
        var me = await _world.Bearer(tokens.Str("accessToken")).GetAsync("/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var raw = await me.Content.ReadAsStringAsync();
        Assert.DoesNotContain(patient.Number, raw, StringComparison.Ordinal);
        var body = await me.Json();
        Assert.Equal("********" + patient.Number[^4..], body.Str("individualNumber"));
        Assert.True(body.GetProperty("numberMasked").GetBoolean());
        Assert.Equal(patient.Name, body.Str("name"));
        var card = Assert.Single(body.GetProperty("cards").EnumerateArray());
        Assert.Equal("active", card.Str("status"));
        Assert.Contains(card.GetProperty("certificates").EnumerateArray(), c => c.Str("kind") == "user-authentication" && c.Str("status") == "good");
    }

    [Fact]
    public async Task A_suspended_card_cannot_log_in_and_its_session_cannot_refresh()
    {
        var patient = await Clinics.Patient();
        var (_, tokens) = await _world.LoggedIn(patient);
        var refreshed = await _world.Refresh(tokens.Str("refreshToken"));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);

        await fixture.ClientFor(Roles.CallCentre).PostJson($"{patient.CardUrl}/suspension", new { reason = "lost" });

        var refusedRefresh = await _world.Refresh((await refreshed.Json()).Str("refreshToken"));
        Assert.Equal(HttpStatusCode.Unauthorized, refusedRefresh.StatusCode);
        Assert.Equal("card.suspended", (await refusedRefresh.Json()).Str("code"));
        var login = await _world.Login(patient);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal("card.suspended", (await login.Json()).Str("code"));
    }

    [Fact]
    public async Task An_expired_card_cannot_log_in()
    {
        var patient = await Clinics.Patient();
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 6); // past the certificate's 5th birthday after issue
            var login = await _world.Login(patient);

            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
            Assert.Equal("certificate.expired", (await login.Json()).Str("code"));
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_face_authentication_card_is_no_portal_login()
    {
        var patient = await Clinics.Patient(faceAuthentication: true);

        var login = await fixture.Api.CreateClient().PostJson("/v1/portal/sessions", new { cardId = patient.CardId });

        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Equal("portal.face-authentication-card", (await login.Json()).Str("code"));
    }

    [Fact]
    public async Task A_refresh_token_rotates_and_a_reused_one_ends_the_session()
    {
        var patient = await Clinics.Patient();
        var (_, tokens) = await _world.LoggedIn(patient);
        var first = tokens.Str("refreshToken");

        var rotated = await _world.Refresh(first);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.Json()).Str("refreshToken");
        Assert.NotEqual(first, second);

        var reused = await _world.Refresh(first);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal("portal.refresh-token-reused", (await reused.Json()).Str("code"));
        var afterTheft = await _world.Refresh(second);
        Assert.Equal(HttpStatusCode.Unauthorized, afterTheft.StatusCode);
        Assert.Equal("portal.session-invalid", (await afterTheft.Json()).Str("code"));
    }

    [Fact]
    public async Task Logout_and_a_reused_refresh_token_end_the_sessions_access_tokens_at_once()
    {
        var patient = await Clinics.Patient();
        var (portal, _) = await _world.LoggedIn(patient);
        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync("/v1/me/notifications")).StatusCode);
        // Another replica of the API: the session's state is the portal grain's, not one process's.
        var otherReplica = fixture.Api.CreateClient();
        otherReplica.DefaultRequestHeaders.Authorization = portal.DefaultRequestHeaders.Authorization;

        Assert.Equal(HttpStatusCode.OK, (await portal.DeleteAsync("/v1/portal/sessions/current")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.GetAsync("/v1/me/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherReplica.PostJson("/v1/me/individual-number/reveal", new { })).StatusCode);

        // A stolen refresh token used twice ends the session: the access token issued with the rotation dies too.
        var (_, tokens) = await _world.LoggedIn(patient);
        var rotated = await (await _world.Refresh(tokens.Str("refreshToken"))).Json();
        var current = fixture.Api.CreateClient();
        current.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rotated.Str("accessToken"));
        Assert.Equal(HttpStatusCode.OK, (await current.GetAsync("/v1/me/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _world.Refresh(tokens.Str("refreshToken"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await current.GetAsync("/v1/me/notifications")).StatusCode);
    }

    [Fact]
    public async Task Reads_by_clerks_the_call_centre_and_auditors_are_on_the_residents_access_log()
    {
        var patient = await Clinics.Patient();
        var (portal, _) = await _world.LoggedIn(patient);
        Assert.Empty(await PortalWorld.Ledger(portal, "?kind=staff"));

        Assert.Equal(HttpStatusCode.OK, (await fixture.Municipality().GetAsync($"/v1/persons/{patient.PersonId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.ClientFor(Roles.CallCentre).GetAsync(patient.CardUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{patient.PersonId}/events?limit=5")).StatusCode);
        // Refused reads are no reads: another municipality's clerk sees nothing and leaves nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality("272019").GetAsync($"/v1/persons/{patient.PersonId}")).StatusCode);
        // The holder's own read of their card is not a staff read.
        Assert.Equal(HttpStatusCode.OK, (await Clinics.Holder(patient).GetAsync(patient.CardUrl)).StatusCode);

        var staff = await PortalWorld.Ledger(portal, "?kind=staff");
        Assert.Equal(3, staff.Count);
        Assert.All(staff, e => Assert.Equal("staff", e.Str("accessorKind")));
        Assert.Equal(["card", "history", "resident-record"], staff.Select(e => e.Str("what")).Order(StringComparer.Ordinal));
        Assert.Contains(staff, e => e.Str("what") == "resident-record" && e.Str("accessor").StartsWith("municipality 131016", StringComparison.Ordinal));
        Assert.Contains(staff, e => e.Str("what") == "card" && e.Str("accessor").StartsWith("call-centre", StringComparison.Ordinal));
        Assert.Contains(staff, e => e.Str("what") == "history" && e.Str("accessor").StartsWith("auditor", StringComparison.Ordinal) && e.Str("purpose") == "audit");
    }

    [Fact]
    public async Task The_number_is_masked_by_default_and_a_reveal_is_logged()
    {
        var patient = await Clinics.Patient();
        var (portal, _) = await _world.LoggedIn(patient);
        Assert.Empty(await PortalWorld.Ledger(portal, "?kind=resident"));

        var reveal = await portal.PostJson("/v1/me/individual-number/reveal", new { });

        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        Assert.Equal(patient.Number, (await reveal.Json()).Str("individualNumber"));
        var entry = Assert.Single(await PortalWorld.Ledger(portal, "?kind=resident"));
        Assert.Equal("individual-number", entry.Str("what"));
        Assert.Equal(patient.PersonId, entry.Str("accessor"));
        Assert.Equal("********" + patient.Number[^4..], (await (await portal.GetAsync("/v1/me")).Json()).Str("individualNumber"));
    }

    [Fact]
    public async Task A_login_from_a_new_place_raises_a_notification()
    {
        var patient = await Clinics.Patient();
        var (portal, first) = await _world.LoggedIn(patient, "home-browser/1.0");
        var (_, again) = await _world.LoggedIn(patient, "home-browser/1.0");
        var (_, elsewhere) = await _world.LoggedIn(patient, "internet-cafe/7.0");

        Assert.False(first.GetProperty("newPlace").GetBoolean());
        Assert.False(again.GetProperty("newPlace").GetBoolean());
        Assert.True(elsewhere.GetProperty("newPlace").GetBoolean());
        var notifications = await (await portal.GetAsync("/v1/me/notifications")).Json();
        Assert.Single(notifications.EnumerateArray(), n => n.Str("kind") == "login.new-place");
    }

    [Fact]
    public async Task The_ledger_shows_clinic_checks_agency_provisions_and_app_reads_newest_first()
    {
        var (patient, _) = await Clinics.InsuredPatient();
        var (portal, _) = await _world.LoggedIn(patient);
        var reception = await Clinics.Reception();
        Assert.Equal(HttpStatusCode.OK, (await ClinicWorld.CheckWithPin(reception, patient)).StatusCode);

        var welfare = fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "welfare-office" });
        var code = (await (await welfare.PostJson("/v1/agency/codes", new { individualNumber = patient.Number })).Json()).Str("agencyCode");
        Assert.Equal(HttpStatusCode.OK, (await welfare.PostJson("/v1/agency/requests", new { agencyCode = code, item = "basic-four-items", procedure = "障害福祉サービス支給申請" })).StatusCode);

        var (appId, app) = await _world.App("insurance-qualifications");
        var consent = await (await portal.PostJson("/v1/me/app-consents", new { appId, items = InsuranceItems, validUntil = DateTimeOffset.UtcNow.AddDays(30) })).Json();
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync($"/v1/app-access/residents/{consent.Str("appUserCode")}/insurance-qualifications")).StatusCode);

        var entries = await PortalWorld.Ledger(portal);
        var kinds = entries.Select(e => e.Str("accessorKind")).ToList();
        Assert.Equal(["app", "agency", "institution"], kinds);
        var versions = entries.Select(e => e.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(versions.OrderDescending(), versions);
        Assert.Equal("welfare-office", Assert.Single(await PortalWorld.Ledger(portal, "?kind=agency")).Str("accessor"));
        Assert.Equal(2, (await PortalWorld.Ledger(portal, "?kind=agency,institution")).Count);
        Assert.Empty(await PortalWorld.Ledger(portal, "?kind=app&to=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))));

        var page = await (await portal.GetAsync("/v1/me/access-log?limit=2")).Json();
        Assert.Equal(2, page.GetProperty("entries").GetArrayLength());
        var next = page.GetProperty("next").GetInt64();
        var rest = await PortalWorld.Ledger(portal, $"?limit=2&before={next}");
        Assert.Equal("institution", Assert.Single(rest).Str("accessorKind"));
    }

    [Fact]
    public async Task A_consent_lets_the_app_read_until_it_is_revoked_and_every_read_is_logged()
    {
        var (patient, _) = await Clinics.InsuredPatient();
        var (portal, _) = await _world.LoggedIn(patient);
        var (appId, app) = await _world.App("insurance-qualifications", "basic-four-items");
        var granted = await portal.PostJson("/v1/me/app-consents", new { appId, items = InsuranceItems, validUntil = DateTimeOffset.UtcNow.AddDays(90) });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var consent = await granted.Json();
        var url = $"/v1/app-access/residents/{consent.Str("appUserCode")}";

        var allowed = await app.GetAsync(url + "/insurance-qualifications");
        var notCovered = await app.GetAsync(url + "/basic-four-items");
        var revoked = await portal.PostJson($"/v1/me/app-consents/{consent.Str("consentId")}/revocation", new { });
        var afterRevocation = await app.GetAsync(url + "/insurance-qualifications");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var raw = await allowed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(patient.Number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.PersonId, raw, StringComparison.Ordinal);
        Assert.Single((await allowed.Json()).GetProperty("qualifications").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, notCovered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.False((await revoked.Json()).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, afterRevocation.StatusCode);
        Assert.Equal("app.consent-missing", (await afterRevocation.Json()).Str("code"));

        var reads = await PortalWorld.Ledger(portal, "?kind=app");
        Assert.Equal([true, true, false], reads.Select(e => e.GetProperty("refused").GetBoolean()).ToList());
        Assert.Contains("consent.revoked", reads[0].Str("purpose"), StringComparison.Ordinal);
        Assert.Contains("consent.item-not-covered", reads[1].Str("purpose"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_rights_are_each_allowed_or_refused_and_the_principal_removes_the_proxy_alone()
    {
        var principal = await Clinics.Patient();
        var proxyPerson = await Clinics.Patient();
        var (own, _) = await _world.LoggedIn(principal);
        var (proxy, _) = await _world.LoggedIn(proxyPerson);
        var (appId, _) = await _world.App("basic-four-items");
        var at = $"/v1/residents/{principal.PersonId}";
        var consentBody = new { appId, items = BasicFourItems, validUntil = DateTimeOffset.UtcNow.AddDays(10) };

        Assert.Equal(HttpStatusCode.NotFound, (await proxy.GetAsync(at)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await own.PostJson("/v1/me/proxies", new { proxyPersonId = proxyPerson.PersonId, rights = ViewRight })).StatusCode);

        // view only
        var viewed = await proxy.GetAsync(at);
        Assert.Equal(HttpStatusCode.OK, viewed.StatusCode);
        Assert.Equal("********" + principal.Number[^4..], (await viewed.Json()).Str("individualNumber"));
        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync(at + "/access-log")).StatusCode);
        await AssertRefused(await proxy.PostJson($"{at}/cards/{principal.CardId}/loss-report", new { }), HttpStatusCode.Forbidden, "proxy.right-missing");
        await AssertRefused(await proxy.PostJson($"{at}/app-consents", consentBody), HttpStatusCode.Forbidden, "proxy.right-missing");
        await AssertRefused(await proxy.PostJson($"{at}/individual-number/reveal", new { }), HttpStatusCode.Forbidden, "portal.self-only");
        await AssertRefused(await proxy.DeleteAsync($"{at}/proxies/{proxyPerson.PersonId}"), HttpStatusCode.Forbidden, "portal.self-only");

        // card-loss and manage-consents, no longer view
        Assert.Equal(HttpStatusCode.OK, (await own.PostJson("/v1/me/proxies", new { proxyPersonId = proxyPerson.PersonId, rights = LossAndConsentRights })).StatusCode);
        await AssertRefused(await proxy.GetAsync(at), HttpStatusCode.Forbidden, "proxy.right-missing");
        var granted = await proxy.PostJson($"{at}/app-consents", consentBody);
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var consent = await granted.Json();
        Assert.Equal(proxyPerson.PersonId, consent.Str("grantedBy"));
        Assert.Equal(principal.PersonId, consent.Str("grantedOnBehalfOf"));
        var lost = await proxy.PostJson($"{at}/cards/{principal.CardId}/loss-report", new { });
        Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
        Assert.Equal("suspended", (await lost.Json()).Str("status"));

        // Both are recorded: the principal's ledger names the proxy; the card's own history names both.
        var proxied = await PortalWorld.Ledger(own, "?kind=proxy");
        Assert.All(proxied, e => Assert.Equal(proxyPerson.PersonId, e.Str("accessor")));
        Assert.Contains(proxied, e => e.Str("what") == "card-loss-report");
        var cardEvents = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/card/{principal.CardId}/events")).Json();
        var suspended = cardEvents.GetProperty("events").EnumerateArray().Last(e => e.Str("type") == "card_suspended_v1");
        var actor = suspended.GetProperty("data").GetProperty("actor");
        Assert.Equal(proxyPerson.PersonId, actor.Str("subject"));
        Assert.Equal(principal.PersonId, actor.Str("onBehalfOf"));

        // A card change does not drop the proxy; the principal alone removes it.
        Assert.Single((await (await own.GetAsync("/v1/me/proxies")).Json()).EnumerateArray());
        var removed = await own.DeleteAsync($"/v1/me/proxies/{proxyPerson.PersonId}");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await removed.Json()).EnumerateArray());
        await AssertRefused(await proxy.PostJson($"{at}/app-consents", consentBody), HttpStatusCode.NotFound, "person.not-found");
    }

    [Fact]
    public async Task Every_resident_endpoint_refuses_another_persons_id()
    {
        var caller = await Clinics.Patient();
        var other = await Clinics.Patient();
        var (portal, _) = await _world.LoggedIn(caller);
        var at = $"/v1/residents/{other.PersonId}";
        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, at, null),
            (HttpMethod.Post, at + "/individual-number/reveal", new { }),
            (HttpMethod.Get, at + "/access-log", null),
            (HttpMethod.Get, at + "/notifications", null),
            (HttpMethod.Get, at + "/consents", null),
            (HttpMethod.Post, at + "/app-consents", new { appId = "any-app", items = BasicFourItems, validUntil = DateTimeOffset.UtcNow.AddDays(1) }),
            (HttpMethod.Post, at + $"/app-consents/{Guid.NewGuid()}/revocation", new { }),
            (HttpMethod.Get, at + "/proxies", null),
            (HttpMethod.Post, at + "/proxies", new { proxyPersonId = caller.PersonId, rights = ViewRight }),
            (HttpMethod.Delete, at + $"/proxies/{caller.PersonId}", null),
            (HttpMethod.Post, at + $"/cards/{other.CardId}/loss-report", new { }),
            (HttpMethod.Post, at + $"/cards/{other.CardId}/insurance-registration", new { }),
            (HttpMethod.Post, at + "/card-applications", new { channel = "smartphone" }),
            (HttpMethod.Post, at + "/confirmation-document-requests", new { }),
        };

        foreach (var (method, path, body) in requests)
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = System.Net.Http.Json.JsonContent.Create(body);
            }
            var response = await portal.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {response.StatusCode}");
            Assert.Equal("person.not-found", (await response.Json()).Str("code"));
        }

        // Nothing happened to the other person: card active, no proxy, nothing on their ledger.
        var (theirs, _) = await _world.LoggedIn(other);
        Assert.Empty(await PortalWorld.Ledger(theirs));
        Assert.Empty((await (await theirs.GetAsync("/v1/me/proxies")).Json()).EnumerateArray());
        Assert.Equal("active", (await (await theirs.GetAsync("/v1/me")).Json()).GetProperty("cards")[0].Str("status"));
        // The own card under another person's path is refused as well.
        await AssertRefused(await portal.PostJson($"/v1/me/cards/{other.CardId}/loss-report", new { }), HttpStatusCode.NotFound, "card.not-found");
    }

    [Fact]
    public async Task Resident_actions_report_loss_register_for_insurance_apply_and_ask_for_a_document()
    {
        var (insurerNumber, insurer) = await Clinics.Insurer();
        var patient = await Clinics.Patient();
        await Clinics.Enrol(insurer, insurerNumber, patient);
        var (portal, _) = await _world.LoggedIn(patient);

        var registered = await portal.PostJson($"/v1/me/cards/{patient.CardId}/insurance-registration", new { });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal("portal", (await registered.Json()).Str("registeredForInsuranceVia"));

        var document = await portal.PostJson("/v1/me/confirmation-document-requests", new { });
        Assert.Equal(HttpStatusCode.Created, document.StatusCode);
        Assert.Equal("requested", (await document.Json()).Str("reason"));
        var insurance = (await (await portal.GetAsync("/v1/me")).Json()).GetProperty("insurance");
        Assert.Single(insurance.GetProperty("confirmationDocuments").EnumerateArray());

        var lost = await portal.PostJson($"/v1/me/cards/{patient.CardId}/loss-report", new { });
        Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
        Assert.Equal("suspended", (await lost.Json()).Str("status"));

        var applied = await portal.PostJson("/v1/me/card-applications", new { channel = "smartphone", reissue = true });
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        var card = await applied.Json();
        Assert.Equal("applied", card.Str("status"));
        Assert.Equal(patient.PersonId, card.Str("personId"));
        await AssertRefused(await portal.PostJson("/v1/me/card-applications", new { channel = "counter" }), HttpStatusCode.BadRequest, "request.invalid");
    }

    [Fact]
    public async Task Portal_reads_and_logins_are_rate_limited_with_retry_after()
    {
        await using var limited = fixture.Api.WithWebHostBuilder(b =>
        {
            b.UseSetting("Portal:RateLimits:LoginsPerIp", "1");
            b.UseSetting("Portal:RateLimits:ReadsPerToken", "2");
            b.UseSetting("Portal:RateLimits:WindowSeconds", "3600");
        });
        var patient = await Clinics.Patient();
        var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = fixture.ClientFor(Roles.Resident,
            new Dictionary<string, string> { [MynaClaims.PersonId] = patient.PersonId }).DefaultRequestHeaders.Authorization;

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/me/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/me/notifications")).StatusCode);
        var limitedRead = await client.GetAsync("/v1/me/notifications");

        Assert.Equal(HttpStatusCode.TooManyRequests, limitedRead.StatusCode);
        Assert.True(limitedRead.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
        Assert.Equal("rate-limit.exceeded", (await limitedRead.Json()).Str("code"));

        var anonymous = limited.CreateClient();
        var firstLogin = await anonymous.PostJson("/v1/portal/sessions", new { });
        var secondLogin = await anonymous.PostJson("/v1/portal/sessions", new { });
        Assert.Equal(HttpStatusCode.BadRequest, firstLogin.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, secondLogin.StatusCode);
        Assert.NotNull(secondLogin.Headers.RetryAfter);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_portal_endpoint_with_an_example()
    {
        var document = await (await fixture.Api.CreateClient().GetAsync("/openapi/v1.json")).Json();
        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/v1/portal/sessions", "/v1/portal/sessions/refresh", "/v1/portal/sessions/current",
            "/v1/me", "/v1/me/individual-number/reveal", "/v1/me/access-log", "/v1/me/notifications", "/v1/me/consents",
            "/v1/me/app-consents", "/v1/me/app-consents/{consentId}/revocation", "/v1/me/proxies", "/v1/me/proxies/{proxyPersonId}",
            "/v1/me/cards/{cardId}/loss-report", "/v1/me/cards/{cardId}/insurance-registration", "/v1/me/card-applications",
            "/v1/me/confirmation-document-requests", "/v1/residents/{personId}", "/v1/residents/{personId}/access-log",
            "/v1/apps/{appId}", "/v1/app-access/residents/{code}/{item}",
        ];
        foreach (var path in expected)
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is in the OpenAPI document");
        }
        var portalPaths = paths.EnumerateObject().Where(p => p.Name.StartsWith("/v1/me", StringComparison.Ordinal)
            || p.Name.StartsWith("/v1/residents", StringComparison.Ordinal) || p.Name.StartsWith("/v1/portal", StringComparison.Ordinal)
            || p.Name.StartsWith("/v1/app", StringComparison.Ordinal)).ToList();
        Assert.True(portalPaths.Count >= expected.Length);
        foreach (var path in portalPaths)
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var op = operation.Value;
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(op.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 0, where + " has a summary");
                Assert.True(op.TryGetProperty("operationId", out _), where + " is named");
                Assert.True(op.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0, where + " is tagged");
                Assert.True(HasExample(op.GetProperty("responses")), where + " has a response example");
                if (op.TryGetProperty("requestBody", out var body) && operation.Name == "post"
                    && body.GetProperty("content").EnumerateObject().Any())
                {
                    Assert.True(ContentHasExample(body), where + " has a request example or an empty body");
                }
            }
        }
    }

    private static bool HasExample(JsonElement responses) =>
        responses.EnumerateObject().Where(r => r.Name.StartsWith('2')).Any(r => ContentHasExample(r.Value));

    private static bool ContentHasExample(JsonElement holder) =>
        holder.TryGetProperty("content", out var content) && content.EnumerateObject().Any(m => m.Value.TryGetProperty("example", out _));

    private static async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Json()).Str("code"));
    }
}

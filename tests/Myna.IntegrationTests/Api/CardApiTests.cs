using System.Net;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

[Collection(ApiCollection.Name)]
public sealed class CardApiTests(ApiFixture fixture) : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo());

    /// <summary>The chip of the card a test hands over: it holds the keys and signs the counter's challenges.</summary>
    private readonly SimulatedCard _chip = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);

    public void Dispose() => _chip.Dispose();

    private static readonly string[] PhotoId = ["drivers-licence"];
    private static readonly string[] NonPhotoId = ["health-insurance-card"];

    [Fact]
    public async Task A_card_is_taken_from_application_to_abolition_through_the_api()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");

        var applied = await clerk.PostJson("/v1/cards", new { personId = person, channel = "photo-booth" });
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        var card = applied.Headers.Location!.ToString();

        Assert.Equal(HttpStatusCode.OK, (await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "2026-11-A" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"{card}/ready-for-pickup", new { })).StatusCode);
        var active = await (await CounterProofs.HandOver(clerk, card, _chip)).Json();
        Assert.Equal("active", active.Str("status"));
        Assert.Equal(2, active.GetProperty("certificates").GetArrayLength());

        var callCentre = fixture.ClientFor(Roles.CallCentre);
        var suspended = await (await callCentre.PostJson($"{card}/suspension", new { reason = "lost at night" })).Json();
        Assert.Equal("suspended", suspended.Str("status"));
        var noCard = await clerk.PostJson($"{card}/resumption", new { });
        Assert.Equal("card.not-presented", (await noCard.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noCard.StatusCode);
        // The suspended card's key signs for its own resumption; the new signature key proves itself.
        var presence = await CounterProofs.Presence(clerk, card, _chip);
        _chip.RegenerateSignatureKey();
        var resumed = await clerk.PostJson($"{card}/resumption", new
        {
            cardPresence = presence,
            newSignaturePublicKey = _chip.PublicKey(ChipKey.Signature),
            signatureKeyProof = await CounterProofs.KeyProof(clerk, card, _chip, ChipKey.Signature, CounterProofs.SignaturePassword),
        });
        Assert.Equal("active", (await resumed.Json()).Str("status"));

        var abolished = await (await clerk.PostJson($"{card}/abolition", new { reason = "returned" })).Json();
        Assert.Equal("abolished", abolished.Str("status"));
        Assert.All(abolished.GetProperty("certificates").EnumerateArray(), c => Assert.Equal("revoked", c.Str("status")));
        Assert.Equal("abolished", (await (await callCentre.GetAsync(card)).Json()).Str("status"));
    }

    [Theory]
    [InlineData(Roles.Resident, "/production")]
    [InlineData(Roles.Municipality, "/suspension")]
    [InlineData(Roles.CallCentre, "/abolition")]
    [InlineData(Roles.Agency, "/handover")]
    public async Task Card_steps_belong_to_their_roles(string role, string step)
    {
        var scope = new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" };
        var response = await fixture.ClientFor(role, scope).PostJson($"/v1/cards/{Guid.NewGuid()}{step}", new { });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_resident_reports_their_own_card_lost_but_not_someone_elses()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "pc" })).Headers.Location!.ToString();
        await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "B" });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();

        var stranger = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString() });
        var refused = await stranger.PostJson($"{card}/suspension", new { reason = "not mine" });
        var holder = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = person });
        var reported = await holder.PostJson($"{card}/suspension", new { reason = "lost in the park" });

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        Assert.Equal("suspended", (await reported.Json()).Str("status"));
    }

    [Theory]
    [InlineData("落とした 1234 5678 9018")]
    [InlineData("落とした\u202E")]
    public async Task A_holders_reason_for_suspension_that_holds_a_number_or_invisible_formatting_is_refused_and_nothing_is_recorded(string reason)
    {
        var clerk = fixture.Municipality();
        var (person, card) = await ReadyCard(clerk);
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();
        var before = await Version(clerk, card);

        var holder = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = person });
        var refused = await holder.PostJson($"{card}/suspension", new { reason });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Json();
        Assert.Equal("card.invalid-reason", problem.Str("code"));
        Assert.DoesNotContain("1234 5678 9018", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await Version(clerk, card));
        Assert.Equal("active", (await (await clerk.GetAsync(card)).Json()).Str("status"));
    }

    [Fact]
    public async Task A_counter_converts_a_card_to_face_authentication()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "B" });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();

        var converted = await (await clerk.PostJson($"{card}/conversion", new { faceAuthentication = true, cardPresence = await CounterProofs.Presence(clerk, card, _chip) })).Json();

        Assert.True(converted.GetProperty("faceAuthentication").GetBoolean());
        Assert.All(converted.GetProperty("certificates").EnumerateArray(), c => Assert.Equal("revoked", c.Str("status")));
    }

    [Fact]
    public async Task An_operator_runs_a_suspension_campaign_and_watches_its_progress()
    {
        var clerk = fixture.Municipality();
        var batch = "API-CAMP-" + Guid.NewGuid().ToString("N")[..6];
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        var operators = fixture.ClientFor(Roles.Operator);
        await operators.PostJson($"{card}/production", new { chipBatch = batch });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();

        var started = await operators.PostJson("/v1/operations/suspension-campaigns", new { chipBatch = batch, reason = "chip vulnerability" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.ToString();
        // Invariant 22: requested, not started; the requester cannot approve it, a second operator does.
        var requested = await started.Json();
        Assert.True(requested.GetProperty("awaitingApproval").GetBoolean());
        Assert.Equal(0, requested.GetProperty("targets").GetInt32());
        var own = await operators.PostJson($"{location}/approval", new { });
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal("approval.same-person", (await own.Json()).Str("code"));
        Assert.Equal("active", (await (await clerk.GetAsync(card)).Json()).Str("status"));
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostJson($"{location}/approval", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.ClientFor(Roles.Operator).PostJson($"{location}/approval", new { })).StatusCode);
        System.Text.Json.JsonElement progress;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            progress = await (await operators.GetAsync(location)).Json();
        }
        while (!progress.GetProperty("completed").GetBoolean() && DateTime.UtcNow < deadline);

        Assert.Equal(1, progress.GetProperty("suspended").GetInt32());
        Assert.Equal("suspended", (await (await clerk.GetAsync(card)).Json()).Str("status"));
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostJson("/v1/operations/suspension-campaigns", new { chipBatch = batch, reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task The_holder_links_a_phone_and_a_counter_links_the_driving_licence()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "smartphone" })).Headers.Location!.ToString();
        await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "B" });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();
        var holder = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = person });
        var device = "android-" + Guid.NewGuid();

        var phone = await holder.PostJson($"{card}/smartphones", new { deviceId = device });
        var licence = await (await clerk.PostJson($"{card}/driving-licence", new { licenceNumber = "301234567890" })).Json();

        Assert.Equal(HttpStatusCode.OK, phone.StatusCode);
        Assert.Equal(["smartphone", "driving-licence"], licence.GetProperty("linkedCredentials").EnumerateArray().Select(c => c.Str("kind")));
        Assert.DoesNotContain("301234567890", licence.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(device, licence.ToString(), StringComparison.Ordinal);
        var stranger = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostJson($"{card}/smartphones", new { deviceId = "x" })).StatusCode);
        var unlinked = await (await holder.PostJson($"{card}/smartphones/unlink", new { deviceId = device })).Json();
        Assert.Equal(["driving-licence"], unlinked.GetProperty("linkedCredentials").EnumerateArray().Select(c => c.Str("kind")));
    }

    [Fact]
    public async Task Certificates_renew_only_inside_the_window()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "B" });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        var handedOver = await (await CounterProofs.HandOver(clerk, card, _chip)).Json();
        var renewalOpens = DateOnly.Parse(handedOver.GetProperty("certificates")[0].Str("validUntil"), System.Globalization.CultureInfo.InvariantCulture).AddMonths(-3);

        var tooEarly = await clerk.PostJson($"{card}/certificate-renewals", await Renewal(clerk, card));
        Assert.Equal("certificate.renewal-not-open", (await tooEarly.Json()).Str("code"));
        try
        {
            fixture.SiloClock.Offset = renewalOpens.ToDateTime(TimeOnly.MinValue) - DateTime.UtcNow.Date + TimeSpan.FromDays(1);
            var renewed = await (await clerk.PostJson($"{card}/certificate-renewals", await Renewal(clerk, card))).Json();
            var statuses = renewed.GetProperty("certificates").EnumerateArray().Select(c => c.Str("status")).ToList();
            Assert.Equal(2, statuses.Count(s => s == "revoked"));
            Assert.Equal(2, statuses.Count(s => s == "good"));
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    /// <summary>A renewal body: the card present (its current key signs), the chip's keys each proving themselves.</summary>
    private async Task<object> Renewal(HttpClient clerk, string card)
    {
        var presence = await CounterProofs.Presence(clerk, card, _chip);
        var handover = await CounterProofs.Handover(clerk, card, _chip);
        var keys = System.Text.Json.JsonSerializer.SerializeToElement(handover);
        return new
        {
            cardPresence = presence,
            userAuthenticationPublicKey = keys.GetProperty("userAuthenticationPublicKey").GetString(),
            signaturePublicKey = keys.GetProperty("signaturePublicKey").GetString(),
            userAuthenticationKeyProof = keys.GetProperty("userAuthenticationKeyProof"),
            signatureKeyProof = keys.GetProperty("signatureKeyProof"),
        };
    }

    private async Task<(string Person, string Card)> ReadyCard(HttpClient clerk)
    {
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "B" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"{card}/ready-for-pickup", new { })).StatusCode);
        return (person, card);
    }

    private static async Task<long> Version(HttpClient clerk, string card) =>
        (await (await clerk.GetAsync(card)).Json()).GetProperty("version").GetInt64();

    private static async Task AssertForbidden(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(code, (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task A_clerk_of_another_municipality_neither_touches_nor_reads_a_card_it_does_not_manage()
    {
        var clerk = fixture.Municipality();
        var other = fixture.Municipality("131024");
        var (person, card) = await ReadyCard(clerk);
        var ready = await Version(clerk, card);

        await AssertForbidden(await other.PostJson("/v1/cards", new { personId = person, channel = "counter" }), "access.other-municipality");
        await AssertForbidden(await other.PostJson($"{card}/handover", new { pinsSet = true, userAuthenticationPublicKey = Key, signaturePublicKey = Key }), "access.other-municipality");
        Assert.Equal(ready, await Version(clerk, card));

        Assert.Equal(HttpStatusCode.OK, (await CounterProofs.HandOver(clerk, card, _chip)).StatusCode);
        var active = await Version(clerk, card);
        await AssertForbidden(await other.PostJson($"{card}/abolition", new { reason = "returned" }), "access.other-municipality");
        await AssertForbidden(await other.PostJson($"{card}/pin-locks", new { pin = "user-authentication-pin" }), "access.other-municipality");
        await AssertForbidden(await other.PostJson($"{card}/pin-resets", new { pin = "user-authentication-pin" }), "access.other-municipality");
        await AssertForbidden(await other.PostJson($"{card}/driving-licence", new { licenceNumber = "301234567890" }), "access.other-municipality");
        await AssertForbidden(await other.GetAsync(card), "access.other-municipality");

        Assert.Equal(active, await Version(clerk, card));
        Assert.Equal("active", (await (await clerk.GetAsync(card)).Json()).Str("status"));
    }

    [Fact]
    public async Task The_call_centre_sees_a_cards_status_but_not_its_holder_and_a_resident_suspends_only_their_own()
    {
        var clerk = fixture.Municipality();
        var (person, card) = await ReadyCard(clerk);
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();
        var version = await Version(clerk, card);

        var seen = await (await fixture.ClientFor(Roles.CallCentre).GetAsync(card)).Json();
        Assert.Equal("active", seen.Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("personId").ValueKind);
        Assert.Equal(person, (await (await clerk.GetAsync(card)).Json()).Str("personId"));

        var stranger = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostJson($"{card}/suspension", new { reason = "not mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(card)).StatusCode);
        Assert.Equal(version, await Version(clerk, card));

        var suspended = await (await fixture.ClientFor(Roles.CallCentre).PostJson($"{card}/suspension", new { reason = "lost" })).Json();
        Assert.Equal("suspended", suspended.Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, suspended.GetProperty("personId").ValueKind);
    }

    [Fact]
    public async Task A_retried_command_from_a_clerk_no_longer_allowed_is_forbidden()
    {
        var clerk = fixture.ClientFor(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" }, subject: "clerk-retry");
        var (_, card) = await ReadyCard(clerk);
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();
        var key = "pin-lock-" + Guid.NewGuid();
        var first = await clerk.PostJson($"{card}/pin-locks", new { pin = "user-authentication-pin" }, key);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var version = await Version(clerk, card);

        // The same subject and Idempotency-Key, now on a token of another municipality.
        var moved = fixture.ClientFor(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131024" }, subject: "clerk-retry");
        await AssertForbidden(await moved.PostJson($"{card}/pin-locks", new { pin = "user-authentication-pin" }, key), "access.other-municipality");

        Assert.Equal(version, await Version(clerk, card));
        var again = await clerk.PostJson($"{card}/pin-locks", new { pin = "user-authentication-pin" }, key);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(version, (await again.Json()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_new_key_is_accepted_only_with_its_own_signature_over_this_counters_key_proof_challenge()
    {
        var clerk = fixture.Municipality();
        var (_, card) = await ReadyCard(clerk);
        var version = await Version(clerk, card);
        using var stranger = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);
        // Keys of the clerk's choosing, "proven" by another chip: refused.
        var forged = (object)new
        {
            pinsSet = true,
            userAuthenticationPublicKey = Key,
            signaturePublicKey = Key,
            userAuthenticationKeyProof = await CounterProofs.KeyProof(clerk, card, stranger, ChipKey.UserAuthentication, Patient.Pin),
            signatureKeyProof = await CounterProofs.KeyProof(clerk, card, stranger, ChipKey.Signature, CounterProofs.SignaturePassword),
        };
        var refused = await clerk.PostJson($"{card}/handover", forged);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("card.key-not-proven", (await refused.Json()).Str("code"));
        // A counter-presence challenge is not a key proof.
        var presenceChallenge = await CounterProofs.Challenge(clerk, card, "counter-presence");
        var wrongPurpose = await clerk.PostJson($"{card}/handover", new
        {
            pinsSet = true,
            userAuthenticationPublicKey = _chip.PublicKey(ChipKey.UserAuthentication),
            signaturePublicKey = _chip.PublicKey(ChipKey.Signature),
            userAuthenticationKeyProof = CounterProofs.Sign(_chip, ChipKey.UserAuthentication, Patient.Pin, presenceChallenge),
            signatureKeyProof = CounterProofs.Sign(_chip, ChipKey.Signature, CounterProofs.SignaturePassword, presenceChallenge),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPurpose.StatusCode);
        Assert.Equal("auth.challenge-wrong-purpose", (await wrongPurpose.Json()).Str("code"));
        // A clerk of another municipality gets no challenge for this card.
        await AssertForbidden(await fixture.Municipality("131024").PostJson($"{card}/counter-challenges", new { purpose = "key-proof" }), "access.other-municipality");
        Assert.Equal(version, await Version(clerk, card));

        var body = await CounterProofs.Handover(clerk, card, _chip);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"{card}/handover", body)).StatusCode);
        // The same signed challenge never counts twice (here: on a renewal).
        var replayed = await clerk.PostJson($"{card}/certificate-renewals", body);
        Assert.Equal("auth.challenge-invalid", (await replayed.Json()).Str("code"));
    }

    [Fact]
    public async Task The_card_is_present_only_when_its_own_key_signs_at_this_counter()
    {
        var clerk = fixture.Municipality();
        var (_, card) = await ReadyCard(clerk);
        (await CounterProofs.HandOver(clerk, card, _chip)).EnsureSuccessStatusCode();
        var version = await Version(clerk, card);
        using var stranger = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);

        var trusted = await clerk.PostJson($"{card}/conversion", new { faceAuthentication = true, cardPresented = true });
        var otherChip = await clerk.PostJson($"{card}/conversion", new { faceAuthentication = true, cardPresence = await CounterProofs.Presence(clerk, card, stranger) });

        Assert.Equal("card.not-presented", (await trusted.Json()).Str("code"));
        Assert.Equal("card.not-presented", (await otherChip.Json()).Str("code"));
        Assert.Equal(version, await Version(clerk, card));
        var converted = await clerk.PostJson($"{card}/conversion", new { faceAuthentication = true, cardPresence = await CounterProofs.Presence(clerk, card, _chip) });
        Assert.Equal(HttpStatusCode.OK, converted.StatusCode);

        // A face-authentication card cannot sign: back to a PIN card needs the clerk's photo-ID check first.
        var noCheck = await clerk.PostJson($"{card}/conversion", new { faceAuthentication = false, pinsSet = true });
        Assert.Equal("card.identity-not-verified", (await noCheck.Json()).Str("code"));
        var insufficient = await clerk.PostJson($"{card}/identity-verifications", new { documents = NonPhotoId });
        Assert.Equal("card.identity-documents-insufficient", (await insufficient.Json()).Str("code"));
        (await clerk.PostJson($"{card}/identity-verifications", new { documents = PhotoId })).EnsureSuccessStatusCode();
        _chip.RegenerateKeys();
        var keys = await CounterProofs.Handover(clerk, card, _chip);
        var back = await clerk.PostJson($"{card}/conversion", new
        {
            faceAuthentication = false,
            pinsSet = true,
            userAuthenticationPublicKey = _chip.PublicKey(ChipKey.UserAuthentication),
            signaturePublicKey = _chip.PublicKey(ChipKey.Signature),
            userAuthenticationKeyProof = System.Text.Json.JsonSerializer.SerializeToElement(keys).GetProperty("userAuthenticationKeyProof"),
            signatureKeyProof = System.Text.Json.JsonSerializer.SerializeToElement(keys).GetProperty("signatureKeyProof"),
        });
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.False((await back.Json()).GetProperty("faceAuthentication").GetBoolean());
    }

    [Fact]
    public async Task Unknown_cards_and_persons_are_404()
    {
        var clerk = fixture.Municipality();
        Assert.Equal("card.not-found", (await (await clerk.GetAsync($"/v1/cards/{Guid.NewGuid()}")).Json()).Str("code"));
        Assert.Equal("person.not-found", (await (await clerk.PostJson("/v1/cards", new { personId = Guid.NewGuid(), channel = "counter" })).Json()).Str("code"));
    }
}

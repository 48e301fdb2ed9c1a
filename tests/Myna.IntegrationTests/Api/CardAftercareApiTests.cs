using System.Net;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>After handover: expiry notices for the holder, and the remote certificate re-issue after a chip campaign.</summary>
[Collection(ApiCollection.Name)]
public sealed class CardAftercareApiTests(ApiFixture fixture)
{
    private readonly ClinicWorld _world = new(fixture);

    [Fact]
    public async Task The_renewal_notice_appears_when_the_window_opens_and_is_sent_once()
    {
        var patient = await _world.Patient();
        var holder = _world.Holder(patient);
        var card = await (await holder.GetAsync(patient.CardUrl)).Json();
        var expires = DateOnly.Parse(card.Str("expiresOn"), System.Globalization.CultureInfo.InvariantCulture);
        var certificateExpires = DateOnly.Parse(card.GetProperty("certificates").EnumerateArray().First(c => c.Str("kind") == "user-authentication").Str("validUntil"),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(card.GetProperty("notices").EnumerateArray());
        var stranger = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(patient.CardUrl)).StatusCode);
        try
        {
            // The 5-year certificates' window opens first (the card runs 10 years).
            fixture.SiloClock.Offset = certificateExpires.AddMonths(-3).ToDateTime(TimeOnly.MinValue) - DateTime.UtcNow.Date + TimeSpan.FromDays(1);
            var due = await (await holder.GetAsync(patient.CardUrl)).Json();
            var notice = Assert.Single(due.GetProperty("notices").EnumerateArray());
            Assert.Equal("certificate-renewal", notice.Str("kind"));
            Assert.False(notice.GetProperty("sent").GetBoolean());
            Assert.True(certificateExpires < expires);

            // What the card's reminder does when it fires.
            var grain = fixture.Grains.GetCard(new CardId(Guid.Parse(patient.CardId)));
            var sent = await grain.SendDueNotices();
            var again = await grain.SendDueNotices();

            Assert.True(Assert.Single(sent.Value!.Notices!).Sent);
            Assert.Equal(sent.Value.Version, again.Value!.Version);
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_card_stopped_by_a_campaign_comes_back_with_new_keys_proven_by_the_old_one()
    {
        var batch = "AFTERCARE-" + Guid.NewGuid().ToString("N")[..6];
        var clerk = _world.Clerk;
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        await _world.Operator.PostJson($"{card}/production", new { chipBatch = batch });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        using var chip = SimulatedCard.WithPins(Patient.Pin, "signature-pass");
        var handedOver = await (await CounterProofs.HandOver(clerk, card, chip)).Json();
        var oldSerial = handedOver.GetProperty("certificates").EnumerateArray().First(c => c.Str("kind") == "user-authentication").Str("serial");
        var campaign = (await _world.Operator.PostJson("/v1/operations/suspension-campaigns", new { chipBatch = batch, reason = "chip vulnerability" })).Headers.Location!.ToString();
        // A second operator approves (invariant 22).
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.ClientFor(Roles.Operator).PostJson($"{campaign}/approval", new { })).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await (await _world.Operator.GetAsync(campaign)).Json()).GetProperty("completed").GetBoolean() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var anonymous = fixture.Api.CreateClient();

        // Before the applet update the chip proves possession twice (two one-time challenges), then makes new keys.
        var first = await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "key-proof", audience = "remote-reissue" })).Json();
        var second = await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "key-proof", audience = "remote-reissue" })).Json();
        var firstProof = chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(first.Str("nonce")));
        var secondProof = chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(second.Str("nonce")));
        var oldUserKey = chip.PublicKey(ChipKey.UserAuthentication);
        chip.RegenerateKeys();
        // Invariant 19: each new key signs the same one-time challenge, proving the updated chip holds it.
        var secondNonce = Convert.FromBase64String(second.Str("nonce"));
        var newUserProof = Convert.ToBase64String(chip.Sign(ChipKey.UserAuthentication, Patient.Pin, secondNonce));
        var newSignatureProof = Convert.ToBase64String(chip.Sign(ChipKey.Signature, "signature-pass", secondNonce));

        var reused = await anonymous.PostJson("/v1/cards/remote-certificate-reissues", new
        {
            challenge = first.Str("challenge"),
            certificateSerial = oldSerial,
            signature = Convert.ToBase64String(firstProof),
            userAuthenticationPublicKey = oldUserKey,
            signaturePublicKey = chip.PublicKey(ChipKey.Signature),
        });
        // The second challenge, signed by the old key, with the new keys and their proofs as given.
        Task<HttpResponseMessage> Reissue(string userAuthenticationPublicKey, string userAuthenticationKeySignature) =>
            anonymous.PostJson("/v1/cards/remote-certificate-reissues", new
            {
                challenge = second.Str("challenge"),
                certificateSerial = oldSerial,
                signature = Convert.ToBase64String(secondProof),
                userAuthenticationPublicKey,
                signaturePublicKey = chip.PublicKey(ChipKey.Signature),
                userAuthenticationKeySignature,
                signatureKeySignature = newSignatureProof,
            });
        // A slip in the new keys' shape is refused before the one-time challenge is spent: the same challenge serves after.
        var malformedKey = await Reissue("not-a-key", newUserProof);
        var malformedProof = await Reissue(chip.PublicKey(ChipKey.UserAuthentication), "not base64!");
        Assert.Equal("card.invalid-public-key", (await malformedKey.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.BadRequest, malformedProof.StatusCode);
        Assert.True((await malformedProof.Json()).GetProperty("errors").TryGetProperty("userAuthenticationKeySignature", out _));

        var remedied = await Reissue(chip.PublicKey(ChipKey.UserAuthentication), newUserProof);

        Assert.Equal("card.key-reused", (await reused.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.OK, remedied.StatusCode);
        var body = await remedied.Json();
        // The same signed request sent again (a replay, not the command's own retry) finds its challenge spent.
        var replayed = await Reissue(chip.PublicKey(ChipKey.UserAuthentication), newUserProof);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("auth.challenge-invalid", (await replayed.Json()).Str("code"));
        Assert.Equal(body.GetProperty("version").GetInt64(), (await (await clerk.GetAsync(card)).Json()).GetProperty("version").GetInt64());
        Assert.Equal("active", body.Str("status"));
        var certificates = body.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal("revoked", certificates.First(c => c.Str("serial") == oldSerial).Str("status"));
        var newSerial = certificates.Last(c => c.Str("kind") == "user-authentication").Str("serial");
        Assert.Equal("good", certificates.Last(c => c.Str("kind") == "user-authentication").Str("status"));
        // The new key now logs in; a plain (non-campaign) suspension cannot be remedied remotely.
        var login = await anonymous.PostJson("/v1/auth/challenges", new { purpose = "relying-party", audience = "relying-party:test-bank" });
        var loginChallenge = await login.Json();
        var signedIn = await anonymous.PostJson("/v1/auth/challenge-responses", new
        {
            challenge = loginChallenge.Str("challenge"),
            audience = "relying-party:test-bank",
            certificateSerial = newSerial,
            signature = Convert.ToBase64String(chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(loginChallenge.Str("nonce")))),
        });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var plain = await _world.Patient();
        (await fixture.ClientFor(Roles.CallCentre).PostJson($"{plain.CardUrl}/suspension", new { reason = "lost" })).EnsureSuccessStatusCode();
        var plainChallenge = await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "key-proof", audience = "remote-reissue" })).Json();
        var refused = await anonymous.PostJson("/v1/cards/remote-certificate-reissues", new
        {
            challenge = plainChallenge.Str("challenge"),
            certificateSerial = plain.Serial,
            signature = Convert.ToBase64String(plain.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(plainChallenge.Str("nonce")))),
            userAuthenticationPublicKey = chip.PublicKey(ChipKey.Signature),
        });
        Assert.Equal("card.not-suspended-by-campaign", (await refused.Json()).Str("code"));
    }

    [Fact]
    public async Task A_card_suspended_for_loss_with_a_forged_campaign_reason_never_comes_back_remotely()
    {
        var patient = await _world.Patient();
        var callCentre = fixture.ClientFor(Roles.CallCentre);
        // A campaign's id, which lists nothing of this card, typed by the call centre into the reason. A fixed id: a random
        // one holds a run of 12 digits across its hyphens about once in 35, and a reason may hold no such run.
        var forged = await callCentre.PostJson($"{patient.CardUrl}/suspension", new { reason = "campaign 7c9e6679-7425-40de-944b-e07fc1f90ae7: lost on the train" });
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        var before = (await (await _world.Clerk.GetAsync(patient.CardUrl)).Json()).GetProperty("version").GetInt64();
        var anonymous = fixture.Api.CreateClient();
        var challenge = await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "key-proof", audience = "remote-reissue" })).Json();
        using var updated = SimulatedCard.WithPins(Patient.Pin, "signature-pass");

        var refused = await anonymous.PostJson("/v1/cards/remote-certificate-reissues", new
        {
            challenge = challenge.Str("challenge"),
            certificateSerial = patient.Serial,
            signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(challenge.Str("nonce")))),
            userAuthenticationPublicKey = updated.PublicKey(ChipKey.UserAuthentication),
            signaturePublicKey = updated.PublicKey(ChipKey.Signature),
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("card.not-suspended-by-campaign", (await refused.Json()).Str("code"));
        var after = await (await _world.Clerk.GetAsync(patient.CardUrl)).Json();
        Assert.Equal(before, after.GetProperty("version").GetInt64());
        Assert.Equal("suspended", after.Str("status"));
    }
}

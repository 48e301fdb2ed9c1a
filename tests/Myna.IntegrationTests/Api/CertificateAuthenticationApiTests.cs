using System.Net;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Challenge-response with the card simulator: the PIN stays on the chip, the backend checks the signature.</summary>
[Collection(ApiCollection.Name)]
public sealed class CertificateAuthenticationApiTests(ApiFixture fixture)
{
    private const string Pin = "1234";
    private static readonly string[] Passport = ["passport"];

    private async Task<(string Person, string Card, string Serial, SimulatedCard Chip)> ActiveCard()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "SIM-1" });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        var chip = SimulatedCard.WithPins(Pin, "signature-pass");
        var handedOver = await (await CounterProofs.HandOver(clerk, card, chip, Pin)).Json();
        var serial = handedOver.GetProperty("certificates").EnumerateArray().First(c => c.Str("kind") == "user-authentication").Str("serial");
        return (person, card, serial, chip);
    }

    private const string Bank = "relying-party:test-bank";

    private static async Task<string> RelyingPartyChallenge(HttpClient client, string audience = Bank) =>
        (await (await client.PostJson("/v1/auth/challenges", new { purpose = "relying-party", audience })).Json()).Str("challenge");

    private static async Task<HttpResponseMessage> SignIn(HttpClient client, string serial, Func<byte[], byte[]> sign, string? reuseChallenge = null, string audience = Bank)
    {
        var challenge = reuseChallenge ?? await RelyingPartyChallenge(client);
        return await client.PostJson("/v1/auth/challenge-responses", new
        {
            challenge,
            audience,
            certificateSerial = serial,
            signature = Convert.ToBase64String(sign(Convert.FromBase64String(challenge))),
        });
    }

    [Fact]
    public async Task A_good_signature_says_who_it_is_and_never_the_number()
    {
        var (person, card, serial, chip) = await ActiveCard();
        var client = fixture.Api.CreateClient();

        var response = await SignIn(client, serial, nonce => chip.Sign(ChipKey.UserAuthentication, Pin, nonce));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Json();
        Assert.Equal(person, body.Str("personId"));
        Assert.Equal(card.Split('/')[^1], body.Str("cardId"));
        Assert.DoesNotContain("individualNumber", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_signature_from_another_key_is_refused()
    {
        var (_, _, serial, _) = await ActiveCard();
        using var impostor = SimulatedCard.WithPins(Pin, "signature-pass");

        var response = await SignIn(fixture.Api.CreateClient(), serial, nonce => impostor.Sign(ChipKey.UserAuthentication, Pin, nonce));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.signature-invalid", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task A_challenge_cannot_be_replayed()
    {
        var (_, _, serial, chip) = await ActiveCard();
        var client = fixture.Api.CreateClient();
        var challenge = await RelyingPartyChallenge(client);
        var signature = chip.Sign(ChipKey.UserAuthentication, Pin, Convert.FromBase64String(challenge));

        var first = await SignIn(client, serial, _ => signature, challenge);
        var replay = await SignIn(client, serial, _ => signature, challenge);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("auth.challenge-invalid", (await replay.Json()).Str("code"));
    }

    [Fact]
    public async Task A_relying_partys_challenge_serves_that_relying_party_only()
    {
        var (person, _, serial, chip) = await ActiveCard();
        var client = fixture.Api.CreateClient();
        var challenge = await RelyingPartyChallenge(client);
        var signature = chip.Sign(ChipKey.UserAuthentication, Pin, Convert.FromBase64String(challenge));

        // Another relying party that caught the signature cannot use it, and nor can the portal.
        var otherBank = await SignIn(client, serial, _ => signature, challenge, "relying-party:other-bank");
        var portal = await client.PostJson("/v1/portal/sessions", new { challenge, certificateSerial = serial, signature = Convert.ToBase64String(signature) });
        // A forged payload (one byte changed) is no challenge at all.
        var forgedBytes = Convert.FromBase64String(challenge);
        forgedBytes[^1] ^= 0x01;
        var forged = await SignIn(client, serial, payload => chip.Sign(ChipKey.UserAuthentication, Pin, payload), Convert.ToBase64String(forgedBytes));

        Assert.Equal(HttpStatusCode.Unauthorized, otherBank.StatusCode);
        Assert.Equal("auth.challenge-wrong-purpose", (await otherBank.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Unauthorized, portal.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("auth.challenge-invalid", (await forged.Json()).Str("code"));
        // The relying party it was issued to still accepts it: the refusals did not spend it.
        var mine = await SignIn(client, serial, _ => signature, challenge);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(person, (await mine.Json()).Str("personId"));
    }

    [Fact]
    public async Task A_suspended_card_cannot_authenticate_and_the_status_service_says_so()
    {
        var (_, card, serial, chip) = await ActiveCard();
        await fixture.ClientFor(Roles.CallCentre).PostJson($"{card}/suspension", new { reason = "lost" });

        var response = await SignIn(fixture.Api.CreateClient(), serial, nonce => chip.Sign(ChipKey.UserAuthentication, Pin, nonce));
        var status = await (await fixture.ClientFor(Roles.Terminal).GetAsync($"/v1/certificates/{serial}/status")).Json();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("card.suspended", (await response.Json()).Str("code"));
        Assert.Equal("suspended", status.Str("status"));
    }

    [Fact]
    public async Task An_expired_certificate_fails_by_the_clock_alone()
    {
        var (_, _, serial, chip) = await ActiveCard();
        var relyingParty = fixture.ClientFor(Roles.Terminal);
        Assert.Equal("good", (await (await relyingParty.GetAsync($"/v1/certificates/{serial}/status")).Json()).Str("status"));
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 6); // past the 5th birthday after issue; no event written
            var response = await SignIn(fixture.Api.CreateClient(), serial, nonce => chip.Sign(ChipKey.UserAuthentication, Pin, nonce));

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("certificate.expired", (await response.Json()).Str("code"));
            Assert.Equal("expired", (await (await relyingParty.GetAsync($"/v1/certificates/{serial}/status")).Json()).Str("status"));
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task The_pin_is_checked_on_the_chip_and_locks_after_three_wrong_tries()
    {
        var (_, card, serial, chip) = await ActiveCard();
        for (var i = 0; i < 3; i++)
        {
            Assert.Throws<ChipRefusedException>(() => chip.Sign(ChipKey.UserAuthentication, "0000", new byte[32]));
        }
        Assert.True(chip.IsLocked(ChipKey.UserAuthentication));
        Assert.Throws<ChipRefusedException>(() => chip.Sign(ChipKey.UserAuthentication, Pin, new byte[32]));

        // The backend sees the lock report and the counter reset, never a PIN.
        var clerk = fixture.Municipality();
        var locked = await (await clerk.PostJson($"{card}/pin-locks", new { pin = "user-authentication-pin" })).Json();
        Assert.Equal("user-authentication-pin", locked.GetProperty("lockedPins")[0].GetString());
        // The locked chip cannot sign: the clerk checks a photo ID in person first, then resets (invariant 19).
        var noCheck = await clerk.PostJson($"{card}/pin-resets", new { pin = "user-authentication-pin" });
        Assert.Equal("card.identity-not-verified", (await noCheck.Json()).Str("code"));
        (await clerk.PostJson($"{card}/identity-verifications", new { documents = Passport })).EnsureSuccessStatusCode();
        var reset = await (await clerk.PostJson($"{card}/pin-resets", new { pin = "user-authentication-pin" })).Json();
        Assert.Equal(0, reset.GetProperty("lockedPins").GetArrayLength());
        chip.ResetPin(ChipKey.UserAuthentication, "9876");

        var response = await SignIn(fixture.Api.CreateClient(), serial, nonce => chip.Sign(ChipKey.UserAuthentication, "9876", nonce));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_serials_are_unknown()
    {
        var status = await (await fixture.ClientFor(Roles.Terminal).GetAsync("/v1/certificates/NOSUCHSERIAL/status")).Json();
        Assert.Equal("unknown", status.Str("status"));
        var response = await SignIn(fixture.Api.CreateClient(), "NOSUCHSERIAL", _ => new byte[64]);
        Assert.Equal("auth.certificate-unknown", (await response.Json()).Str("code"));
    }
}

using System.Net;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Invariant 18 at the portal: a chip signature made for a clinic's PIN check or a relying party never opens a
/// portal session, and a portal-login challenge is accepted once, by the portal only.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PurposeBoundChallengeApiTests(ApiFixture fixture)
{
    private readonly ClinicWorld _world = new(fixture);

    private static object Login(string challenge, Patient patient) => new
    {
        challenge,
        certificateSerial = patient.Serial,
        signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(challenge))),
    };

    private static async Task AssertUnauthenticated(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(code, (await response.Json()).Str("code"));
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_made_for_a_clinic_check_or_a_relying_party_does_not_open_a_portal_session()
    {
        var patient = await _world.Patient();
        var reception = await _world.Reception();
        var anonymous = fixture.Api.CreateClient();
        var clinicNonce = (await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json()).Str("nonce");
        var relyingPartyNonce = (await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "relying-party", audience = "relying-party:test-bank" })).Json()).Str("nonce");

        await AssertUnauthenticated(await anonymous.PostJson("/v1/portal/sessions", Login(clinicNonce, patient)), "auth.challenge-wrong-purpose");
        await AssertUnauthenticated(await anonymous.PostJson("/v1/portal/sessions", Login(relyingPartyNonce, patient)), "auth.challenge-wrong-purpose");
    }

    [Fact]
    public async Task A_portal_login_challenge_opens_one_session_once_and_is_no_relying_party_challenge()
    {
        var patient = await _world.Patient();
        var anonymous = fixture.Api.CreateClient();
        var issued = await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "portal-login", audience = "portal" })).Json();
        var challenge = issued.Str("challenge");
        Assert.Equal("portal-login", issued.Str("purpose"));
        Assert.StartsWith("myna-challenge/1\nportal-login\nportal\n", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(challenge)), StringComparison.Ordinal);

        var first = await anonymous.PostJson("/v1/portal/sessions", Login(challenge, patient));
        var replayed = await anonymous.PostJson("/v1/portal/sessions", Login(challenge, patient));
        var elsewhere = await anonymous.PostJson("/v1/auth/challenge-responses", new
        {
            challenge,
            audience = "relying-party:test-bank",
            certificateSerial = patient.Serial,
            signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(challenge))),
        });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertUnauthenticated(replayed, "auth.challenge-invalid");
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Theory]
    [InlineData("eligibility-check", "institution:1312345678/terminal:T-1")]
    [InlineData("kiosk-binding", "kiosk:K-1")]
    [InlineData("key-proof", "counter:131016")]
    [InlineData("portal-login", "relying-party:bank")]
    [InlineData("relying-party", "portal")]
    [InlineData("key-proof", "portal")]
    public async Task An_anonymous_caller_gets_no_challenge_for_another_purpose_or_audience(string purpose, string audience)
    {
        var response = await fixture.Api.CreateClient().PostJson("/v1/auth/challenges", new { purpose, audience });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("challenge.purpose-not-allowed", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task Another_institutions_terminal_with_the_same_subject_replaying_a_check_gets_no_patient_data()
    {
        var (patient, _) = await _world.InsuredPatient();
        var mine = await _world.Reception();
        var theirs = await _world.Reception();
        var subject = "shared-terminal-subject-" + Guid.NewGuid().ToString("N")[..6];
        var terminalA = fixture.ClientFor(Myna.Api.Auth.Roles.Terminal, new Dictionary<string, string>
            { [Myna.Api.Auth.MynaClaims.Institution] = mine.Institution, [Myna.Api.Auth.MynaClaims.Terminal] = mine.TerminalId }, subject);
        var terminalB = fixture.ClientFor(Myna.Api.Auth.Roles.Terminal, new Dictionary<string, string>
            { [Myna.Api.Auth.MynaClaims.Institution] = theirs.Institution, [Myna.Api.Auth.MynaClaims.Terminal] = theirs.TerminalId }, subject);
        var challenge = await (await terminalA.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var request = ClinicWorld.PinCheck(challenge, patient);
        var answered = await terminalA.PostJson("/v1/eligibility-checks", request, "same-key");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var replayed = await terminalB.PostJson("/v1/eligibility-checks", request, "same-key");

        Assert.True(replayed.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"got {replayed.StatusCode}");
        var raw = await replayed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(patient.Name, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("insured", raw, StringComparison.OrdinalIgnoreCase);
        // Nothing recorded for the replay: the patient's clinic ledger holds the one answered check.
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.Equal("eligibility-check:eligible", Assert.Single(ledger.EnumerateArray()).Str("what"));
    }

    [Fact]
    public async Task A_challenge_sealed_for_one_desk_is_refused_at_another_desk_of_the_same_institution_and_nothing_is_recorded()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        using var otherKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        (await _world.Operator.PostJson($"/v1/institutions/{reception.Institution}/terminals",
            new { terminalId = "desk-2", publicKey = Convert.ToBase64String(otherKey.ExportSubjectPublicKeyInfo()) })).EnsureSuccessStatusCode();
        var otherDesk = fixture.ClientFor(Myna.Api.Auth.Roles.Terminal, new Dictionary<string, string>
            { [Myna.Api.Auth.MynaClaims.Institution] = reception.Institution, [Myna.Api.Auth.MynaClaims.Terminal] = "desk-2" });
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var request = ClinicWorld.PinCheck(challenge, patient);

        var elsewhere = await otherDesk.PostJson("/v1/eligibility-checks", request);

        await AssertUnauthenticated(elsewhere, "auth.challenge-wrong-purpose");
        Assert.DoesNotContain(patient.Name, await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.Empty(ledger.EnumerateArray());
        // The desk it was sealed for still uses it, once.
        Assert.Equal(HttpStatusCode.OK, (await reception.Client.PostJson("/v1/eligibility-checks", request)).StatusCode);
        ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.Equal("eligibility-check:eligible", Assert.Single(ledger.EnumerateArray()).Str("what"));
    }
}

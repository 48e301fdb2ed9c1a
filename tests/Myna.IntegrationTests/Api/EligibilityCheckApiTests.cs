using System.Net;
using System.Security.Cryptography;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Flow 5 end to end through the API: an insurer enrols, the card is registered, a reception terminal checks.</summary>
[Collection(ApiCollection.Name)]
public sealed class EligibilityCheckApiTests(ApiFixture fixture)
{
    private readonly ClinicWorld _world = new(fixture);

    [Fact]
    public async Task A_consent_given_as_a_number_outside_its_list_is_a_400_naming_the_item_and_the_challenge_stays_unused()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var body = System.Text.Json.JsonSerializer.SerializeToNode(ClinicWorld.PinCheck(challenge, patient, ["medication-history"]))!.AsObject();
        body["consents"] = new System.Text.Json.Nodes.JsonArray("medication-history", 99);

        var refused = await reception.Client.PostAsync("/v1/eligibility-checks", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Json();
        Assert.Equal("request.invalid", problem.Str("code"));
        Assert.Equal(["consents[1]"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        // Refused before the check ran: the same signed challenge still answers once, with the listed consent.
        body["consents"] = new System.Text.Json.Nodes.JsonArray("medication-history");
        var checkedOnce = await reception.Client.PostAsync("/v1/eligibility-checks", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, checkedOnce.StatusCode);
    }

    [Fact]
    public async Task A_pin_check_answers_the_qualification_and_never_the_number_or_person_id()
    {
        var (patient, insurer) = await _world.InsuredPatient();
        var reception = await _world.Reception();

        var response = await ClinicWorld.CheckWithPin(reception, patient);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = await response.Json();
        Assert.True(body.GetProperty("eligible").GetBoolean());
        Assert.Equal(insurer, body.Str("insurerNumber"));
        Assert.Equal("1234", body.Str("symbol"));
        Assert.Equal("5678", body.Str("insuredNumber"));
        Assert.Equal("01", body.Str("branch"));
        Assert.Equal(patient.Name, body.Str("patientName"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("ceilingCategory").ValueKind);
        Assert.DoesNotContain(patient.Number, text, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.PersonId, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("individualNumber", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("personId", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Consent_shows_the_ceiling_category_and_expires_after_24_hours()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();

        var body = await (await ClinicWorld.CheckWithPin(reception, patient, ["medication-history", "ceiling-category"])).Json();

        Assert.Equal("under-seventy-c", body.Str("ceilingCategory"));
        Assert.Equal(["medication-history", "ceiling-category"], body.GetProperty("consentsGiven").EnumerateArray().Select(c => c.GetString()));
        var holder = _world.Holder(patient);
        var consents = await (await holder.GetAsync($"/v1/persons/{patient.PersonId}/clinic-consents")).Json();
        var consent = Assert.Single(consents.EnumerateArray());
        Assert.True(consent.GetProperty("active").GetBoolean());
        Assert.Equal(reception.Institution, consent.Str("institution"));
        Assert.Equal("pin", consent.Str("method"));
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1);
            var later = await (await holder.GetAsync($"/v1/persons/{patient.PersonId}/clinic-consents")).Json();
            Assert.False(Assert.Single(later.EnumerateArray()).GetProperty("active").GetBoolean());
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Face_match_and_staff_visual_check_work_with_the_terminals_attestation()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();

        var face = await ClinicWorld.CheckWithAttestation(reception, patient, "face-match", staffId: null);
        var visual = await ClinicWorld.CheckWithAttestation(reception, patient, "visual-check", staffId: "nurse-07", consents: ["health-check-results"]);
        var noStaff = await ClinicWorld.CheckWithAttestation(reception, patient, "visual-check", staffId: null);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = await ClinicWorld.CheckWithAttestation(reception, patient, "face-match", staffId: null, signWith: otherKey);

        Assert.True((await face.Json()).GetProperty("eligible").GetBoolean());
        Assert.True((await visual.Json()).GetProperty("eligible").GetBoolean());
        Assert.Equal("eligibility.invalid-staff", (await noStaff.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("eligibility.attestation-invalid", (await forged.Json()).Str("code"));
        var consent = Assert.Single((await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-consents")).Json()).EnumerateArray());
        Assert.Equal("nurse-07", consent.Str("staffId"));
        Assert.Equal("visual-check", consent.Str("method"));
    }

    [Theory]
    [InlineData("suspended", "card.suspended")]
    [InlineData("abolished", "card.abolished")]
    [InlineData("not-registered", "card.not-registered-for-insurance")]
    [InlineData("no-qualification", "insurance.no-active-qualification")]
    public async Task A_card_that_cannot_confirm_eligibility_is_answered_not_eligible_and_still_on_the_ledger(string situation, string reason)
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        if (situation != "no-qualification")
        {
            await _world.Enrol(insurer, insurerNumber, patient);
        }
        if (situation != "not-registered")
        {
            await _world.RegisterForInsurance(patient);
        }
        if (situation == "suspended")
        {
            (await fixture.ClientFor(Roles.CallCentre).PostJson($"{patient.CardUrl}/suspension", new { reason = "lost" })).EnsureSuccessStatusCode();
        }
        if (situation == "abolished")
        {
            (await _world.Clerk.PostJson($"{patient.CardUrl}/abolition", new { reason = "returned" })).EnsureSuccessStatusCode();
        }
        var reception = await _world.Reception();

        var response = await ClinicWorld.CheckWithAttestation(reception, patient, "face-match", staffId: null, consents: ["medication-history"]);

        var body = await response.Json();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.GetProperty("eligible").GetBoolean());
        Assert.Equal(reason, body.Str("reason"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("patientName").ValueKind);
        Assert.Empty(body.GetProperty("consentsGiven").EnumerateArray());
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        var entry = Assert.Single(ledger.EnumerateArray());
        Assert.Equal(reception.Institution, entry.Str("accessor"));
        Assert.Equal("eligibility-check:" + reason, entry.Str("what"));
        Assert.True(entry.GetProperty("refused").GetBoolean());
    }

    [Fact]
    public async Task An_expired_card_cannot_confirm_eligibility()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 11);
            var body = await (await ClinicWorld.CheckWithAttestation(reception, patient, "face-match", staffId: null)).Json();
            Assert.False(body.GetProperty("eligible").GetBoolean());
            Assert.Equal("card.expired", body.Str("reason"));
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_face_authentication_card_has_no_pin_and_registers_for_insurance_only_at_a_terminal()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient(faceAuthentication: true);
        await _world.Enrol(insurer, insurerNumber, patient);
        var reception = await _world.Reception();

        var atPortal = await _world.Holder(patient).PostJson($"{patient.CardUrl}/insurance-registration", new { channel = "portal" });
        var before = await (await ClinicWorld.CheckWithAttestation(reception, patient, "face-match", staffId: null)).Json();

        Assert.Equal("card.face-authentication-clinic-only", (await atPortal.Json()).Str("code"));
        Assert.Equal("card.not-registered-for-insurance", before.Str("reason"));
        var card = await (await _world.Clerk.GetAsync(patient.CardUrl)).Json();
        Assert.True(card.GetProperty("faceAuthentication").GetBoolean());
    }

    [Fact]
    public async Task The_patient_registers_the_card_for_insurance_at_the_terminal_during_the_check()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        await _world.Enrol(insurer, insurerNumber, patient);
        var reception = await _world.Reception();

        var body = await (await ClinicWorld.CheckWithPin(reception, patient, registerCard: true)).Json();

        Assert.True(body.GetProperty("eligible").GetBoolean());
        var again = await (await ClinicWorld.CheckWithPin(reception, patient)).Json();
        Assert.True(again.GetProperty("eligible").GetBoolean());
    }

    [Fact]
    public async Task A_retried_check_answers_the_same_and_lands_on_the_ledger_once()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var request = ClinicWorld.PinCheck(challenge, patient, ["clinical-information"]);

        var first = await (await reception.Client.PostJson("/v1/eligibility-checks", request, "retry-1")).Json();
        var second = await (await reception.Client.PostJson("/v1/eligibility-checks", request, "retry-1")).Json();
        var otherKey = await reception.Client.PostJson("/v1/eligibility-checks", request, "retry-2");

        Assert.Equal(first.Str("checkId"), second.Str("checkId"));
        Assert.True(second.GetProperty("eligible").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, otherKey.StatusCode);
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.Equal(["eligibility-check:eligible", "consent:ClinicalInformation"], ledger.EnumerateArray().Select(e => e.Str("what")));
    }

    [Fact]
    public async Task One_challenge_used_at_once_for_two_patients_and_under_two_keys_answers_one_check_and_records_one()
    {
        // A dishonest terminal has two cards sign the same challenge and sends both checks, each twice under fresh keys,
        // all at the same moment: the challenge is consumed in the commit of the one ledger entry that wins.
        var (first, _) = await _world.InsuredPatient();
        var (second, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var attempts = new[] { first, second, first, second }
            .Select((patient, i) => (patient, request: ClinicWorld.PinCheck(challenge, patient, ["clinical-information"]), key: $"reuse-{i}-{Guid.NewGuid():N}"))
            .ToList();

        var responses = await Task.WhenAll(attempts.Select(a => reception.Client.PostJson("/v1/eligibility-checks", a.request, a.key)));

        var answered = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var winner = attempts[Array.IndexOf(responses, answered)].patient;
        var loser = winner == first ? second : first;
        foreach (var refused in responses.Where(r => r != answered))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var raw = await refused.Content.ReadAsStringAsync();
            Assert.Contains("auth.challenge-invalid", raw, StringComparison.Ordinal);
            Assert.DoesNotContain(first.Name, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(second.Name, raw, StringComparison.Ordinal);
        }
        Assert.Equal(winner.Name, (await answered.Json()).Str("patientName"));
        var winnerLedger = await (await _world.Holder(winner).GetAsync($"/v1/persons/{winner.PersonId}/clinic-ledger")).Json();
        Assert.Equal(["eligibility-check:eligible", "consent:ClinicalInformation"], winnerLedger.EnumerateArray().Select(e => e.Str("what")));
        var loserLedger = await (await _world.Holder(loser).GetAsync($"/v1/persons/{loser.PersonId}/clinic-ledger")).Json();
        Assert.Empty(loserLedger.EnumerateArray());

        // The refused patient's ledger took no harm: their next check, with a challenge of its own, is answered and recorded.
        Assert.Equal(HttpStatusCode.OK, (await ClinicWorld.CheckWithPin(reception, loser)).StatusCode);
        loserLedger = await (await _world.Holder(loser).GetAsync($"/v1/persons/{loser.PersonId}/clinic-ledger")).Json();
        Assert.Equal("eligibility-check:eligible", Assert.Single(loserLedger.EnumerateArray()).Str("what"));
    }

    [Fact]
    public async Task A_wrong_chip_signature_is_refused_and_recorded()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        using var impostor = SimulatedCard.WithPins(Patient.Pin, "signature-pass");
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();

        var response = await reception.Client.PostJson("/v1/eligibility-checks", ClinicWorld.PinCheck(challenge, patient, chip: impostor));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.signature-invalid", (await response.Json()).Str("code"));
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.Equal("eligibility-check:auth.signature-invalid", Assert.Single(ledger.EnumerateArray()).Str("what"));
    }

    [Fact]
    public async Task Only_registered_terminals_check_and_other_roles_cannot()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        var unknownTerminal = reception with
        {
            Client = fixture.ClientFor(Roles.Terminal, new Dictionary<string, string> { [MynaClaims.Institution] = reception.Institution, [MynaClaims.Terminal] = "desk-9" }),
        };
        // A challenge issued while the terminal was registered, used after its retirement.
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        (await _world.Operator.PostJson($"/v1/institutions/{reception.Institution}/terminals/{reception.TerminalId}/retirement", new { })).EnsureSuccessStatusCode();

        var retired = await reception.Client.PostJson("/v1/eligibility-checks", ClinicWorld.PinCheck(challenge, patient));
        var retiredChallenge = await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { });
        var unknown = await unknownTerminal.Client.PostJson("/v1/eligibility-checks/challenges", new { });
        var clerk = await _world.Clerk.PostJson("/v1/eligibility-checks/challenges", new { });

        Assert.Equal("terminal.unknown", (await retired.Json()).Str("code"));
        Assert.Equal("terminal.unknown", (await retiredChallenge.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal("terminal.unknown", (await unknown.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, clerk.StatusCode);
    }

    [Fact]
    public async Task Many_checks_at_once_never_cross_wire_patients()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var reception = await _world.Reception();
        var patients = new List<Patient>();
        for (var i = 0; i < 12; i++)
        {
            var patient = await _world.Patient();
            await _world.Enrol(insurer, insurerNumber, patient);
            await _world.RegisterForInsurance(patient);
            patients.Add(patient);
        }

        var checks = Enumerable.Range(0, 96).Select(async i =>
        {
            var patient = patients[i % patients.Count];
            var response = i % 2 == 0
                ? await ClinicWorld.CheckWithPin(reception, patient, ["ceiling-category"])
                : await ClinicWorld.CheckWithAttestation(reception, patient, "face-match", staffId: null);
            return (patient, body: await response.Json());
        });
        var answers = await Task.WhenAll(checks);

        Assert.All(answers, a =>
        {
            Assert.True(a.body.GetProperty("eligible").GetBoolean());
            Assert.Equal(a.patient.Name, a.body.Str("patientName"));
        });
        foreach (var patient in patients)
        {
            var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger?limit=200")).Json();
            Assert.Equal(8, ledger.EnumerateArray().Count(e => e.Str("what") == "eligibility-check:eligible"));
        }
    }

    [Fact]
    public async Task The_public_list_shows_institutions_that_accept_the_card_by_prefecture()
    {
        var accepting = await _world.Reception(prefecture: "47");
        var notAccepting = await _world.Reception(prefecture: "47", acceptsCard: false);
        var anonymous = fixture.Api.CreateClient();

        var codes = new List<string>();
        string? after = null;
        do
        {
            var listed = await anonymous.GetAsync($"/v1/institutions?prefecture=47&limit=50{(after is null ? string.Empty : "&after=" + after)}");
            Assert.True(listed.IsSuccessStatusCode, await listed.Content.ReadAsStringAsync());
            var page = await listed.Json();
            codes.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.Str("code")));
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Contains(accepting.Institution, codes);
        Assert.DoesNotContain(notAccepting.Institution, codes);
        Assert.All(codes, c => Assert.StartsWith("47", c, StringComparison.Ordinal));
        Assert.Equal("request.invalid", (await (await anonymous.GetAsync("/v1/institutions?prefecture=48")).Json()).Str("code"));
    }

    [Fact]
    public async Task A_confirmation_document_stands_in_for_an_unregistered_card_until_it_expires()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var qualification = await _world.Enrol(insurer, insurerNumber, patient);
        var reception = await _world.Reception();

        var issued = await insurer.PostJson($"/v1/insurers/{insurerNumber}/qualifications/{qualification}/confirmation-documents", new { reason = "no-registered-card" });
        var document = (await issued.Json()).Str("documentNumber");
        var check = await (await ClinicWorld.CheckWithDocument(reception, document, "clerk-3", ["ceiling-category"])).Json();

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.True(check.GetProperty("eligible").GetBoolean());
        Assert.Equal(insurerNumber, check.Str("insurerNumber"));
        Assert.Equal("under-seventy-c", check.Str("ceilingCategory"));
        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/insurance")).Json();
        var validUntil = DateOnly.Parse(Assert.Single(own.GetProperty("confirmationDocuments").EnumerateArray()).Str("validUntil"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("eligibility-check:eligible", (await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json())[0].Str("what"));
        Assert.Equal("document.not-found", (await (await ClinicWorld.CheckWithDocument(reception, "AAAAAAAAAAAAAAAA", "clerk-3")).Json()).Str("code"));
        try
        {
            fixture.SiloClock.Offset = validUntil.ToDateTime(TimeOnly.MinValue) - DateTime.UtcNow.Date + TimeSpan.FromDays(1);
            var expired = await (await ClinicWorld.CheckWithDocument(reception, document, "clerk-3")).Json();
            Assert.Equal("document.expired", expired.Str("reason"));
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_document_for_lack_of_a_registered_card_is_refused_when_the_card_is_registered_but_may_be_requested()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var qualification = await _world.Enrol(insurer, insurerNumber, patient);
        await _world.RegisterForInsurance(patient);

        var refused = await insurer.PostJson($"/v1/insurers/{insurerNumber}/qualifications/{qualification}/confirmation-documents", new { reason = "no-registered-card" });
        var requested = await insurer.PostJson($"/v1/insurers/{insurerNumber}/qualifications/{qualification}/confirmation-documents", new { reason = "requested" });

        Assert.Equal("insurance.card-registered", (await refused.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
    }
}

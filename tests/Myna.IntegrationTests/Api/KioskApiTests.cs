using System.Globalization;
using System.Net;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Convenience-store issuance through the public API: a session is one kiosk, one card, one request.</summary>
[Collection(ApiCollection.Name)]
public sealed class KioskApiTests(ApiFixture fixture)
{
    private const string Pin = "2580";

    private sealed record Holder(string PersonId, string CardUrl, string Serial, SimulatedCard Chip, string Name);

    private readonly HttpClient _operator = fixture.ClientFor(Roles.Operator);
    private readonly HttpClient _clerk = fixture.Municipality();

    private async Task<(string Id, HttpClient Client)> Kiosk(object? hours = null)
    {
        var id = "store-" + Guid.NewGuid().ToString("N")[..10];
        (await _operator.PostJson($"/v1/kiosks/{id}", new { store = "ファミリーマート 霞が関店", prefecture = "13", hours })).EnsureSuccessStatusCode();
        return (id, fixture.ClientFor(Roles.Kiosk, new Dictionary<string, string> { [MynaClaims.Kiosk] = id }, subject: id));
    }

    private async Task<Holder> CardHolder(string dateOfBirth = "1979-08-09")
    {
        var name = "窓口 太郎" + Guid.NewGuid().ToString("N")[..6];
        var person = (await (await _clerk.PostJson("/v1/persons", new
        {
            name, address = "東京都千代田区霞が関2-1-2", dateOfBirth, sex = "male", reason = "birth",
        })).Json()).Str("id");
        var card = (await _clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        (await _operator.PostJson($"{card}/production", new { chipBatch = "KIOSK-1" })).EnsureSuccessStatusCode();
        (await _clerk.PostJson($"{card}/ready-for-pickup", new { })).EnsureSuccessStatusCode();
        var chip = SimulatedCard.WithPins(Pin, "signature-pass");
        var handedOver = await CounterProofs.HandOver(_clerk, card, chip, Pin);
        handedOver.EnsureSuccessStatusCode();
        var serial = (await handedOver.Json()).GetProperty("certificates").EnumerateArray()
            .First(c => c.Str("kind") == "user-authentication").Str("serial");
        return new Holder(person, card, serial, chip, name);
    }

    /// <summary>Opens a session and binds the card: the chip signs the session's nonce after checking the PIN itself.</summary>
    private static async Task<(string Session, HttpResponseMessage Bound)> Session(HttpClient kiosk, Holder holder)
    {
        var opened = await kiosk.PostJson("/v1/kiosk-sessions", new { });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var session = await opened.Json();
        var nonce = Convert.FromBase64String(session.Str("nonce"));
        var bound = await kiosk.PostJson($"/v1/kiosk-sessions/{session.Str("sessionId")}/card", new
        {
            certificateSerial = holder.Serial,
            signature = Convert.ToBase64String(holder.Chip.Sign(ChipKey.UserAuthentication, Pin, nonce)),
        });
        return (session.Str("sessionId"), bound);
    }

    private static Task<HttpResponseMessage> Print(HttpClient kiosk, string session, string kind = "resident-record-copy", int? fiscalYear = null) =>
        kiosk.PostJson($"/v1/kiosk-sessions/{session}/certificates", new { kind, fiscalYear });

    private static async Task<string> Code(HttpResponseMessage response) => (await response.Json()).Str("code");

    [Fact]
    public async Task A_copy_of_the_resident_record_is_printed_for_the_card_and_its_code_verifies()
    {
        var (kioskId, kiosk) = await Kiosk();
        var holder = await CardHolder();
        var (session, bound) = await Session(kiosk, holder);
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);

        var printed = await Print(kiosk, session);
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        var text = await printed.Content.ReadAsStringAsync();
        var document = JsonDocument.Parse(text).RootElement;
        Assert.Equal(holder.Name, document.GetProperty("holder").Str("name"));
        Assert.Equal("131016", document.Str("issuedBy"));
        Assert.Equal(kioskId, document.Str("kiosk"));
        Assert.DoesNotContain("individualNumber", text, StringComparison.OrdinalIgnoreCase);

        var code = document.Str("verificationCode");
        var anonymous = fixture.Api.CreateClient();
        var verified = await anonymous.GetAsync($"/v1/document-verifications/{code}");
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var verification = await verified.Json();
        // The code alone confirms the document, never whose it is (no oracle of names behind codes).
        Assert.Equal(JsonValueKind.Null, verification.GetProperty("holderName").ValueKind);
        Assert.DoesNotContain(holder.Name, await verified.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("resident-record-copy", verification.Str("kind"));
        Assert.Equal(document.Str("contentDigest"), verification.Str("contentDigest"));
        Assert.Equal(document.Str("documentId"), verification.Str("documentId"));
        Assert.False(verification.TryGetProperty("holder", out _));

        // Lower case and without dashes still verifies; one changed symbol does not.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/v1/document-verifications/{code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant()}")).StatusCode);
        var forged = (code[0] == 'Z' ? 'Y' : 'Z') + code[1..];
        var refused = await anonymous.GetAsync($"/v1/document-verifications/{forged}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("document.verification-unknown", await Code(refused));

        // With the holder's date of birth, the verifier learns the name; a wrong date is the same 404 as a forged code.
        var named = await anonymous.PostJson($"/v1/document-verifications/{code}", new { dateOfBirth = "1979-08-09" });
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(holder.Name, (await named.Json()).Str("holderName"));
        var wrongDate = await anonymous.PostJson($"/v1/document-verifications/{code}", new { dateOfBirth = "1979-08-10" });
        Assert.Equal(HttpStatusCode.NotFound, wrongDate.StatusCode);
        Assert.Equal("document.verification-unknown", await Code(wrongDate));
        Assert.DoesNotContain(holder.Name, await wrongDate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var forgedWithDate = await anonymous.PostJson($"/v1/document-verifications/{forged}", new { dateOfBirth = "1979-08-09" });
        Assert.Equal("document.verification-unknown", await Code(forgedWithDate));
    }

    [Fact]
    public async Task A_taxation_certificate_prints_that_years_income()
    {
        var (_, kiosk) = await Kiosk();
        var holder = await CardHolder();
        (await _clerk.PostJson($"/v1/persons/{holder.PersonId}/income-summaries", new { fiscalYear = 2025, totalIncomeYen = 4_800_000, taxableIncomeYen = 2_900_000 }))
            .EnsureSuccessStatusCode();

        var (session, _) = await Session(kiosk, holder);
        var printed = await Print(kiosk, session, "taxation-certificate", 2025);
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        var document = await printed.Json();
        Assert.Equal(4_800_000, document.GetProperty("totalIncomeYen").GetInt64());
        Assert.Equal(2025, document.GetProperty("fiscalYear").GetInt32());

        var (other, _) = await Session(kiosk, holder);
        var missing = await Print(kiosk, other, "taxation-certificate", 2019);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal("kiosk.no-taxation-record", await Code(missing));
    }

    [Fact]
    public async Task A_session_serves_one_kiosk_one_card_and_one_request()
    {
        var (_, kiosk) = await Kiosk();
        var (_, otherKiosk) = await Kiosk();
        var holder = await CardHolder();
        var (session, _) = await Session(kiosk, holder);

        var elsewhere = await Print(otherKiosk, session);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal("kiosk.session-unknown", await Code(elsewhere));

        var first = await (await Print(kiosk, session)).Json();
        var retried = await (await Print(kiosk, session)).Json();
        Assert.Equal(first.Str("documentId"), retried.Str("documentId"));
        Assert.Equal(first.Str("verificationCode"), retried.Str("verificationCode"));

        var second = await Print(kiosk, session, "taxation-certificate", 2025);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("kiosk.session-used", await Code(second));

        var rebind = await kiosk.PostJson($"/v1/kiosk-sessions/{session}/card", new { certificateSerial = holder.Serial, signature = Convert.ToBase64String(new byte[64]) });
        Assert.Equal(HttpStatusCode.Conflict, rebind.StatusCode);
        Assert.Equal("kiosk.session-card-bound", await Code(rebind));

        var unbound = (await (await kiosk.PostJson("/v1/kiosk-sessions", new { })).Json()).Str("sessionId");
        var noCard = await Print(kiosk, unbound);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noCard.StatusCode);
        Assert.Equal("kiosk.session-no-card", await Code(noCard));
    }

    [Fact]
    public async Task A_withdrawn_or_unregistered_kiosk_opens_no_session()
    {
        var (kioskId, kiosk) = await Kiosk();
        (await _operator.PostJson($"/v1/kiosks/{kioskId}/withdrawal", new { reason = "store closed" })).EnsureSuccessStatusCode();
        var withdrawn = await kiosk.PostJson("/v1/kiosk-sessions", new { });
        Assert.Equal(HttpStatusCode.Forbidden, withdrawn.StatusCode);
        Assert.Equal("kiosk.not-in-service", await Code(withdrawn));

        var stranger = fixture.ClientFor(Roles.Kiosk, new Dictionary<string, string> { [MynaClaims.Kiosk] = "never-registered" });
        Assert.Equal("kiosk.not-in-service", await Code(await stranger.PostJson("/v1/kiosk-sessions", new { })));

        var terminalToken = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.Forbidden, (await terminalToken.PostJson("/v1/kiosk-sessions", new { })).StatusCode);
    }

    [Fact]
    public async Task Outside_its_service_hours_a_kiosk_prints_nothing()
    {
        var japanNow = fixture.SiloClock.GetUtcNow().ToOffset(TimeSpan.FromHours(9));
        var opens = TimeOnly.FromDateTime(japanNow.AddHours(2).DateTime);
        var closes = TimeOnly.FromDateTime(japanNow.AddHours(3).DateTime);
        var (_, kiosk) = await Kiosk(new
        {
            opens = opens.ToString("HH:mm", CultureInfo.InvariantCulture),
            closes = closes.ToString("HH:mm", CultureInfo.InvariantCulture),
        });
        var holder = await CardHolder();
        var (session, _) = await Session(kiosk, holder);

        var refused = await Print(kiosk, session);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("kiosk.outside-service-hours", await Code(refused));
    }

    [Fact]
    public async Task Holders_under_fifteen_are_refused()
    {
        var (_, kiosk) = await Kiosk();
        var child = await CardHolder(DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-12).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var (session, bound) = await Session(kiosk, child);
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);

        var refused = await Print(kiosk, session);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("kiosk.under-fifteen", await Code(refused));
    }

    [Fact]
    public async Task A_protection_measure_stops_kiosk_issuance_until_the_municipality_lifts_it()
    {
        var (_, kiosk) = await Kiosk();
        var holder = await CardHolder();
        var put = new HttpRequestMessage(HttpMethod.Put, $"/v1/persons/{holder.PersonId}/protection-measure")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reason = "domestic-violence" }),
        };
        Assert.Equal(HttpStatusCode.OK, (await _clerk.SendAsync(put)).StatusCode);

        var (session, _) = await Session(kiosk, holder);
        var refused = await Print(kiosk, session);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("kiosk.protection-measure", await Code(refused));

        var otherMunicipality = fixture.Municipality("271004");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMunicipality.DeleteAsync($"/v1/persons/{holder.PersonId}/protection-measure")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _clerk.DeleteAsync($"/v1/persons/{holder.PersonId}/protection-measure")).StatusCode);
        var (again, _) = await Session(kiosk, holder);
        Assert.Equal(HttpStatusCode.OK, (await Print(kiosk, again)).StatusCode);
    }

    [Fact]
    public async Task After_a_move_out_or_death_the_kiosk_prints_nothing()
    {
        var (_, kiosk) = await Kiosk();
        var emigrant = await CardHolder();
        var deceased = await CardHolder();
        // Cards bound before the record closed: the person's record refuses the request itself.
        var (emigrantSession, _) = await Session(kiosk, emigrant);
        var (deceasedSession, _) = await Session(kiosk, deceased);
        (await _clerk.PostJson($"/v1/persons/{emigrant.PersonId}/closure", new { reason = "emigrated-abroad", effectiveOn = "2026-11-01" })).EnsureSuccessStatusCode();
        (await _clerk.PostJson($"/v1/persons/{deceased.PersonId}/closure", new { reason = "death", effectiveOn = "2026-11-01" })).EnsureSuccessStatusCode();

        Assert.Equal("kiosk.holder-moved-out", await Code(await Print(kiosk, emigrantSession)));
        Assert.Equal("kiosk.holder-deceased", await Code(await Print(kiosk, deceasedSession)));

        // Closing the record abolished the card, so a new session cannot even bind it.
        var (_, bound) = await Session(kiosk, emigrant);
        Assert.Equal(HttpStatusCode.Unauthorized, bound.StatusCode);
    }

    [Fact]
    public async Task Hundreds_of_parallel_sessions_never_print_one_persons_certificate_for_another()
    {
        const int Holders = 60;
        const int SessionsEach = 5;
        var kiosks = await Task.WhenAll(Enumerable.Range(0, SessionsEach).Select(_ => Kiosk()));
        var holders = new List<Holder>();
        foreach (var batch in Enumerable.Range(0, Holders).Chunk(10))
        {
            holders.AddRange(await Task.WhenAll(batch.Select(_ => CardHolder())));
        }

        // Every holder at every kiosk at once: open, bind, print, all interleaved.
        var runs = holders.SelectMany(h => kiosks.Select(k => (Holder: h, Kiosk: k.Client))).ToList();
        var printed = await Task.WhenAll(runs.Select(async run =>
        {
            var (session, bound) = await Session(run.Kiosk, run.Holder);
            Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
            var response = await Print(run.Kiosk, session);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (run.Holder, Document: await response.Json());
        }));

        Assert.Equal(Holders * SessionsEach, printed.Length);
        foreach (var (holder, document) in printed)
        {
            Assert.Equal(holder.Name, document.GetProperty("holder").Str("name"));
        }
        Assert.Equal(printed.Length, printed.Select(p => p.Document.Str("documentId")).Distinct().Count());
        Assert.Equal(printed.Length, printed.Select(p => p.Document.Str("verificationCode")).Distinct().Count());

        // And every verification code names the holder it was printed for.
        var anonymous = fixture.Api.CreateClient();
        foreach (var (holder, document) in printed.Where((_, i) => i % 10 == 0))
        {
            var verification = await (await anonymous.PostJson($"/v1/document-verifications/{document.Str("verificationCode")}", new { dateOfBirth = "1979-08-09" })).Json();
            Assert.Equal(holder.Name, verification.Str("holderName"));
            Assert.Equal(document.Str("documentId"), verification.Str("documentId"));
        }
    }

    [Fact]
    public async Task Clinic_checks_and_kiosk_prints_at_once_each_answer_and_ledger_row_for_its_own_person()
    {
        // Invariant 15 under the check's group commit, warm caches and stateless challenges: many persons'
        // checks share a ledger transaction and a consumed-challenge transaction while kiosks print for others.
        var clinics = new ClinicWorld(fixture);
        var (insurerNumber, insurer) = await clinics.Insurer();
        var reception = await clinics.Reception();
        var kiosk = await Kiosk();
        var patients = new List<Patient>();
        foreach (var batch in Enumerable.Range(0, 10).Chunk(5))
        {
            patients.AddRange(await Task.WhenAll(batch.Select(async _ =>
            {
                var patient = await clinics.Patient();
                await clinics.Enrol(insurer, insurerNumber, patient);
                await clinics.RegisterForInsurance(patient);
                return patient;
            })));
        }

        var work = patients.SelectMany(p => Enumerable.Range(0, 6).Select(i => (Patient: p, Kiosk: i % 3 == 2))).ToList();
        var answers = await Task.WhenAll(work.Select(async run =>
        {
            if (!run.Kiosk)
            {
                var check = await ClinicWorld.CheckWithPin(reception, run.Patient);
                Assert.Equal(HttpStatusCode.OK, check.StatusCode);
                return (run.Patient, Name: (await check.Json()).Str("patientName"));
            }
            var opened = await (await kiosk.Client.PostJson("/v1/kiosk-sessions", new { })).Json();
            var nonce = Convert.FromBase64String(opened.Str("nonce"));
            var bound = await kiosk.Client.PostJson($"/v1/kiosk-sessions/{opened.Str("sessionId")}/card", new
            {
                certificateSerial = run.Patient.Serial,
                signature = Convert.ToBase64String(run.Patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, nonce)),
            });
            Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
            var printed = await Print(kiosk.Client, opened.Str("sessionId"));
            Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
            return (run.Patient, Name: (await printed.Json()).GetProperty("holder").Str("name"));
        }));

        Assert.All(answers, a => Assert.Equal(a.Patient.Name, a.Name));
        foreach (var patient in patients)
        {
            var ledger = (await (await clinics.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger?limit=200")).Json())
                .EnumerateArray().ToList();
            Assert.Equal(4, ledger.Count(e => e.Str("what") == "eligibility-check:eligible"));
            Assert.All(ledger.Where(e => e.Str("what").StartsWith("eligibility-check", StringComparison.Ordinal)),
                e => Assert.Equal(reception.Institution, e.Str("accessor")));
        }
    }

    [Fact]
    public async Task A_kiosk_sessions_signature_serves_that_kiosk_only_never_a_relying_party_or_the_portal()
    {
        var holder = await CardHolder();
        var (_, kiosk) = await Kiosk();
        var opened = await (await kiosk.PostJson("/v1/kiosk-sessions", new { })).Json();
        var nonce = opened.Str("nonce");
        var signature = Convert.ToBase64String(holder.Chip.Sign(ChipKey.UserAuthentication, Pin, Convert.FromBase64String(nonce)));
        var anonymous = fixture.Api.CreateClient();

        // Someone who caught the signature offers it to a relying party, and to the portal.
        var relyingParty = await anonymous.PostJson("/v1/auth/challenge-responses", new { challenge = nonce, audience = "relying-party:test-bank", certificateSerial = holder.Serial, signature });
        var portal = await anonymous.PostJson("/v1/portal/sessions", new { challenge = nonce, certificateSerial = holder.Serial, signature });
        var (otherId, otherKiosk) = await Kiosk();
        var elsewhere = await otherKiosk.PostJson($"/v1/kiosk-sessions/{opened.Str("sessionId")}/card", new { certificateSerial = holder.Serial, signature });

        Assert.Equal(HttpStatusCode.Unauthorized, relyingParty.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, portal.StatusCode);
        Assert.True(elsewhere.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"another kiosk ({otherId}) got {elsewhere.StatusCode}");
        // The kiosk it was made for still binds the card with it.
        var bound = await kiosk.PostJson($"/v1/kiosk-sessions/{opened.Str("sessionId")}/card", new { certificateSerial = holder.Serial, signature });
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api.Authorization;

/// <summary>
/// The second gate, route by route (issue 16, part 7): for each scoped route a world of its own, a positive
/// control (right role and scope, valid body: 2xx), the same request with an in-role token of the wrong
/// scope (403 with a stable code, or 404 where the route answers "not yours" like "not there"), and the
/// stream versions re-read to prove the refusal wrote nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class ScopeMatrixTests(ApiFixture fixture)
{
    private const string Home = "131016";
    private const string Elsewhere = "272019";

    /// <summary>Today, as the date of a move that has just happened or is about to.</summary>
    private static readonly string Soon = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Wrong-scope cells that are NOT refused today, with what happens instead. The test passes while they
    /// misbehave as written here, and FAILS once a route refuses correctly: then delete its entry (a ratchet).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> PendingScopeRules = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    /// <summary>Scoped routes without a scope cell (no positive control) yet: printed by the test, never skipped silently.</summary>
    public static readonly IReadOnlySet<string> NoPositiveControlYet = new HashSet<string>(StringComparer.Ordinal)
    {
    };

    /// <summary>A refusal the wrong scope may get: these statuses, with one of these stable codes.</summary>
    private sealed record Refusal(int[] Statuses, string[] Codes)
    {
        public override string ToString() => $"{string.Join("/", Statuses)} {string.Join("|", Codes)}";
    }

    private static readonly Refusal OtherMunicipality = new([403], ["person.other-municipality", "access.other-municipality"]);
    private static readonly Refusal OtherMunicipalityCard = new([403, 404], ["person.other-municipality", "access.other-municipality", "card.other-municipality", "card.not-found"]);
    private static readonly Refusal NotFoundForOthers = new([404], ["individual-number.not-found", "person.not-found"]);
    private static readonly Refusal NotTheHolder = new([403, 404], ["person.not-found", "card.not-found", "procedure.not-found", "access.not-the-holder"]);
    private static readonly Refusal ConsentNotYours = new([403, 404], ["consent.not-found", "access.not-the-holder"]);
    private static readonly Refusal OtherAgencyProcedure = new([403, 404], ["procedure.not-found", "access.other-agency"]);
    private static readonly Refusal OtherInsurer = new([403], ["insurer.other-insurer", "access.other-insurer"]);
    private static readonly Refusal OtherKiosk = new([403, 404], ["kiosk.session-unknown", "access.other-kiosk"]);
    private static readonly Refusal OtherAgency = new([403, 404], ["agency-code.not-found", "access.other-agency"]);

    /// <summary>One cell: who is right, who is wrong, the request, the streams that must not move, the refusal expected.</summary>
    private sealed record Cell(HttpClient Right, HttpClient Wrong, Func<HttpClient, Task<HttpResponseMessage>> Send, string[] Streams, Refusal Expected)
    {
        /// <summary>Values of the right scope's person (number, name, ids) the wrong scope's answer must not contain.</summary>
        public string[] MustNotLeak { get; init; } = [];

        /// <summary>
        /// For anonymous routes whose scope is proof in the body (a chip signature, a refresh token): the wrong
        /// scope's request, with the proof that is not for here. Null: the same request with the wrong client.
        /// </summary>
        public Func<HttpClient, Task<HttpResponseMessage>>? SendWrong { get; init; }
    }

    /// <summary>
    /// For <c>/v1/me</c> routes, which name no object: the request always acts on the token's own person, so another
    /// resident's token running it touches none of the right person's streams and gets none of their data back
    /// (its answer is about itself, or a refusal). The twin <c>/v1/residents/{personId}</c> routes carry the 403 cells.
    /// </summary>
    private static readonly Refusal SelfOnly = new([], ["(answers about the token's own person or inbox only)"]);

    private Cell Me(Patient patient, Func<HttpClient, Task<HttpResponseMessage>> send) =>
        AsHolder(patient, send) with { Expected = SelfOnly, MustNotLeak = [patient.PersonId, patient.Name, patient.Number, patient.CardId] };

    private delegate Task<Cell> CellBuilder(ScopeMatrixTests world);

    /// <summary>Every scope cell, keyed by the route it covers ("METHOD pattern" exactly as in <see cref="RouteTable"/>).</summary>
    private static readonly IReadOnlyDictionary<string, CellBuilder> Cells = new Dictionary<string, CellBuilder>(StringComparer.Ordinal)
    {
        // Persons: a clerk of 131016 registered the person; a clerk of 272019 tries.
        ["GET /v1/persons/{personId}"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.GetAsync($"/v1/persons/{p.Id}"));
        },
        ["POST /v1/persons/{personId}/individual-number"] = async w =>
        {
            var p = await w.Person(withNumber: false);
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/individual-number", new { }));
        },
        ["POST /v1/persons/{personId}/moves"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/moves", new { newAddress = "東京都港区芝公園4-2-8", movedOn = "2025-04-01" }));
        },
        ["POST /v1/persons/{personId}/move-outs"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/move-outs", new { destinationMunicipality = "271403", plannedMoveOn = Soon }));
        },
        ["POST /v1/persons/{personId}/move-outs/cancellation"] = async w =>
        {
            var p = await w.Person();
            (await w._clerk.PostJson($"/v1/persons/{p.Id}/move-outs", new { destinationMunicipality = "271403", plannedMoveOn = Soon })).EnsureSuccessStatusCode();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/move-outs/cancellation", new { }));
        },
        // The destination named by the move-out moves the person in; any other municipality gets the one 404.
        ["POST /v1/move-ins"] = async w =>
        {
            var p = await w.Person();
            var moveOut = await w._clerk.PostJson($"/v1/persons/{p.Id}/move-outs", new { destinationMunicipality = Elsewhere, plannedMoveOn = Soon });
            moveOut.EnsureSuccessStatusCode();
            var reference = (await moveOut.Json()).Str("transferReference");
            return new Cell(w._otherClerk, w._thirdClerk,
                c => c.PostJson("/v1/move-ins", new { transferReference = reference, newAddress = "大阪府大阪市北区1-1", movedOn = Soon }),
                [$"person/{p.Id}"], new Refusal([404], ["transfer.not-found"]));
        },
        ["POST /v1/persons/{personId}/name-changes"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/name-changes", new { newName = "鈴木 花子" }));
        },
        ["POST /v1/persons/{personId}/closure"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/closure", new { reason = "death", effectiveOn = "2025-01-10" }));
        },
        ["POST /v1/persons/{personId}/disability-certificates"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/disability-certificates", Certificate(NewCertificateNumber())));
        },
        ["PUT /v1/persons/{personId}/disability-certificates/{certificateNumber}"] = async w =>
        {
            var (p, number) = await w.PersonWithCertificate();
            return w.OnPerson(p, c => c.PutAsJsonAsync($"/v1/persons/{p.Id}/disability-certificates/{number}", new { grade = "1級" }));
        },
        ["POST /v1/persons/{personId}/disability-certificates/{certificateNumber}/expiry"] = async w =>
        {
            var (p, number) = await w.PersonWithCertificate();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/disability-certificates/{number}/expiry", new { expiredOn = "2025-03-31" }));
        },
        ["POST /v1/persons/{personId}/income-summaries"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/income-summaries", new { fiscalYear = 2024, totalIncomeYen = 5_000_000, taxableIncomeYen = 3_200_000 }));
        },
        ["POST /v1/persons/{personId}/identity-verifications"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/identity-verifications", new
            {
                procedure = "児童手当認定請求",
                helpedBy = "clerk-matrix",
                documents = new object[] { new { kind = "resident-record-with-number", individualNumber = p.Number }, new { kind = "drivers-licence" } },
            }));
        },
        ["POST /v1/persons/{personId}/individual-number/replacement"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/individual-number/replacement", new { leakDecisionReference = "LEAK-" + Guid.NewGuid().ToString("N")[..8] }));
        },
        ["POST /v1/persons/{personId}/personal-data-erasure"] = async w =>
        {
            var p = await w.Person();
            (await w._clerk.PostJson($"/v1/persons/{p.Id}/closure", new { reason = "death", effectiveOn = "2025-01-10" })).EnsureSuccessStatusCode();
            // After the record's retention (150 years): the silo clock is moved there for the two calls only.
            async Task<HttpResponseMessage> Send(HttpClient c)
            {
                w.MoveSiloClock(TimeSpan.FromDays(366 * 151));
                try
                {
                    return await c.PostJson($"/v1/persons/{p.Id}/personal-data-erasure", new { legalBasis = "住民基本台帳法施行令第34条" });
                }
                finally
                {
                    w.MoveSiloClock(TimeSpan.Zero);
                }
            }
            return w.OnPerson(p, Send);
        },
        ["POST /v1/persons/{personId}/individual-number/replacement/approval"] = async w =>
        {
            var p = await w.Person();
            Assert.Equal(HttpStatusCode.Accepted, (await w._requestingClerk.PostJson($"/v1/persons/{p.Id}/individual-number/replacement",
                new { leakDecisionReference = "LEAK-" + Guid.NewGuid().ToString("N")[..8] })).StatusCode);
            return w.OnPerson(p, c => c.PostJson($"/v1/persons/{p.Id}/individual-number/replacement/approval", new { }));
        },
        ["POST /v1/persons/{personId}/personal-data-erasure/approval"] = async w =>
        {
            var p = await w.Person();
            (await w._clerk.PostJson($"/v1/persons/{p.Id}/closure", new { reason = "death", effectiveOn = "2025-01-10" })).EnsureSuccessStatusCode();
            // After the record's retention (150 years): the silo clock is moved there for the calls only.
            async Task<HttpResponseMessage> AfterRetention(Func<Task<HttpResponseMessage>> send)
            {
                w.MoveSiloClock(TimeSpan.FromDays(366 * 151));
                try
                {
                    return await send();
                }
                finally
                {
                    w.MoveSiloClock(TimeSpan.Zero);
                }
            }
            Assert.Equal(HttpStatusCode.Accepted, (await AfterRetention(() => w._requestingClerk.PostJson($"/v1/persons/{p.Id}/personal-data-erasure",
                new { legalBasis = "住民基本台帳法施行令第34条" }))).StatusCode);
            return w.OnPerson(p, c => AfterRetention(() => c.PostJson($"/v1/persons/{p.Id}/personal-data-erasure/approval", new { })));
        },
        ["POST /v1/persons/lookup"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson("/v1/persons/lookup", new { individualNumber = p.Number }), NotFoundForOthers);
        },
        ["PUT /v1/persons/{personId:guid}/protection-measure/"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PutAsJsonAsync($"/v1/persons/{p.Id}/protection-measure", new { reason = "domestic-violence" }));
        },
        ["DELETE /v1/persons/{personId:guid}/protection-measure/"] = async w =>
        {
            var p = await w.Person();
            (await w._clerk.PutAsJsonAsync($"/v1/persons/{p.Id}/protection-measure", new { reason = "stalking" })).EnsureSuccessStatusCode();
            return w.OnPerson(p, c => c.DeleteAsync($"/v1/persons/{p.Id}/protection-measure"));
        },

        // Cards managed by 131016.
        ["POST /v1/cards/"] = async w =>
        {
            var p = await w.Person();
            return w.OnPerson(p, c => c.PostJson("/v1/cards", new { personId = p.Id, channel = "counter" }));
        },
        ["GET /v1/cards/{cardId}"] = async w =>
        {
            var card = await w.AppliedCard();
            return w.OnCard(card, c => c.GetAsync($"/v1/cards/{card.CardId}"), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/ready-for-pickup"] = async w =>
        {
            var card = await w.AppliedCard(produced: true);
            return w.OnCard(card, c => c.PostJson($"/v1/cards/{card.CardId}/ready-for-pickup", new { }), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/abolition"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/abolition", new { reason = "returned" }), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/driving-licence"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/driving-licence", new { licenceNumber = "301234567890" }), OtherMunicipalityCard);
        },

        ["POST /v1/cards/{cardId}/handover"] = async w =>
        {
            var card = await w.AppliedCard(produced: true);
            (await w._clerk.PostJson($"/v1/cards/{card.CardId}/ready-for-pickup", new { })).EnsureSuccessStatusCode();
            var chip = SimulatedCard.WithPins("4321", CounterProofs.SignaturePassword);
            var url = $"/v1/cards/{card.CardId}";
            // Fresh key proofs for each call, from the managing counter (invariant 19).
            return w.OnCard(card, async c => await c.PostJson($"{url}/handover", await CounterProofs.Handover(w._clerk, url, chip, "4321")), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/driving-licence/unlink"] = async w =>
        {
            var patient = await w._clinics.Patient();
            (await w._clerk.PostJson($"/v1/cards/{patient.CardId}/driving-licence", new { licenceNumber = "301234567890" })).EnsureSuccessStatusCode();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/driving-licence/unlink", new { }), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/pin-locks"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/pin-locks", new { pin = "user-authentication-pin" }), OtherMunicipalityCard);
        },

        ["POST /v1/cards/{cardId}/pin-resets"] = async w =>
        {
            var patient = await w._clinics.Patient();
            (await w._clerk.PostJson($"/v1/cards/{patient.CardId}/pin-locks", new { pin = "user-authentication-pin" })).EnsureSuccessStatusCode();
            // The locked chip cannot sign: the counter records the holder's photo ID first.
            (await w._clerk.PostJson($"/v1/cards/{patient.CardId}/identity-verifications", new { documents = new[] { "drivers-licence" } })).EnsureSuccessStatusCode();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/pin-resets", new { pin = "user-authentication-pin" }), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/resumption"] = async w =>
        {
            var patient = await w._clinics.Patient();
            (await w._clinics.Holder(patient).PostJson($"/v1/cards/{patient.CardId}/suspension", new { reason = "lost" })).EnsureSuccessStatusCode();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), async c =>
            {
                // The suspended card's key signs for its own resumption; a new signature key proves itself.
                var presence = await CounterProofs.Presence(w._clerk, patient.CardUrl, patient.Chip);
                patient.Chip.RegenerateSignatureKey();
                return await c.PostJson($"/v1/cards/{patient.CardId}/resumption", new
                {
                    cardPresence = presence,
                    newSignaturePublicKey = patient.Chip.PublicKey(ChipKey.Signature),
                    signatureKeyProof = await CounterProofs.KeyProof(w._clerk, patient.CardUrl, patient.Chip, ChipKey.Signature, CounterProofs.SignaturePassword),
                });
            }, OtherMunicipalityCard);
        },

        ["POST /v1/cards/{cardId}/conversion"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), async c => await c.PostJson($"/v1/cards/{patient.CardId}/conversion",
                new { faceAuthentication = true, cardPresence = await CounterProofs.Presence(w._clerk, patient.CardUrl, patient.Chip) }), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/counter-challenges"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/counter-challenges", new { purpose = "key-proof" }), OtherMunicipalityCard);
        },
        ["POST /v1/cards/{cardId}/identity-verifications"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.OnCard(new CardWorld(patient.PersonId, patient.CardId), c => c.PostJson($"/v1/cards/{patient.CardId}/identity-verifications", new { documents = new[] { "drivers-licence" } }), OtherMunicipalityCard);
        },

        // The holder's own card and record: another resident's token.
        ["POST /v1/cards/{cardId}/suspension"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/cards/{patient.CardId}/suspension", new { reason = "lost" }));
        },
        // The resident's own move-out: another resident's token acts on its own (unknown) person, never this one.
        ["POST /v1/me/move-outs"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson("/v1/me/move-outs", new { destinationMunicipality = "271403", plannedMoveOn = Soon }));
        },
        ["POST /v1/cards/{cardId}/smartphones"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/cards/{patient.CardId}/smartphones", new { deviceId = "phone-" + Guid.NewGuid().ToString("N")[..8] }));
        },
        ["POST /v1/cards/{cardId:guid}/insurance-registration/"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/cards/{patient.CardId}/insurance-registration", new { channel = "portal" }));
        },
        ["POST /v1/cards/{cardId}/smartphones/unlink"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var device = "phone-" + Guid.NewGuid().ToString("N")[..8];
            (await w._clinics.Holder(patient).PostJson($"/v1/cards/{patient.CardId}/smartphones", new { deviceId = device })).EnsureSuccessStatusCode();
            return w.AsHolder(patient, c => c.PostJson($"/v1/cards/{patient.CardId}/smartphones/unlink", new { deviceId = device }));
        },
        ["POST /v1/cards/{cardId:guid}/insurance-registration/cancellation"] = async w =>
        {
            var patient = await w._clinics.Patient();
            await w._clinics.RegisterForInsurance(patient);
            return w.AsHolder(patient, c => c.PostJson($"/v1/cards/{patient.CardId}/insurance-registration/cancellation", new { }));
        },
        ["GET /v1/residents/{personId:guid}/income-information"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/residents/{patient.PersonId}/income-information"));
        },
        ["POST /v1/residents/{personId:guid}/cards/{cardId:guid}/loss-report"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/cards/{patient.CardId}/loss-report", new { }));
        },
        ["POST /v1/residents/{personId:guid}/proxies"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var proxy = await w.Person();
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/proxies", new { proxyPersonId = proxy.Id, rights = new[] { "view" } }));
        },
        ["DELETE /v1/residents/{personId:guid}/proxies/{proxyPersonId:guid}"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var proxy = await w.Person();
            (await w._clinics.Holder(patient).PostJson("/v1/me/proxies", new { proxyPersonId = proxy.Id, rights = new[] { "view" } })).EnsureSuccessStatusCode();
            return w.AsHolder(patient, c => c.DeleteAsync($"/v1/residents/{patient.PersonId}/proxies/{proxy.Id}"));
        },
        ["POST /v1/residents/{personId:guid}/individual-number/reveal"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/individual-number/reveal", new { }));
        },
        ["POST /v1/residents/{personId:guid}/confirmation-document-requests"] = async w =>
        {
            var (patient, _) = await w._clinics.InsuredPatient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/confirmation-document-requests", new { }));
        },
        ["POST /v1/residents/{personId:guid}/cards/{cardId:guid}/insurance-registration"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/cards/{patient.CardId}/insurance-registration", new { }));
        },
        ["POST /v1/me/cards/{cardId:guid}/insurance-registration"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/me/cards/{patient.CardId}/insurance-registration", new { }));
        },
        ["POST /v1/me/cards/{cardId:guid}/loss-report"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.PostJson($"/v1/me/cards/{patient.CardId}/loss-report", new { }));
        },
        ["POST /v1/residents/{personId:guid}/card-applications"] = async w =>
        {
            var p = await w.Person();
            return w.AsResident(p.Id, c => c.PostJson($"/v1/residents/{p.Id}/card-applications", new { channel = "smartphone" }));
        },

        // Online procedures: the resident's own submissions; the receiving agency's inbox.
        ["POST /v1/persons/{personId:guid}/procedures/"] = async w =>
        {
            var p = await w.ProcedurePerson();
            return w.AsResident(p, c => c.PostJson($"/v1/persons/{p}/procedures", new { kind = "child-allowance" }));
        },
        ["GET /v1/persons/{personId:guid}/procedures/{submissionId:guid}"] = async w =>
        {
            var (p, id) = await w.Submission();
            return w.AsResident(p, c => c.GetAsync($"/v1/persons/{p}/procedures/{id}"), $"procedure/{id}");
        },
        ["POST /v1/persons/{personId:guid}/procedures/{submissionId:guid}/resubmission"] = async w =>
        {
            var (p, id) = await w.Submission();
            (await w.Agency("welfare-office").PostJson($"/v1/agency-procedures/{id}/return", new { reason = "所得の申告が必要です。" })).EnsureSuccessStatusCode();
            return w.AsResident(p, c => c.PostJson($"/v1/persons/{p}/procedures/{id}/resubmission", new { }), $"procedure/{id}");
        },
        ["GET /v1/agency-procedures/{submissionId:guid}"] = async w =>
        {
            var (p, id) = await w.Submission();
            return new Cell(w.Agency("welfare-office"), w.Agency("pension-service"), c => c.GetAsync($"/v1/agency-procedures/{id}"), [$"procedure/{id}", $"person/{p}"], OtherAgencyProcedure);
        },
        ["POST /v1/agency-procedures/{submissionId:guid}/acceptance"] = async w =>
        {
            var (p, id) = await w.Submission();
            return new Cell(w.Agency("welfare-office"), w.Agency("pension-service"), c => c.PostJson($"/v1/agency-procedures/{id}/acceptance", new { }), [$"procedure/{id}", $"person/{p}"], OtherAgencyProcedure);
        },
        ["POST /v1/agency-procedures/{submissionId:guid}/return"] = async w =>
        {
            var (p, id) = await w.Submission();
            return new Cell(w.Agency("welfare-office"), w.Agency("pension-service"), c => c.PostJson($"/v1/agency-procedures/{id}/return", new { reason = "添付書類が不足しています。" }), [$"procedure/{id}", $"person/{p}"], OtherAgencyProcedure);
        },
        ["POST /v1/agency-procedures/{submissionId:guid}/decision"] = async w =>
        {
            var (p, id) = await w.Submission();
            (await w.Agency("welfare-office").PostJson($"/v1/agency-procedures/{id}/acceptance", new { })).EnsureSuccessStatusCode();
            return new Cell(w.Agency("welfare-office"), w.Agency("pension-service"), c => c.PostJson($"/v1/agency-procedures/{id}/decision", new { outcome = "approved", note = "支給決定" }), [$"procedure/{id}", $"person/{p}"], OtherAgencyProcedure);
        },
        ["POST /v1/residents/{personId:guid}/app-consents"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (appId, _) = await w._portal.App("insurance-qualifications");
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/app-consents",
                new { appId, items = InsuranceItems, validUntil = DateTimeOffset.UtcNow.AddDays(30) }));
        },
        ["POST /v1/residents/{personId:guid}/app-consents/{consentId:guid}/revocation"] = async w =>
        {
            var (patient, consent, _, _) = await w.Consent();
            return w.AsHolder(patient, c => c.PostJson($"/v1/residents/{patient.PersonId}/app-consents/{consent.Str("consentId")}/revocation", new { }));
        },
        ["POST /v1/me/app-consents/{consentId:guid}/revocation"] = async w =>
        {
            var (patient, consent, _, _) = await w.Consent();
            return w.AsHolder(patient, c => c.PostJson($"/v1/me/app-consents/{consent.Str("consentId")}/revocation", new { }), ConsentNotYours);
        },
        ["GET /v1/app-access/residents/{code}/{item}"] = async w =>
        {
            var (patient, consent, _, app) = await w.Consent();
            var (_, otherApp) = await w._portal.App("insurance-qualifications");
            return new Cell(app, otherApp, c => c.GetAsync($"/v1/app-access/residents/{consent.Str("appUserCode")}/insurance-qualifications"),
                [$"person/{patient.PersonId}", $"portal/{patient.PersonId}"], new Refusal([403, 404], ["app-code.not-found", "app.consent-missing", "consent.none", "access.other-app"]));
        },
        ["GET /v1/persons/{personId:guid}/insurance"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/persons/{patient.PersonId}/insurance"));
        },
        ["GET /v1/persons/{personId:guid}/clinic-consents"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/persons/{patient.PersonId}/clinic-consents"));
        },
        ["GET /v1/persons/{personId:guid}/clinic-ledger"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger"));
        },
        ["GET /v1/persons/{personId:guid}/medical-information"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/persons/{patient.PersonId}/medical-information"));
        },
        ["GET /v1/persons/{personId:guid}/procedures/"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/persons/{patient.PersonId}/procedures"));
        },
        // Anonymous routes whose scope is the proof in the body: a signature for another purpose or audience, a refresh token not of this session.
        ["POST /v1/auth/challenge-responses"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var anonymous = w.Anonymous();
            var challenge = (await (await anonymous.PostJson("/v1/auth/challenges", new { purpose = "relying-party", audience = "relying-party:bank-a" })).Json()).Str("challenge");
            var signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(challenge)));
            object Body(string audience) => new { challenge, audience, certificateSerial = patient.Serial, signature };
            return new Cell(anonymous, anonymous, c => c.PostJson("/v1/auth/challenge-responses", Body("relying-party:bank-a")),
                [$"card/{patient.CardId}", $"person/{patient.PersonId}"], new Refusal([401], ["auth.challenge-wrong-purpose"]))
            { SendWrong = c => c.PostJson("/v1/auth/challenge-responses", Body("relying-party:bank-b")) };
        },
        ["POST /v1/portal/sessions/"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var anonymous = w.Anonymous();
            async Task<object> Login(object request)
            {
                var challenge = (await (await anonymous.PostJson("/v1/auth/challenges", request)).Json()).Str("challenge");
                return new
                {
                    challenge,
                    certificateSerial = patient.Serial,
                    signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(challenge))),
                };
            }
            var portal = await Login(new { purpose = "portal-login", audience = "portal" });
            var relyingParty = await Login(new { purpose = "relying-party", audience = "relying-party:bank-a" });
            return new Cell(anonymous, anonymous, c => c.PostJson("/v1/portal/sessions", portal),
                [$"portal/{patient.PersonId}", $"person/{patient.PersonId}"], new Refusal([401], ["auth.challenge-wrong-purpose"]))
            { SendWrong = c => c.PostJson("/v1/portal/sessions", relyingParty) };
        },
        ["POST /v1/portal/sessions/refresh"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (_, tokens) = await w._portal.LoggedIn(patient);
            var token = tokens.Str("refreshToken");
            var parts = token.Split('.');
            var notThisSession = string.Join('.', Guid.NewGuid().ToString("N"), parts[1], parts[2]);
            var anonymous = w.Anonymous();
            return new Cell(anonymous, anonymous, c => c.PostJson("/v1/portal/sessions/refresh", new { refreshToken = token }),
                [$"portal/{patient.PersonId}"], new Refusal([401], ["portal.session-invalid"]))
            { SendWrong = c => c.PostJson("/v1/portal/sessions/refresh", new { refreshToken = notThisSession }) };
        },
        ["DELETE /v1/portal/sessions/current"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (portal, _) = await w._portal.LoggedIn(patient);
            return w.Me(patient, c => c.DeleteAsync("/v1/portal/sessions/current")) with { Right = portal };
        },

        // Information sharing: an agency inside it gets its code for the person; one outside it, nothing.
        ["POST /v1/agency/codes"] = async w =>
        {
            var p = await w.Person();
            var agency = w.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "tax-office" });
            var outsider = w.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "fortune-tellers" });
            return new Cell(agency, outsider, c => c.PostJson("/v1/agency/codes", new { individualNumber = p.Number }),
                [$"person/{p.Id}"], new Refusal([403], ["agency.unknown"])) { MustNotLeak = [p.Number] };
        },

        // An agency's inbox lists its own submissions only: another agency's list never names this one.
        ["GET /v1/agency-procedures/"] = async w =>
        {
            var (p, id) = await w.Submission();
            return new Cell(w.Agency("welfare-office"), w.Agency("pension-service"), c => c.GetAsync("/v1/agency-procedures"),
                [$"procedure/{id}", $"person/{p}"], SelfOnly) { MustNotLeak = [id, p] };
        },

        // The card after a move-in: the new municipality updates its address, the old one no longer can.
        ["POST /v1/cards/{cardId}/address-updates"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var moveOut = await w._clerk.PostJson($"/v1/persons/{patient.PersonId}/move-outs", new { destinationMunicipality = Elsewhere, plannedMoveOn = Soon });
            moveOut.EnsureSuccessStatusCode();
            var reference = (await moveOut.Json()).Str("transferReference");
            (await w._otherClerk.PostJson("/v1/move-ins", new { transferReference = reference, newAddress = "大阪府堺市堺区南瓦町3-1", movedOn = Soon })).EnsureSuccessStatusCode();
            async Task<HttpResponseMessage> Send(HttpClient c) =>
                await c.PostJson($"{patient.CardUrl}/address-updates", new { cardPresence = await CounterProofs.Presence(w._otherClerk, patient.CardUrl, patient.Chip) });
            return new Cell(w._otherClerk, w._clerk, Send, [$"card/{patient.CardId}", $"person/{patient.PersonId}"], OtherMunicipalityCard);
        },

        // Renewal inside its window (the silo clock moved there for the two calls only), by the managing municipality.
        ["POST /v1/cards/{cardId}/certificate-renewals"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var card = await (await w._clerk.GetAsync(patient.CardUrl)).Json();
            var validUntil = DateOnly.Parse(card.GetProperty("certificates")[0].Str("validUntil"), System.Globalization.CultureInfo.InvariantCulture);
            var insideWindow = validUntil.AddMonths(-3).ToDateTime(TimeOnly.MinValue) - DateTime.UtcNow.Date + TimeSpan.FromDays(1);
            async Task<HttpResponseMessage> Send(HttpClient c)
            {
                w.MoveSiloClock(insideWindow);
                try
                {
                    var presence = await CounterProofs.Presence(w._clerk, patient.CardUrl, patient.Chip);
                    var keys = JsonSerializer.SerializeToElement(await CounterProofs.Handover(w._clerk, patient.CardUrl, patient.Chip));
                    return await c.PostJson($"{patient.CardUrl}/certificate-renewals", new
                    {
                        cardPresence = presence,
                        userAuthenticationPublicKey = keys.GetProperty("userAuthenticationPublicKey").GetString(),
                        signaturePublicKey = keys.GetProperty("signaturePublicKey").GetString(),
                        userAuthenticationKeyProof = keys.GetProperty("userAuthenticationKeyProof"),
                        signatureKeyProof = keys.GetProperty("signatureKeyProof"),
                    });
                }
                finally
                {
                    w.MoveSiloClock(TimeSpan.Zero);
                }
            }
            return new Cell(w._clerk, w._otherClerk, Send, [$"card/{patient.CardId}", $"person/{patient.PersonId}"], OtherMunicipalityCard);
        },

        // Disaster mode: a registered terminal of an institution in the area looks up; an unregistered one of the same institution, nothing.
        ["POST /v1/disaster-lookups"] = async w =>
        {
            var now = DateTimeOffset.UtcNow;
            (await w._operator.PostJson("/v1/disasters", new { name = "令和8年 台風", municipalities = new[] { "472018" }, from = now.AddHours(-1), until = now.AddDays(2) }))
                .EnsureSuccessStatusCode();
            var patient = await w._clinics.Patient();
            var mine = await w._clinics.Reception("47");
            var unregistered = w.ClientFor(Roles.Terminal, new Dictionary<string, string>
                { [MynaClaims.Institution] = mine.Institution, [MynaClaims.Terminal] = "desk-not-registered" });
            return new Cell(mine.Client, unregistered,
                c => c.PostJson("/v1/disaster-lookups", new { name = patient.Name, address = patient.Address, dateOfBirth = "1980-05-06", sex = "female", includeMedication = false }),
                [$"person/{patient.PersonId}"], new Refusal([403], ["terminal.unknown"])) { MustNotLeak = [patient.PersonId] };
        },

        // The remote re-issue after a campaign: the old key's signature over a key-proof challenge, never one made for a relying party.
        ["POST /v1/cards/remote-certificate-reissues"] = async w =>
        {
            var (patient, chip, campaignId) = await w.CampaignSuspendedCard();
            var anonymous = w.Anonymous();
            async Task<object> Body(object challengeRequest)
            {
                var challenge = (await (await anonymous.PostJson("/v1/auth/challenges", challengeRequest)).Json()).Str("challenge");
                var payload = Convert.FromBase64String(challenge);
                var oldProof = Convert.ToBase64String(chip.Sign(ChipKey.UserAuthentication, Patient.Pin, payload));
                using var updated = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);
                return new
                {
                    challenge,
                    certificateSerial = patient.Serial,
                    signature = oldProof,
                    userAuthenticationPublicKey = updated.PublicKey(ChipKey.UserAuthentication),
                    signaturePublicKey = updated.PublicKey(ChipKey.Signature),
                    userAuthenticationKeySignature = Convert.ToBase64String(updated.Sign(ChipKey.UserAuthentication, Patient.Pin, payload)),
                    signatureKeySignature = Convert.ToBase64String(updated.Sign(ChipKey.Signature, CounterProofs.SignaturePassword, payload)),
                };
            }
            var right = await Body(new { purpose = "key-proof", audience = "remote-reissue" });
            var wrong = await Body(new { purpose = "relying-party", audience = "relying-party:bank-a" });
            return new Cell(anonymous, anonymous, c => c.PostJson("/v1/cards/remote-certificate-reissues", right),
                [$"card/{patient.CardId}", $"person/{patient.PersonId}", $"campaign/{campaignId}"], new Refusal([401], ["auth.challenge-wrong-purpose"]))
            { SendWrong = c => c.PostJson("/v1/cards/remote-certificate-reissues", wrong) };
        },

        // Registration goes into the clerk's own municipality: a clerk's token without a municipality registers nobody
        // (the policy refuses it first; the person grain refuses a clerk of another municipality, see AggregateAuthorizationTests).
        ["POST /v1/persons/"] = w => Task.FromResult(new Cell(w._clerk, w.ClientFor(Roles.Municipality, new Dictionary<string, string>()),
            c => c.PostJson("/v1/persons", new { name = "登録 一郎", address = "東京都千代田区5-5", dateOfBirth = "1990-01-01", sex = "male", reason = "birth" }),
            [], new Refusal([403], ["auth.forbidden", "access.other-municipality"])) { MustNotLeak = ["登録 一郎"] }),

        ["POST /v1/persons/bulk-registrations"] = w => Task.FromResult(new Cell(w._clerk, w.ClientFor(Roles.Municipality, new Dictionary<string, string>()),
            c => c.PostJson("/v1/persons/bulk-registrations", new[]
            {
                new { id = "line-" + Guid.NewGuid().ToString("N"), name = "一括 一郎", address = "東京都千代田区5-6", dateOfBirth = "1990-01-01", sex = "male", reason = "birth" },
            }),
            [], new Refusal([403], ["auth.forbidden", "access.other-municipality"])) { MustNotLeak = ["一括 一郎"] }),

        ["POST /v1/persons/bulk-registration-jobs"] = w => Task.FromResult(new Cell(w._clerk, w.ClientFor(Roles.Municipality, new Dictionary<string, string>()),
            c => c.PostJson("/v1/persons/bulk-registration-jobs", new[]
            {
                new { id = "line-" + Guid.NewGuid().ToString("N"), name = "一括 二郎", address = "東京都千代田区5-7", dateOfBirth = "1990-01-01", sex = "male", reason = "birth" },
            }),
            [], new Refusal([403], ["auth.forbidden", "access.other-municipality"])) { MustNotLeak = ["一括 二郎"] }),

        // A job is its municipality's: a clerk of another municipality reads nothing of it.
        ["GET /v1/persons/bulk-registration-jobs/{jobId:guid}"] = async w =>
        {
            var line = new { id = "line-" + Guid.NewGuid().ToString("N"), name = "一括 三郎", address = "東京都千代田区5-8", dateOfBirth = "1990-01-01", sex = "male", reason = "birth" };
            var started = await w._clerk.PostJson("/v1/persons/bulk-registration-jobs", new[] { line });
            started.EnsureSuccessStatusCode();
            var location = started.Headers.Location!.ToString();
            return new Cell(w._clerk, w._otherClerk, c => c.GetAsync(location), [], OtherMunicipality) { MustNotLeak = [line.id] };
        },

        // /v1/me: the token's own person only (see SelfOnly).
        ["GET /v1/me/"] = async w => w.Me(await w._clinics.Patient(), c => c.GetAsync("/v1/me")),
        ["GET /v1/me/access-log"] = async w => w.Me(await w._clinics.Patient(), c => c.GetAsync("/v1/me/access-log")),
        ["GET /v1/me/consents"] = async w => w.Me(await w._clinics.Patient(), c => c.GetAsync("/v1/me/consents")),
        ["GET /v1/me/income-information"] = async w => w.Me(await w._clinics.Patient(), c => c.GetAsync("/v1/me/income-information")),
        ["GET /v1/me/notifications"] = async w => w.Me(await w._clinics.Patient(), c => c.GetAsync("/v1/me/notifications")),
        ["GET /v1/me/proxies"] = async w => w.Me(await w._clinics.Patient(), c => c.GetAsync("/v1/me/proxies")),
        ["POST /v1/me/individual-number/reveal"] = async w => w.Me(await w._clinics.Patient(), c => c.PostJson("/v1/me/individual-number/reveal", new { })),
        ["POST /v1/me/card-applications"] = async w => w.Me(await w._clinics.Patient(), c => c.PostJson("/v1/me/card-applications", new { channel = "smartphone" })),
        ["POST /v1/me/confirmation-document-requests"] = async w => w.Me((await w._clinics.InsuredPatient()).Patient, c => c.PostJson("/v1/me/confirmation-document-requests", new { })),
        ["POST /v1/me/app-consents"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (appId, _) = await w._portal.App("insurance-qualifications");
            return w.Me(patient, c => c.PostJson("/v1/me/app-consents", new { appId, items = InsuranceItems, validUntil = DateTimeOffset.UtcNow.AddDays(30) }));
        },
        ["POST /v1/me/proxies"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var proxy = await w.Person();
            return w.Me(patient, c => c.PostJson("/v1/me/proxies", new { proxyPersonId = proxy.Id, rights = new[] { "view" } }));
        },
        ["DELETE /v1/me/proxies/{proxyPersonId:guid}"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var proxy = await w.Person();
            (await w._clinics.Holder(patient).PostJson("/v1/me/proxies", new { proxyPersonId = proxy.Id, rights = new[] { "view" } })).EnsureSuccessStatusCode();
            return w.Me(patient, c => c.DeleteAsync($"/v1/me/proxies/{proxy.Id}"));
        },

        ["GET /v1/residents/{personId:guid}/"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/residents/{patient.PersonId}"));
        },
        ["GET /v1/residents/{personId:guid}/notifications"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/residents/{patient.PersonId}/notifications"));
        },
        ["GET /v1/residents/{personId:guid}/consents"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/residents/{patient.PersonId}/consents"));
        },
        ["GET /v1/residents/{personId:guid}/proxies"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/residents/{patient.PersonId}/proxies"));
        },
        ["GET /v1/residents/{personId:guid}/access-log"] = async w =>
        {
            var patient = await w._clinics.Patient();
            return w.AsHolder(patient, c => c.GetAsync($"/v1/residents/{patient.PersonId}/access-log"));
        },

        // Insurers: the member's insurer against another insurer's token.
        ["POST /v1/insurers/{insurerNumber}/enrolments"] = async w =>
        {
            var (number, insurer) = await w._clinics.Insurer();
            var other = (await w._clinics.Insurer()).Client;
            var patient = await w.Person();
            return new Cell(insurer, other, c => c.PostJson($"/v1/insurers/{number}/enrolments", new
            {
                individualNumber = patient.Number,
                insured = new { symbol = "1234", number = "5678", branch = "01" },
                validFrom = "2020-04-01",
                ceilingCategory = "under-seventy-c",
            }), [$"insurer/{number}", $"person/{patient.Id}"], OtherInsurer);
        },
        ["GET /v1/insurers/{insurerNumber}"] = async w =>
        {
            var (number, insurer) = await w._clinics.Insurer();
            var other = (await w._clinics.Insurer()).Client;
            return new Cell(insurer, other, c => c.GetAsync($"/v1/insurers/{number}"), [$"insurer/{number}"], OtherInsurer);
        },
        ["POST /v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/voiding"] = async w =>
        {
            var (number, insurer, qualification, person) = await w.Qualification();
            var other = (await w._clinics.Insurer()).Client;
            return new Cell(insurer, other, c => c.PostJson($"/v1/insurers/{number}/qualifications/{qualification}/voiding", new { reason = "二重加入" }),
                [$"insurer/{number}", $"person/{person}"], OtherInsurer);
        },
        ["PUT /v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/ceiling-category"] = async w =>
        {
            var (number, insurer, qualification, person) = await w.Qualification();
            var other = (await w._clinics.Insurer()).Client;
            return new Cell(insurer, other, c => c.PutAsJsonAsync($"/v1/insurers/{number}/qualifications/{qualification}/ceiling-category", new { category = "under-seventy-a" }),
                [$"insurer/{number}", $"person/{person}"], OtherInsurer);
        },
        ["POST /v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/loss"] = async w =>
        {
            var (number, insurer, qualification, person) = await w.Qualification();
            var other = (await w._clinics.Insurer()).Client;
            return new Cell(insurer, other, c => c.PostJson($"/v1/insurers/{number}/qualifications/{qualification}/loss", new { lastDay = "2025-03-31", reason = "退職" }),
                [$"insurer/{number}", $"person/{person}"], OtherInsurer);
        },

        // Agencies: a code issued to one agency, used by another.
        ["POST /v1/agency/requests"] = async w =>
        {
            var p = await w.Person();
            var welfare = w.Agency("welfare-office");
            var code = (await (await welfare.PostJson("/v1/agency/codes", new { individualNumber = p.Number })).Json()).Str("agencyCode");
            return new Cell(welfare, w.Agency("pension-service"),
                c => c.PostJson("/v1/agency/requests", new { agencyCode = code, item = "basic-four-items", procedure = "障害福祉サービス支給申請" }),
                [$"person/{p.Id}"], OtherAgency);
        },
        ["POST /v1/agency/identity-verifications"] = async w =>
        {
            var p = await w.Person();
            var pension = w.Agency("pension-service");
            var code = (await (await pension.PostJson("/v1/agency/codes", new { individualNumber = p.Number })).Json()).Str("agencyCode");
            return new Cell(pension, w.Agency("welfare-office"), c => c.PostJson("/v1/agency/identity-verifications", new
            {
                agencyCode = code,
                procedure = "老齢年金請求",
                documents = new object[] { new { kind = "resident-record-with-number", individualNumber = p.Number }, new { kind = "drivers-licence" } },
            }), [$"person/{p.Id}"], OtherAgency);
        },
        ["POST /v1/income-feeds"] = async w =>
        {
            var p = await w.Person();
            return new Cell(w.Agency("tax-office"), w.Agency("pension-service"), c => c.PostJson("/v1/income-feeds", new
            {
                batchId = "nta-" + Guid.NewGuid().ToString("N")[..12],
                lines = new[] { new { individualNumber = p.Number, fiscalYear = 2024, totalIncomeYen = 4_900_000L, taxableIncomeYen = 2_900_000L } },
            }), [$"person/{p.Id}"], new Refusal([403], ["income.not-tax-agency", "access.other-agency"]));
        },
        ["POST /v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/confirmation-documents"] = async w =>
        {
            var (number, insurer, qualification, person) = await w.Qualification();
            var other = (await w._clinics.Insurer()).Client;
            return new Cell(insurer, other, c => c.PostJson($"/v1/insurers/{number}/qualifications/{qualification}/confirmation-documents", new { reason = "no-registered-card" }),
                [$"insurer/{number}", $"person/{person}"], OtherInsurer);
        },

        // Institutions and terminals: one clinic's check, another clinic's terminal.
        ["POST /v1/eligibility-checks/"] = async w =>
        {
            var (patient, _) = await w._clinics.InsuredPatient();
            var mine = await w._clinics.Reception();
            var theirs = await w._clinics.Reception();
            var challenge = await (await mine.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
            var body = ClinicWorld.PinCheck(challenge, patient);
            return new Cell(mine.Client, theirs.Client, c => c.PostJson("/v1/eligibility-checks", body),
                [$"person/{patient.PersonId}", $"card/{patient.CardId}"], new Refusal([401, 403], ["auth.challenge-wrong-purpose", "access.other-institution"]));
        },
        ["POST /v1/eligibility-checks/{checkId:guid}/medical-information-reads"] = async w =>
        {
            var (patient, _) = await w._clinics.InsuredPatient();
            var mine = await w._clinics.Reception();
            var theirs = await w._clinics.Reception();
            var checkedIn = await ClinicWorld.CheckWithPin(mine, patient, ["medication-history"]);
            checkedIn.EnsureSuccessStatusCode();
            var checkId = (await checkedIn.Json()).Str("checkId");
            return new Cell(mine.Client, theirs.Client, c => c.PostJson($"/v1/eligibility-checks/{checkId}/medical-information-reads", new { items = new[] { "medication-history" } }),
                [$"person/{patient.PersonId}", $"medical/{patient.PersonId}"], new Refusal([403, 404], ["medical.no-consent", "access.other-institution"]));
        },

        // A terminal that is not registered at its institution gets no challenge.
        ["POST /v1/eligibility-checks/challenges"] = async w =>
        {
            var mine = await w._clinics.Reception();
            var unregistered = w.ClientFor(Roles.Terminal, new Dictionary<string, string>
                { [MynaClaims.Institution] = mine.Institution, [MynaClaims.Terminal] = "desk-not-registered" });
            return new Cell(mine.Client, unregistered, c => c.PostJson("/v1/eligibility-checks/challenges", new { }),
                [$"institution/{mine.Institution}"], new Refusal([403], ["terminal.unknown"]));
        },

        // A kiosk token of a kiosk that is not registered opens no session.
        ["POST /v1/kiosk-sessions/"] = async w =>
        {
            var (mine, mineId) = await w.Kiosk();
            var unregistered = w.ClientFor(Roles.Kiosk, new Dictionary<string, string> { [MynaClaims.Kiosk] = "store-unregistered" }, subject: "store-unregistered");
            return new Cell(mine, unregistered, c => c.PostJson("/v1/kiosk-sessions", new { }),
                [$"kiosk/{mineId}"], new Refusal([403], ["kiosk.not-in-service"]));
        },

        // Kiosks: a session opened by one kiosk, driven by another.
        ["POST /v1/kiosk-sessions/{sessionId:guid}/card"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (mine, mineId) = await w.Kiosk();
            var (theirs, _) = await w.Kiosk();
            var session = await (await mine.PostJson("/v1/kiosk-sessions", new { })).Json();
            var body = new
            {
                certificateSerial = patient.Serial,
                signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(session.Str("nonce")))),
            };
            return new Cell(mine, theirs, c => c.PostJson($"/v1/kiosk-sessions/{session.Str("sessionId")}/card", body),
                [$"kiosk/{mineId}", $"card/{patient.CardId}", $"person/{patient.PersonId}"], OtherKiosk);
        },
        ["POST /v1/kiosk-sessions/{sessionId:guid}/certificates"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (mine, mineId) = await w.Kiosk();
            var (theirs, _) = await w.Kiosk();
            var session = await (await mine.PostJson("/v1/kiosk-sessions", new { })).Json();
            (await mine.PostJson($"/v1/kiosk-sessions/{session.Str("sessionId")}/card", new
            {
                certificateSerial = patient.Serial,
                signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(session.Str("nonce")))),
            })).EnsureSuccessStatusCode();
            return new Cell(mine, theirs, c => c.PostJson($"/v1/kiosk-sessions/{session.Str("sessionId")}/certificates", new { kind = "resident-record-copy" }),
                [$"kiosk/{mineId}", $"person/{patient.PersonId}"], OtherKiosk);
        },
        // A printed document's holder is named only to a verifier who presents the holder's date of birth.
        ["POST /v1/document-verifications/{code}"] = async w =>
        {
            var patient = await w._clinics.Patient();
            var (kiosk, kioskId) = await w.Kiosk();
            var session = await (await kiosk.PostJson("/v1/kiosk-sessions", new { })).Json();
            (await kiosk.PostJson($"/v1/kiosk-sessions/{session.Str("sessionId")}/card", new
            {
                certificateSerial = patient.Serial,
                signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, Patient.Pin, Convert.FromBase64String(session.Str("nonce")))),
            })).EnsureSuccessStatusCode();
            var printed = await kiosk.PostJson($"/v1/kiosk-sessions/{session.Str("sessionId")}/certificates", new { kind = "resident-record-copy" });
            printed.EnsureSuccessStatusCode();
            var code = (await printed.Json()).Str("verificationCode");
            var anonymous = w.Anonymous();
            return new Cell(anonymous, anonymous, c => c.PostJson($"/v1/document-verifications/{code}", new { dateOfBirth = "1980-05-06" }),
                [$"kiosk/{kioskId}", $"person/{patient.PersonId}"], new Refusal([404], ["document.verification-unknown"]))
            {
                SendWrong = c => c.PostJson($"/v1/document-verifications/{code}", new { dateOfBirth = "1980-05-07" }),
                MustNotLeak = [patient.Name, patient.PersonId],
            };
        },
        ["POST /v1/insurers/{insurerNumber}/medical-feeds"] = async w =>
        {
            var (number, insurer, qualification, person) = await w.Qualification();
            var other = (await w._clinics.Insurer()).Client;
            return new Cell(insurer, other, c => c.PostJson($"/v1/insurers/{number}/medical-feeds", new
            {
                batchId = "matrix-" + Guid.NewGuid().ToString("N")[..6],
                lines = new object[] { new { qualificationId = qualification, recordId = "m-1", kind = "medication-dispensed", on = "2025-11-10", item = "アムロジピン錠", detail = "1日1回" } },
            }), [$"insurer/{number}", $"person/{person}", $"medical/{person}"], OtherInsurer);
        },
    };

    private HttpClient ClientFor(string role, Dictionary<string, string> claims, string? subject = null) => fixture.ClientFor(role, claims, subject);

    private HttpClient Anonymous() => fixture.Api.CreateClient();

    private void MoveSiloClock(TimeSpan offset) => fixture.SiloClock.Offset = offset;

    /// <summary>A card of its own chip batch, suspended by a suspension campaign over that batch (the campaign finished).</summary>
    private async Task<(Patient Patient, SimulatedCard Chip, string Campaign)> CampaignSuspendedCard()
    {
        var batch = "SCOPE-" + Guid.NewGuid().ToString("N")[..8];
        var person = (await (await _clerk.PostJson("/v1/persons", new { name = "作戦 花子", address = "東京都千代田区4-4", dateOfBirth = "1980-05-06", sex = "female", reason = "birth" })).Json()).Str("id");
        var card = (await _clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" })).Headers.Location!.ToString();
        (await _operator.PostJson($"{card}/production", new { chipBatch = batch })).EnsureSuccessStatusCode();
        (await _clerk.PostJson($"{card}/ready-for-pickup", new { })).EnsureSuccessStatusCode();
        var chip = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);
        var handedOver = await (await CounterProofs.HandOver(_clerk, card, chip)).Json();
        var serial = handedOver.GetProperty("certificates").EnumerateArray().First(c => c.Str("kind") == "user-authentication").Str("serial");
        var campaign = (await _operator.PostJson("/v1/operations/suspension-campaigns", new { chipBatch = batch, reason = "chip vulnerability" })).Headers.Location!.ToString();
        // A second operator approves (invariant 22).
        Assert.Equal(HttpStatusCode.Accepted, (await _secondOperator.PostJson($"{campaign}/approval", new { })).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await (await _operator.GetAsync(campaign)).Json()).GetProperty("completed").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The suspension campaign did not complete within 60 s.");
            await Task.Delay(100);
        }
        var patient = new Patient(person, string.Empty, card, card.Split('/')[^1], serial, chip, "作戦 花子", "東京都千代田区4-4");
        return (patient, chip, campaign.Split('/')[^1]);
    }

    private readonly HttpClient _clerk = fixture.Municipality(Home);
    private readonly HttpClient _otherClerk = fixture.Municipality(Elsewhere);
    /// <summary>A second clerk of the home municipality: the one who requests what <see cref="_clerk"/> then approves.</summary>
    private readonly HttpClient _requestingClerk = fixture.Municipality(Home);
    private readonly HttpClient _thirdClerk = fixture.Municipality("271403");
    private readonly HttpClient _operator = fixture.ClientFor(Roles.Operator);
    private readonly HttpClient _secondOperator = fixture.ClientFor(Roles.Operator);
    private readonly HttpClient _auditor = fixture.ClientFor(Roles.Auditor);
    private readonly ClinicWorld _clinics = new(fixture);
    private readonly PortalWorld _portal = new(fixture);

    private static readonly string[] InsuranceItems = ["insurance-qualifications"];

    /// <summary>A patient who granted a fresh app a consent to read their insurance qualifications.</summary>
    private async Task<(Patient Patient, JsonElement Consent, string AppId, HttpClient App)> Consent()
    {
        var patient = await _clinics.Patient();
        var (appId, app) = await _portal.App("insurance-qualifications");
        var granted = await _clinics.Holder(patient).PostJson("/v1/me/app-consents",
            new { appId, items = InsuranceItems, validUntil = DateTimeOffset.UtcNow.AddDays(30) });
        granted.EnsureSuccessStatusCode();
        return (patient, await granted.Json(), appId, app);
    }

    private sealed record PersonWorld(string Id, string Number);

    private sealed record CardWorld(string PersonId, string CardId);

    [Fact]
    public void Every_scoped_route_has_a_cell_or_is_listed_as_having_no_positive_control_yet()
    {
        var scoped = RouteTable.Rows.Where(r => r.Scope is not (ScopeRule.None or ScopeRule.DevelopmentOnly)).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        problems.AddRange(Cells.Keys.Where(k => !RouteTable.ByKey.ContainsKey(k)).Select(k => "Cell for a route not in RouteTable: " + k));
        problems.AddRange(PendingScopeRules.Keys.Where(k => !Cells.ContainsKey(k)).Select(k => "Pending entry without a cell: " + k));
        problems.AddRange(NoPositiveControlYet.Where(k => Cells.ContainsKey(k)).Select(k => "Has a cell now, remove from NoPositiveControlYet: " + k));
        problems.AddRange(NoPositiveControlYet.Where(k => !scoped.Contains(k)).Select(k => "NoPositiveControlYet names an unscoped or unknown route: " + k));
        problems.AddRange(scoped.Where(k => !Cells.ContainsKey(k) && !NoPositiveControlYet.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"Scoped route with neither a cell nor an entry in NoPositiveControlYet: \"{k}\","));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Console.WriteLine($"Scope cells: {Cells.Count} of {scoped.Count} scoped routes; pending: {PendingScopeRules.Count}; no positive control yet: {NoPositiveControlYet.Count}; "
            + $"unscoped routes (national roles, public, development), checked by the role gate only: {RouteTable.Rows.Count - scoped.Count}");
        foreach (var route in NoPositiveControlYet.Order(StringComparer.Ordinal))
        {
            Console.WriteLine("  no positive control yet: " + route);
        }
    }

    [Fact]
    public async Task Every_scope_cell_refuses_the_wrong_scope_without_writing_and_serves_the_right_one()
    {
        var failures = new List<string>();
        var stillPending = new List<string>();
        foreach (var (route, build) in Cells.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            try
            {
                await Run(route, await build(this), failures, stillPending);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or KeyNotFoundException or JsonException or Xunit.Sdk.XunitException)
            {
                failures.Add($"{route}: building the world failed: {e.Message}");
            }
        }
        Console.WriteLine($"Scope cells run: {Cells.Count}; still pending as listed: {stillPending.Count}");
        stillPending.ForEach(p => Console.WriteLine("  pending: " + p));
        Assert.True(failures.Count == 0, $"{failures.Count} scope cell(s) failed:\n" + string.Join("\n", failures));
    }

    private async Task Run(string route, Cell cell, List<string> failures, List<string> stillPending)
    {
        var before = await Versions(cell.Streams);
        using var wrong = await (cell.SendWrong ?? cell.Send)(cell.Wrong);
        var wrongStatus = (int)wrong.StatusCode;
        var wrongCode = await CodeOf(wrong);
        var after = await Versions(cell.Streams);
        using var right = await cell.Send(cell.Right);
        var positive = right.IsSuccessStatusCode;

        var unchanged = before.SequenceEqual(after);
        var wrongBody = await wrong.Content.ReadAsStringAsync();
        var leaked = cell.MustNotLeak.Where(v => v.Length > 0 && wrongBody.Contains(v, StringComparison.Ordinal)).ToList();
        var refused = ReferenceEquals(cell.Expected, SelfOnly)
            ? unchanged && leaked.Count == 0 && wrongStatus < 500
            : cell.Expected.Statuses.Contains(wrongStatus) && cell.Expected.Codes.Contains(wrongCode) && unchanged && leaked.Count == 0;
        var today = $"wrong scope got {wrongStatus} {wrongCode}, streams {(unchanged ? "unchanged" : $"moved {string.Join(",", before)} -> {string.Join(",", after)}")}"
            + (leaked.Count == 0 ? string.Empty : $", and its answer names the right person ({leaked.Count} value(s))");
        var control = positive ? null : $"positive control got {(int)right.StatusCode} {await right.Content.ReadAsStringAsync()}";

        if (PendingScopeRules.TryGetValue(route, out var listed))
        {
            if (refused)
            {
                failures.Add($"{route}: refused correctly now ({today}): remove it from PendingScopeRules." + (control is null ? string.Empty : " Also: " + control));
            }
            else
            {
                stillPending.Add($"{route}: {today} (listed: {listed})");
            }
            return;
        }
        if (!refused)
        {
            failures.Add($"{route}: expected {cell.Expected} with the streams unchanged; {today}.");
        }
        if (control is not null)
        {
            failures.Add($"{route}: {control}");
        }
    }

    private async Task<long[]> Versions(string[] streams)
    {
        var versions = new long[streams.Length];
        for (var i = 0; i < streams.Length; i++)
        {
            using var response = await _auditor.GetAsync($"/v1/audit/streams/{streams[i]}/events?limit=1");
            versions[i] = response.StatusCode == HttpStatusCode.OK
                ? (await response.Json()).GetProperty("streamVersion").GetInt64()
                : -(int)response.StatusCode;
        }
        return versions;
    }

    private static async Task<string> CodeOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code)
                ? code.GetString() ?? string.Empty
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private Cell OnPerson(PersonWorld p, Func<HttpClient, Task<HttpResponseMessage>> send, Refusal? expected = null) =>
        new(_clerk, _otherClerk, send, [$"person/{p.Id}"], expected ?? OtherMunicipality);

    private Cell OnCard(CardWorld card, Func<HttpClient, Task<HttpResponseMessage>> send, Refusal expected) =>
        new(_clerk, _otherClerk, send, [$"card/{card.CardId}", $"person/{card.PersonId}"], expected);

    private Cell AsHolder(Patient patient, Func<HttpClient, Task<HttpResponseMessage>> send, Refusal expected) =>
        AsHolder(patient, send) with { Expected = expected };

    private Cell AsHolder(Patient patient, Func<HttpClient, Task<HttpResponseMessage>> send) =>
        new(_clinics.Holder(patient),
            fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString("D") }),
            send, [$"card/{patient.CardId}", $"person/{patient.PersonId}", $"portal/{patient.PersonId}"], NotTheHolder);

    private async Task<(HttpClient Client, string Id)> Kiosk()
    {
        var id = "store-" + Guid.NewGuid().ToString("N")[..10];
        (await _operator.PostJson($"/v1/kiosks/{id}", new { store = "ファミリーマート 霞が関店", prefecture = "13" })).EnsureSuccessStatusCode();
        return (fixture.ClientFor(Roles.Kiosk, new Dictionary<string, string> { [MynaClaims.Kiosk] = id }, subject: id), id);
    }

    private Cell AsResident(string personId, Func<HttpClient, Task<HttpResponseMessage>> send, params string[] streams) =>
        new(fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = personId }),
            fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString("D") }),
            send, [$"person/{personId}", $"portal/{personId}", .. streams], NotTheHolder);

    /// <summary>A person with the income summary a child-allowance procedure attaches.</summary>
    private async Task<string> ProcedurePerson()
    {
        var p = await Person();
        (await _clerk.PostJson($"/v1/persons/{p.Id}/income-summaries", new { fiscalYear = 2025, totalIncomeYen = 3_600_000, taxableIncomeYen = 2_100_000 }))
            .EnsureSuccessStatusCode();
        return p.Id;
    }

    /// <summary>A child-allowance submission to the welfare office.</summary>
    private async Task<(string Person, string Submission)> Submission()
    {
        var p = await ProcedurePerson();
        var resident = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = p });
        var started = await resident.PostJson($"/v1/persons/{p}/procedures", new { kind = "child-allowance" });
        started.EnsureSuccessStatusCode();
        return (p, (await started.Json()).Str("submissionId"));
    }

    private HttpClient Agency(string agency) =>
        fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = agency });

    private async Task<PersonWorld> Person(bool withNumber = true)
    {
        var registered = await _clerk.PostJson("/v1/persons", new
        {
            name = "行列 花子" + Guid.NewGuid().ToString("N")[..6],
            address = "東京都千代田区霞が関1-1-1",
            dateOfBirth = "1984-07-08",
            sex = "female",
            reason = "birth",
        });
        registered.EnsureSuccessStatusCode();
        var id = (await registered.Json()).Str("id");
        if (!withNumber)
        {
            return new PersonWorld(id, string.Empty);
        }
        var assigned = await _clerk.PostJson($"/v1/persons/{id}/individual-number", new { });
        assigned.EnsureSuccessStatusCode();
        return new PersonWorld(id, (await assigned.Json()).Str("individualNumber"));
    }

    private static string NewCertificateNumber() => "SH-" + Guid.NewGuid().ToString("N")[..8];

    private static object Certificate(string number) =>
        new { certificateNumber = number, kind = "physical", grade = "2級", issuer = "東京都", validFrom = "2024-04-01" };

    private async Task<(PersonWorld Person, string Certificate)> PersonWithCertificate()
    {
        var p = await Person();
        var number = NewCertificateNumber();
        (await _clerk.PostJson($"/v1/persons/{p.Id}/disability-certificates", Certificate(number))).EnsureSuccessStatusCode();
        return (p, number);
    }

    private async Task<CardWorld> AppliedCard(bool produced = false)
    {
        var p = await Person();
        var applied = await _clerk.PostJson("/v1/cards", new { personId = p.Id, channel = "counter" });
        applied.EnsureSuccessStatusCode();
        var cardId = applied.Headers.Location!.ToString().Split('/')[^1];
        if (produced)
        {
            (await _operator.PostJson($"/v1/cards/{cardId}/production", new { chipBatch = "MATRIX-1" })).EnsureSuccessStatusCode();
        }
        return new CardWorld(p.Id, cardId);
    }

    private async Task<(string Number, HttpClient Insurer, string Qualification, string Person)> Qualification()
    {
        var (number, insurer) = await _clinics.Insurer();
        var p = await Person();
        var enrolled = await insurer.PostJson($"/v1/insurers/{number}/enrolments", new
        {
            individualNumber = p.Number,
            insured = new { symbol = "1234", number = "5678", branch = "01" },
            validFrom = "2020-04-01",
            ceilingCategory = "under-seventy-c",
        });
        enrolled.EnsureSuccessStatusCode();
        return (number, insurer, (await enrolled.Json()).Str("qualificationId"), p.Id);
    }
}

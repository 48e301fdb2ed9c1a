using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.Domain.Disasters;
using Myna.Domain.Kiosks;
using Myna.Domain.Medical;
using Myna.Domain.Portal;
using Myna.Domain.Procedures;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Medical;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Myna.GrainInterfaces.Procedures;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// The audit's state as of a version or a moment, for the stream kinds beyond persons, cards, insurers, institutions,
/// ledgers and campaigns: each is folded by its grain's own Apply (these answered 500 before), and the two timelines
/// compare for them too.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditStreamKindsApiTests(ApiFixture fixture)
{
    private static readonly Actor Operator = new("operator-1", "operator");

    private HttpClient Auditor => fixture.ClientFor(Roles.Auditor);

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "test", "fp");

    /// <summary>A stream's first two events, and what its state shows after the first and after both.</summary>
    private sealed record History(StreamRef Stream, object First, object Second, Action<JsonElement> AfterFirst, Action<JsonElement> AfterBoth);

    /// <summary>The history's two events written to its stream, and the store that wrote them.</summary>
    private static async Task<MartenEventStreamStore> StoredAsync(History history)
    {
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        await store.AppendAsync(history.Stream.Key, 0, [history.First], Metadata());
        await store.AppendAsync(history.Stream.Key, 1, [history.Second], Metadata());
        return store;
    }

    private static History For(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        var person = new PersonId(Guid.NewGuid());
        var id = Guid.NewGuid();
        var resident = new Actor(person.ToString(), "resident");
        return kind switch
        {
            "portal" => new History(StreamRef.PortalOf(person),
                new ResidentLoggedIn(person, id, new CardId(Guid.NewGuid()), "S-1", "place", true, "hash", now.AddDays(30), now, resident),
                new PortalSessionEnded(person, id, "logout", now, resident),
                s => Assert.Equal(JsonValueKind.Null, s.GetProperty("sessions")[0].GetProperty("endedBecause").ValueKind),
                s => Assert.Equal("logout", s.GetProperty("sessions")[0].Str("endedBecause"))),
            "app" => new History(StreamRef.ForApp("audit-" + id.ToString("N")[..12]),
                new KioskWithdrawn("not-this-stream", "skipped", now, Operator),
                new ThirdPartyAppRegistered("audit-" + id.ToString("N")[..12], "家計簿", [AppItem.IncomeSummary], now, Operator),
                s => Assert.False(s.GetProperty("isRegistered").GetBoolean()),
                s => Assert.Equal("家計簿", s.Str("name"))),
            "kiosk" => new History(StreamRef.ForKiosk("k-" + id.ToString("N")[..12]),
                new KioskRegistered("k-" + id.ToString("N")[..12], "コンビニ 千代田店", "13", null, now, Operator),
                new KioskWithdrawn("k-" + id.ToString("N")[..12], "closed", now, Operator),
                s => Assert.Equal((true, false), (s.GetProperty("isRegistered").GetBoolean(), s.GetProperty("withdrawn").GetBoolean())),
                s => Assert.True(s.GetProperty("withdrawn").GetBoolean())),
            "medical" => new History(StreamRef.MedicalOf(person),
                new MedicalRecordsReceived(person, "b-1", new InsurerNumber("138057"),
                    [new MedicalRecord("r-1", MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 9, 1), "薬A", null, null, "薬局")], now, Operator),
                new MedicalRecordsReceived(person, "b-2", new InsurerNumber("138057"),
                    [new MedicalRecord("r-2", MedicalRecordKind.HealthCheckResult, new DateOnly(2026, 9, 2), "健診", null, null, "病院")], now, Operator),
                s => Assert.Equal(1, s.GetProperty("records").GetArrayLength()),
                s => Assert.Equal(2, s.GetProperty("records").GetArrayLength())),
            "disaster" => new History(StreamRef.ForDisaster(id),
                new DisasterDeclared(id, "令和8年豪雨", [new MunicipalityCode("131016")], now, now.AddDays(30), now, Operator),
                new DisasterEnded(id, "measures over", now, Operator),
                s => Assert.Equal(JsonValueKind.Null, s.GetProperty("endedAt").ValueKind),
                s => Assert.Equal(JsonValueKind.String, s.GetProperty("endedAt").ValueKind)),
            "procedure" => new History(StreamRef.ForProcedure(id),
                new ProcedureSubmitted(id, person, ProcedureKind.ChildAllowance, "welfare", new AgencyCode(new string('a', 32)), [], now, resident),
                new ProcedureReturned(id, "missing income", now, Operator),
                s => Assert.Equal("Submitted", s.Str("status")),
                s => Assert.Equal(("Returned", "missing income"), (s.Str("status"), s.Str("returnedBecause")))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [InlineData("portal")]
    [InlineData("app")]
    [InlineData("kiosk")]
    [InlineData("medical")]
    [InlineData("disaster")]
    [InlineData("procedure")]
    public async Task A_streams_state_as_of_each_version_and_moment_is_folded_by_its_own_kind(string kind)
    {
        var history = For(kind);
        await StoredAsync(history);
        var route = $"/v1/audit/streams/{kind}/{history.Stream.Id}";
        var events = (await (await Auditor.GetAsync($"{route}/events")).Json()).GetProperty("events").EnumerateArray().ToList();
        var firstRecorded = events[0].GetProperty("recordedAt").GetDateTimeOffset();

        var atFirst = await Auditor.GetAsync($"{route}/state?version=1");
        var atMoment = await Auditor.GetAsync($"{route}/state?at={AuditReplayApiTests.At(firstRecorded)}");
        var latest = await Auditor.GetAsync($"{route}/state");
        var timelines = await Auditor.GetAsync($"{route}/timelines?at={AuditReplayApiTests.At(firstRecorded)}");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            new[] { atFirst.StatusCode, atMoment.StatusCode, latest.StatusCode, timelines.StatusCode });
        var first = await atFirst.Json();
        Assert.Equal((history.Stream.Key, 1L), (first.Str("stream"), first.GetProperty("version").GetInt64()));
        history.AfterFirst(first.GetProperty("state"));
        history.AfterFirst((await atMoment.Json()).GetProperty("state"));
        var both = await latest.Json();
        Assert.Equal(2, both.GetProperty("version").GetInt64());
        history.AfterBoth(both.GetProperty("state"));
        Assert.Empty((await timelines.Json()).GetProperty("differences").EnumerateArray());
    }

    [Fact]
    public async Task An_auditors_reads_of_a_persons_medical_information_and_ledger_go_on_that_persons_ledger_and_paging_the_ledger_ends()
    {
        var auditor = Auditor; // one auditor throughout (each Auditor is another staff member)
        var history = For("medical");
        var person = history.Stream.Id;
        var store = await StoredAsync(history);
        var medical = $"/v1/audit/streams/medical/{person}";
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{medical}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{medical}/state")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{medical}/timelines?at={AuditReplayApiTests.At(DateTimeOffset.UtcNow)}")).StatusCode);

        // Paging through the ledger one entry at a time: the first page's read is recorded on the ledger itself, its
        // repeats are that one entry, so the pages end (each page adding an entry, they never would).
        var pages = new List<JsonElement>();
        long? from = 1;
        while (from is not null && pages.Count < 20)
        {
            var page = await auditor.GetAsync($"/v1/audit/streams/ledger/{person}/events?fromVersion={from}&limit=1");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var body = await page.Json();
            pages.Add(Assert.Single(body.GetProperty("events").EnumerateArray()));
            from = body.GetProperty("nextFromVersion") is { ValueKind: JsonValueKind.Number } next ? next.GetInt64() : null;
        }

        Assert.Null(from);
        var reads = (await store.ReadAsync(StreamRef.LedgerOf(new PersonId(Guid.Parse(person))).Key, 1)).Select(e => Assert.IsType<StaffDataRead>(e.Data)).ToList();
        Assert.Equal(["medical-history", "medical-state-as-of", "medical-timelines", "ledger-history"], reads.Select(r => r.What));
        Assert.All(reads, r => Assert.Equal(("auditor", "audit"), (r.Office, r.Purpose)));
        Assert.Equal(reads.Select(r => r.What), pages.Select(p => p.GetProperty("data").Str("what")));
    }

    [Fact]
    public async Task An_auditors_read_of_a_card_goes_on_its_holders_ledger_and_an_unknown_card_is_a_404_recorded_nowhere()
    {
        var auditor = Auditor;
        var patient = await new ClinicWorld(fixture).Patient();
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var ledger = StreamRef.LedgerOf(new PersonId(Guid.Parse(patient.PersonId))).Key;
        var before = await store.GetVersionAsync(ledger);

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/v1/audit/streams/card/{patient.CardId}/events")).StatusCode);
        var unknown = await auditor.GetAsync($"/v1/audit/streams/card/{Guid.NewGuid()}/events");

        var entries = (await store.ReadAsync(ledger, before + 1)).Select(e => e.Data).ToList();
        var read = Assert.IsType<StaffDataRead>(Assert.Single(entries));
        Assert.Equal(("card-history", "auditor", "audit"), (read.What, read.Office, read.Purpose));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("audit.stream-not-found", (await unknown.Json()).Str("code"));
    }

    [Fact]
    public async Task An_auditors_read_of_an_online_procedure_goes_on_its_submitters_ledger_and_an_unknown_one_is_a_404_recorded_nowhere()
    {
        var auditor = Auditor;
        var history = For("procedure");
        var submitter = Assert.IsType<ProcedureSubmitted>(history.First).PersonId;
        var store = await StoredAsync(history);
        var route = $"/v1/audit/streams/procedure/{history.Stream.Id}";

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{route}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{route}/state?version=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{route}/replay")).StatusCode);
        var unknown = await auditor.GetAsync($"/v1/audit/streams/procedure/{Guid.NewGuid()}/events");
        var unknownReplay = await auditor.GetAsync($"/v1/audit/streams/procedure/{Guid.NewGuid()}/replay");

        var reads = (await store.ReadAsync(StreamRef.LedgerOf(submitter).Key, 1)).Select(e => Assert.IsType<StaffDataRead>(e.Data)).ToList();
        Assert.Equal(["procedure-history", "procedure-state-as-of", "procedure-history"], reads.Select(r => r.What));
        Assert.All(reads, r => Assert.Equal(("auditor", "audit"), (r.Office, r.Purpose)));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("audit.stream-not-found", (await unknown.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.NotFound, unknownReplay.StatusCode);
        Assert.Equal("audit.stream-not-found", (await unknownReplay.Json()).Str("code"));
    }

    [Fact]
    public async Task A_persons_medical_ledger_card_procedure_and_correlation_reads_are_refused_to_everyone_but_an_auditor_and_record_nothing()
    {
        var patient = await new ClinicWorld(fixture).Patient();
        var person = new PersonId(Guid.Parse(patient.PersonId));
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var correlation = Guid.NewGuid();
        var medical = StreamRef.MedicalOf(person).Key;
        await store.AppendAsync(medical, 0, [new MedicalRecordsReceived(person, "b-1", new InsurerNumber("138057"),
            [new MedicalRecord("r-1", MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 9, 1), "薬A", null, null, "薬局")], DateTimeOffset.UtcNow, Operator)],
            new AppendMetadata(Guid.NewGuid(), correlation, "test", "fp"));
        var procedure = StreamRef.ForProcedure(Guid.NewGuid());
        await store.AppendAsync(procedure.Key, 0, [new ProcedureSubmitted(Guid.Parse(procedure.Id), person, ProcedureKind.ChildAllowance, "welfare",
            new AgencyCode(new string('a', 32)), [], DateTimeOffset.UtcNow, new Actor(person.ToString(), "resident"))], Metadata());
        var ledger = StreamRef.LedgerOf(person).Key;
        var (ledgerBefore, medicalBefore, personBefore) = (await store.GetVersionAsync(ledger), await store.GetVersionAsync(medical), await store.GetVersionAsync($"person-{person}"));
        string[] routes =
        [
            $"/v1/audit/streams/medical/{person}/events", $"/v1/audit/streams/medical/{person}/state",
            $"/v1/audit/streams/procedure/{procedure.Id}/events", $"/v1/audit/streams/procedure/{procedure.Id}/state",
            $"/v1/audit/streams/ledger/{person}/events", $"/v1/audit/streams/ledger/{person}/replay", $"/v1/audit/streams/medical/{person}/replay",
            $"/v1/audit/streams/card/{patient.CardId}/events", $"/v1/audit/streams/card/{patient.CardId}/replay",
            $"/v1/audit/streams/procedure/{procedure.Id}/replay", $"/v1/audit/streams/person/{person}/replay",
            $"/v1/audit/streams/card/{patient.CardId}/timelines?at={AuditReplayApiTests.At(DateTimeOffset.UtcNow)}",
            $"/v1/audit/correlations/{correlation}/events",
        ];
        var anonymous = fixture.Api.CreateClient();
        HttpClient[] others =
        [
            fixture.Municipality(), fixture.Municipality("271004"),
            fixture.ClientFor(Roles.Insurer, new Dictionary<string, string> { [MynaClaims.Insurer] = "138057" }),
            fixture.ClientFor(Roles.Terminal, new Dictionary<string, string> { [MynaClaims.Institution] = "1310000001", [MynaClaims.Terminal] = "desk-1" }),
            fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "tax-office" }),
            fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = patient.PersonId }),
            fixture.ClientFor(Roles.Operator),
            fixture.ClientFor(Roles.CallCentre),
            fixture.ClientFor(Roles.App, new Dictionary<string, string> { [MynaClaims.AppId] = "audit-app" }),
            fixture.ClientFor(Roles.Kiosk, new Dictionary<string, string> { [MynaClaims.Kiosk] = "kiosk-1" }),
        ];
        // A replay of an auditor's old request: the same call with a token that has since expired.
        var expired = fixture.Api.CreateClient();
        expired.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AuditorToken(DateTime.UtcNow.AddHours(-2)));

        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(route)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync(route)).StatusCode);
            foreach (var other in others)
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(route)).StatusCode);
            }
        }

        Assert.Equal((ledgerBefore, medicalBefore, 1L, personBefore),
            (await store.GetVersionAsync(ledger), await store.GetVersionAsync(medical), await store.GetVersionAsync(procedure.Key), await store.GetVersionAsync($"person-{person}")));
        // The same reads by an auditor are answered, and recorded (a token built as the expired one was, but current, too).
        var current = fixture.Api.CreateClient();
        current.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AuditorToken(DateTime.UtcNow));
        Assert.Equal(HttpStatusCode.OK, (await current.GetAsync(routes[0])).StatusCode);
        var auditor = Auditor;
        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync(route)).StatusCode);
        }
        Assert.True(await store.GetVersionAsync(ledger) > ledgerBefore);
    }

    /// <summary>An auditor's token as the API issues it, issued at <paramref name="issued"/> for 30 minutes.</summary>
    private string AuditorToken(DateTime issued)
    {
        var options = fixture.Api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JwtOptions>>().Value;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new System.Security.Claims.ClaimsIdentity([new(MynaClaims.Subject, "auditor-old"), new(MynaClaims.Role, Roles.Auditor)]),
            NotBefore = issued,
            IssuedAt = issued,
            Expires = issued.AddMinutes(30),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(TokenIssuer.KeyFrom(options.SigningKey), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task A_bulk_registration_jobs_state_as_of_each_version_follows_its_checkpoints()
    {
        var clerk = fixture.Municipality();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var body = string.Join('\n', Enumerable.Range(0, 3).Select(i => JsonSerializer.Serialize(new
        {
            id = $"{tag}-{i}", name = $"監査 職{i:D5}", address = $"東京都千代田区霞が関3-{i}", dateOfBirth = "1971-02-03", sex = "female", reason = "move-in",
        })));
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/persons/bulk-registration-jobs") { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") };
        request.Headers.Add("Idempotency-Key", "audit-" + tag);
        var started = await clerk.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = (await started.Json()).Str("id");
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var key = StreamRef.ForBulkRegistrationJob(Guid.Parse(job)).Key;
        for (var i = 0; i < 600 && await store.ReadAsync(key, 1) is var events && (events.Count == 0 || events[^1].EventTypeName != "bulk_registration_job_completed_v1"); i++)
        {
            await Task.Delay(100);
        }

        var route = $"/v1/audit/streams/bulkregistrationjob/{job}/state";
        var atStart = (await (await Auditor.GetAsync($"{route}?version=1")).Json()).GetProperty("state");
        var atCheckpoint = (await (await Auditor.GetAsync($"{route}?version=2")).Json()).GetProperty("state");
        var latest = await (await Auditor.GetAsync(route)).Json();

        Assert.Equal((true, 3, 0, JsonValueKind.Null), (atStart.GetProperty("started").GetBoolean(), atStart.GetProperty("total").GetInt32(),
            atStart.GetProperty("lines").GetArrayLength(), atStart.GetProperty("finishedAt").ValueKind));
        Assert.Equal((3, 3), (atCheckpoint.GetProperty("lines").GetArrayLength(), atCheckpoint.GetProperty("created").GetInt32()));
        Assert.Equal(3, latest.GetProperty("version").GetInt64());
        Assert.True(latest.GetProperty("state").GetProperty("completed").GetBoolean());
        // The job's stream holds no personal data, and so neither does its replayed state.
        Assert.DoesNotContain("監査", latest.GetProperty("state").GetRawText(), StringComparison.Ordinal);
    }
}

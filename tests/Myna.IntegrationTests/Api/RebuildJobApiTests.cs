using System.Net;
using System.Text.Json;
using Marten;
using Myna.Api.Auth;
using Myna.EventStore.Certificates;
using Myna.EventStore.Clinics;
using Myna.EventStore.Insurance;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Every read model rebuilt from the events in a background job, with progress, equals the live one.</summary>
[Collection(ApiCollection.Name)]
public sealed class RebuildJobApiTests(ApiFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<Dictionary<string, string>> Rows<T>(Func<T, string> id)
        where T : notnull
    {
        using var store = TestInfrastructure.CreateStore();
        await using var query = store.QuerySession();
        var rows = await query.Query<T>().ToListAsync();
        return rows.ToDictionary(id, r => JsonSerializer.Serialize(r, Json), StringComparer.Ordinal);
    }

    private static async Task Delete<T>(object id)
        where T : notnull
    {
        using var store = TestInfrastructure.CreateStore();
        await using var session = store.LightweightSession();
        switch (id)
        {
            case Guid g:
                session.Delete<T>(g);
                break;
            case string s:
                session.Delete<T>(s);
                break;
        }
        await session.SaveChangesAsync();
    }

    private static async Task<JsonElement> RunJob(HttpClient client, string index)
    {
        var started = await client.PostJson("/v1/operations/rebuild-jobs", new { index });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return await Completed(client, started.Headers.Location!.ToString());
    }

    private static void AssertCompleted(JsonElement job, string index)
    {
        Assert.Equal("completed", job.Str("status"));
        Assert.Equal(index, job.Str("index"));
        Assert.Equal(job.GetProperty("total").GetInt64(), job.GetProperty("processed").GetInt64());
        Assert.Equal(100, job.GetProperty("percent").GetDouble());
        Assert.Equal(0, job.GetProperty("etaSeconds").GetDouble());
        Assert.True(job.GetProperty("rows").GetInt32() >= 1);
    }

    [Fact]
    public async Task Rebuilt_read_models_equal_the_live_ones_and_restore_lost_rows()
    {
        var world = new ClinicWorld(fixture);
        var (insurerNumber, insurer) = await world.Insurer();
        var patient = await world.Patient();
        var qualification = await world.Enrol(insurer, insurerNumber, patient);
        var document = (await (await insurer.PostJson($"/v1/insurers/{insurerNumber}/qualifications/{qualification}/confirmation-documents", new { reason = "requested" })).Json()).Str("documentNumber");
        var clinic = await world.Reception(acceptsCard: true);
        var other = await world.Reception(acceptsCard: false);
        (await world.Operator.PutAsync($"/v1/institutions/{other.Institution}/card-acceptance", System.Net.Http.Json.JsonContent.Create(new { acceptsCard = true }))).EnsureSuccessStatusCode();
        var auditor = fixture.ClientFor(Roles.Auditor);
        await world.RegisterForInsurance(patient);
        var checkId = (await (await ClinicWorld.CheckWithPin(clinic, patient, ["medication-history"])).Json()).Str("checkId");

        var cases = new (string Index, Func<Task<Dictionary<string, string>>> Read, string Mine, Func<Task> Lose)[]
        {
            ("qualifications", () => Rows<QualificationRecord>(r => r.Id.ToString()), qualification, () => Delete<QualificationRecord>(Guid.Parse(qualification))),
            ("confirmation-documents", () => Rows<ConfirmationDocumentRecord>(r => r.Id), document, () => Delete<ConfirmationDocumentRecord>(document)),
            ("institutions", () => Rows<InstitutionListing>(r => r.Id), other.Institution, () => Delete<InstitutionListing>(other.Institution)),
            ("certificates", () => Rows<CertificateRecord>(r => r.Id), patient.Serial, () => Delete<CertificateRecord>(patient.Serial)),
            ("person-match", () => Rows<PersonMatchRecord>(r => r.Id.ToString()), patient.PersonId, () => Delete<PersonMatchRecord>(Guid.Parse(patient.PersonId))),
            ("clinic-consents", () => Rows<ClinicConsentRecord>(r => r.Id.ToString()), checkId, () => Delete<ClinicConsentRecord>(Guid.Parse(checkId))),
        };
        foreach (var (index, read, mine, lose) in cases)
        {
            var live = await read();
            Assert.True(live.ContainsKey(mine), $"{index}: the live row is there");
            await lose();

            var job = await RunJob(auditor, index);

            AssertCompleted(job, index);
            var rebuilt = await read();
            Assert.Equal(live[mine], rebuilt[mine]);
            if (index == "institutions")
            {
                // Written on every change and never left stale: the whole live list is rebuilt as it was.
                Assert.All(live, row => Assert.Equal(row.Value, rebuilt.GetValueOrDefault(row.Key)));
                Assert.Contains(clinic.Institution, rebuilt.Keys);
            }
        }
    }

    [Fact]
    public async Task Unknown_indexes_and_jobs_are_refused_and_other_roles_cannot_start()
    {
        var auditor = fixture.ClientFor(Roles.Auditor);
        Assert.Equal("index.not-found", (await (await auditor.PostJson("/v1/operations/rebuild-jobs", new { index = "everything" })).Json()).Str("code"));
        Assert.Equal("rebuild-job.not-found", (await (await auditor.GetAsync($"/v1/operations/rebuild-jobs/{Guid.NewGuid()}")).Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality().PostJson("/v1/operations/rebuild-jobs", new { index = "devices" })).StatusCode);
        var job = await RunJob(fixture.ClientFor(Roles.Operator), "numbers");
        Assert.Equal("completed", job.Str("status"));
    }

    [Fact]
    public async Task Only_auditors_and_operators_rebuild_the_clinic_consents_and_a_refused_start_changes_nothing()
    {
        var world = new ClinicWorld(fixture);
        var (insurerNumber, insurer) = await world.Insurer();
        var patient = await world.Patient();
        await world.Enrol(insurer, insurerNumber, patient);
        await world.RegisterForInsurance(patient);
        var clinic = await world.Reception();
        var checkId = (await (await ClinicWorld.CheckWithPin(clinic, patient, ["medication-history"])).Json()).Str("checkId");
        var live = (await Rows<ClinicConsentRecord>(r => r.Id.ToString()))[checkId];
        await Delete<ClinicConsentRecord>(Guid.Parse(checkId));

        var refused = new (HttpClient Client, HttpStatusCode Status)[]
        {
            (fixture.Municipality(), HttpStatusCode.Forbidden),
            (insurer, HttpStatusCode.Forbidden),
            (clinic.Client, HttpStatusCode.Forbidden),
            (world.Holder(patient), HttpStatusCode.Forbidden),
            (fixture.ClientFor(Roles.Agency), HttpStatusCode.Forbidden),
            (fixture.Api.CreateClient(), HttpStatusCode.Unauthorized),
        };
        foreach (var (client, status) in refused)
        {
            Assert.Equal(status, (await client.PostJson("/v1/operations/rebuild-jobs", new { index = "clinic-consents" })).StatusCode);
        }
        // Nothing ran: the lost row is still lost until an operator's job restores it as it was.
        Assert.False((await Rows<ClinicConsentRecord>(r => r.Id.ToString())).ContainsKey(checkId));
        AssertCompleted(await RunJob(fixture.ClientFor(Roles.Operator), "clinic-consents"), "clinic-consents");
        Assert.Equal(live, (await Rows<ClinicConsentRecord>(r => r.Id.ToString()))[checkId]);
    }

    [Fact]
    public async Task One_rebuild_per_index_runs_at_a_time()
    {
        var auditor = fixture.ClientFor(Roles.Auditor);
        var operatorClient = fixture.ClientFor(Roles.Operator);

        var responses = await Task.WhenAll(
            auditor.PostJson("/v1/operations/rebuild-jobs", new { index = "person-match" }),
            operatorClient.PostJson("/v1/operations/rebuild-jobs", new { index = "person-match" }));

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        Assert.NotEmpty(accepted);
        var jobs = new List<JsonElement>();
        foreach (var response in accepted)
        {
            jobs.Add(await Completed(auditor, response.Headers.Location!.ToString()));
        }
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Accepted))
        {
            // Refused while the other ran: it names the running job.
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await refused.Json();
            Assert.Equal("rebuild.already-running", problem.Str("code"));
            Assert.Equal(jobs.Single().Str("id"), problem.Str("jobId"));
        }
        if (jobs.Count == 2)
        {
            // Both accepted only because the first had finished before the second began: never two at once.
            var ordered = jobs.OrderBy(j => j.GetProperty("startedAt").GetDateTimeOffset()).ToList();
            Assert.True(ordered[0].GetProperty("finishedAt").GetDateTimeOffset() <= ordered[1].GetProperty("startedAt").GetDateTimeOffset(),
                "two rebuilds of one index overlapped");
        }
        // Another index is not held up by this one, and once the index is free a new job starts.
        Assert.Equal("completed", (await RunJob(auditor, "numbers")).Str("status"));
        Assert.Equal("completed", (await RunJob(auditor, "person-match")).Str("status"));
        // A retried start (same caller, same Idempotency-Key) is the same job, running or finished: never a second one.
        var key = "rebuild-" + Guid.NewGuid().ToString("N")[..8];
        var started = await auditor.PostJson("/v1/operations/rebuild-jobs", new { index = "numbers" }, key);
        var retried = await auditor.PostJson("/v1/operations/rebuild-jobs", new { index = "numbers" }, key);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(started.Headers.Location, retried.Headers.Location);
        Assert.Equal("completed", (await Completed(auditor, started.Headers.Location!.ToString())).Str("status"));
    }

    /// <summary>
    /// Waits on the job's own status; the bound only stops a hung job from hanging the run. A whole-store scan grows
    /// with everything the suite has written before it (21,000 persons once the ten-thousand-person test has run), and
    /// a CI box running every collection at once took more than five minutes over a person-match rebuild whose keys
    /// were read one request each: the next test then found that job still running.
    /// </summary>
    private static async Task<JsonElement> Completed(HttpClient client, string location)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var job = await (await client.GetAsync(location)).Json();
            if (job.Str("status") is "completed" or "failed")
            {
                return job;
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"{location} did not finish within 10 minutes.");
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;
using Orleans.Core.Internal;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Bulk registration jobs: batches larger than one request, registered in the background in chunks through the
/// bulk registration path, with their progress and each line's outcome on the job's own stream. The same request
/// sent again is the same job (and resumes an interrupted one); a job is its municipality's only.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BulkRegistrationJobApiTests(ApiFixture fixture)
{
    private const string Route = "/v1/persons/bulk-registration-jobs";

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    private static string Line(string tag, int i, string dateOfBirth = "1970-01-02") => JsonSerializer.Serialize(new
    {
        id = $"{tag}-{i}",
        name = $"一括 職{i:D5}",
        address = $"東京都千代田区霞が関2-{i}",
        dateOfBirth,
        sex = i % 2 == 0 ? "female" : "male",
        reason = "move-in",
    });

    private static string Ndjson(string tag, int count) => string.Join('\n', Enumerable.Range(0, count).Select(i => Line(tag, i)));

    private static Task<HttpResponseMessage> Post(HttpClient client, string body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> UntilDone(HttpClient client, string location)
    {
        for (var i = 0; i < 600; i++)
        {
            var job = await (await client.GetAsync(location)).Json();
            if (job.Str("status") != "running")
            {
                return job;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the job did not finish in 60 s");
    }

    private static async Task<List<JsonElement>> AllLines(HttpClient client, string location)
    {
        var lines = new List<JsonElement>();
        int? offset = 0;
        while (offset is { } from)
        {
            var page = await (await client.GetAsync($"{location}?offset={from}&limit=1000")).Json();
            lines.AddRange(page.GetProperty("lines").EnumerateArray());
            offset = page.GetProperty("nextOffset") is { ValueKind: JsonValueKind.Number } next ? next.GetInt32() : null;
        }
        return lines;
    }

    [Fact]
    public async Task A_job_registers_every_line_in_chunks_with_durable_progress_and_the_same_request_again_starts_nothing()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var key = "job-" + tag;
        var body = Ndjson(tag, 2_300);

        var started = await Post(clerk, body, key);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.ToString();
        var first = await started.Json();
        Assert.Equal($"{Route}/{first.Str("id")}", location);
        Assert.Equal(2_300, first.GetProperty("total").GetInt32());
        var done = await UntilDone(clerk, location);
        Assert.Equal("completed", done.Str("status"));
        Assert.Equal(2_300, done.GetProperty("done").GetInt32());
        Assert.Equal(2_300, done.GetProperty("created").GetInt32());
        Assert.Equal(100.0, done.GetProperty("percent").GetDouble());
        Assert.Equal(100, done.GetProperty("lines").GetArrayLength()); // the default page

        var lines = await AllLines(clerk, location);
        Assert.Equal(Enumerable.Range(0, 2_300).Select(i => $"{tag}-{i}"), lines.Select(l => l.Str("id")));
        Assert.All(lines, l => Assert.Equal("created", l.Str("status")));
        Assert.Equal(2_300, lines.Select(l => l.Str("personId")).Distinct().Count());
        var person = await (await clerk.GetAsync($"/v1/persons/{lines[2_299].Str("personId")}")).Json();
        Assert.Equal("一括 職02299", person.Str("name"));
        Assert.True(IndividualNumber.TryParse(person.Str("individualNumber"), out _, out _));

        // The job's own stream: the start, a checkpoint per chunk of 1,000 lines, the completion; no personal data.
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var stream = StreamRef.ForBulkRegistrationJob(Guid.Parse(first.Str("id"))).Key;
        var events = await store.ReadAsync(stream, 1);
        Assert.Equal(["bulk_registration_job_started_v1", "bulk_registration_job_chunk_recorded_v1", "bulk_registration_job_chunk_recorded_v1",
            "bulk_registration_job_chunk_recorded_v1", "bulk_registration_job_completed_v1"], events.Select(e => e.EventTypeName));
        Assert.DoesNotContain(events, e => JsonSerializer.Serialize(e.Data).Contains("一括", StringComparison.Ordinal));

        // The same request again: the same job, finished, and nothing written or registered twice.
        var again = await Post(clerk, body, key);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(location, again.Headers.Location!.ToString());
        var replayed = await again.Json();
        Assert.Equal("completed", replayed.Str("status"));
        Assert.Equal(2_300, replayed.GetProperty("created").GetInt32());
        Assert.Equal(events.Count, (await store.ReadAsync(stream, 1)).Count);

        // The same key with other lines is refused, and the job is unchanged.
        var other = await Post(clerk, Ndjson(Tag(), 3), key);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("idempotency.key-reused", (await other.Json()).Str("code"));
        Assert.Equal(events.Count, (await store.ReadAsync(stream, 1)).Count);
    }

    [Fact]
    public async Task An_interrupted_job_keeps_its_checkpoints_and_the_same_request_resumes_it_registering_nobody_twice()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var key = "job-" + tag;
        var body = Ndjson(tag, 4_000);

        var started = await Post(clerk, body, key);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.ToString();
        var jobId = Guid.Parse((await started.Json()).Str("id"));
        // The activation goes away mid-job, as with a silo restart: the lines were in its memory only.
        await fixture.Grains.GetGrain<IBulkRegistrationJobGrain>(jobId).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var stopped = await UntilDone(clerk, location);
        Assert.True(stopped.Str("status") is "interrupted" or "completed", stopped.Str("status"));
        var doneBefore = stopped.GetProperty("done").GetInt32();
        Assert.True(doneBefore % 1_000 == 0, $"done {doneBefore}: whole chunks only");
        if (stopped.Str("status") == "interrupted")
        {
            await Task.Delay(300);
            Assert.Equal(doneBefore, (await (await clerk.GetAsync(location)).Json()).GetProperty("done").GetInt32()); // nothing runs on
        }

        var resumed = await Post(clerk, body, key);
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        Assert.Equal(location, resumed.Headers.Location!.ToString());
        var done = await UntilDone(clerk, location);

        Assert.Equal("completed", done.Str("status"));
        Assert.Equal(4_000, done.GetProperty("done").GetInt32());
        Assert.Equal(4_000, done.GetProperty("created").GetInt32() + done.GetProperty("existing").GetInt32());
        Assert.Equal(0, done.GetProperty("refused").GetInt32());
        var lines = await AllLines(clerk, location);
        Assert.Equal(Enumerable.Range(0, 4_000).Select(i => $"{tag}-{i}"), lines.Select(l => l.Str("id")));
        Assert.Equal(4_000, lines.Select(l => l.Str("personId")).Distinct().Count());
    }

    [Fact]
    public async Task A_line_the_domain_refuses_is_refused_with_its_code_and_the_rest_of_its_chunk_is_registered()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var body = string.Join('\n', Line(tag, 0), Line(tag, 1, dateOfBirth: "2999-01-01"), Line(tag, 2));

        var started = await Post(clerk, body, null);
        var done = await UntilDone(clerk, started.Headers.Location!.ToString());

        Assert.Equal("completed", done.Str("status"));
        Assert.Equal(2, done.GetProperty("created").GetInt32());
        Assert.Equal(1, done.GetProperty("refused").GetInt32());
        var lines = done.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["created", "refused", "created"], lines.Select(l => l.Str("status")));
        Assert.False(string.IsNullOrEmpty(lines[1].Str("code")));
        Assert.NotEqual("registration.batch-refused", lines[1].Str("code"));
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("personId").ValueKind);
        var refused = await (await clerk.GetAsync(started.Headers.Location + "?status=refused")).Json();
        Assert.Equal([$"{tag}-1"], refused.GetProperty("lines").EnumerateArray().Select(l => l.Str("id")));
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("nextOffset").ValueKind);
    }

    [Fact]
    public async Task Bad_batches_and_bad_pages_are_refused_with_their_codes()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();

        var notJson = await Post(clerk, "{not json", null);
        var empty = await clerk.PostJson(Route, Array.Empty<object>());
        var duplicateIds = await Post(clerk, string.Join('\n', Line(tag, 1), Line(tag, 1)), null);
        var tooMany = await Post(clerk, string.Join('\n', Enumerable.Repeat("{}", IBulkRegistrationJobGrain.MaxLines + 1)), null);
        foreach (var response in new[] { notJson, empty, duplicateIds, tooMany })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("request.invalid", (await response.Json()).Str("code"));
        }

        var unknown = await clerk.GetAsync($"{Route}/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("bulk-registration-job.not-found", (await unknown.Json()).Str("code"));
        var location = (await Post(clerk, Line(tag, 0), null)).Headers.Location!.ToString();
        foreach (var query in new[] { "?limit=1001", "?offset=-1", "?limit=-1", "?status=lost" })
        {
            var page = await clerk.GetAsync(location + query);
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Equal("request.invalid", (await page.Json()).Str("code"));
        }
    }

    [Theory]
    [InlineData(Roles.Terminal)]
    [InlineData(Roles.Insurer)]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Agency)]
    [InlineData(Roles.CallCentre)]
    [InlineData(Roles.Resident)]
    [InlineData(Roles.App)]
    [InlineData(Roles.Kiosk)]
    public async Task Only_a_municipality_clerk_starts_or_reads_a_job(string role)
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var location = (await Post(clerk, Line(tag, 0), "job-" + tag)).Headers.Location!.ToString();
        var done = await UntilDone(clerk, location);
        var caller = fixture.ClientFor(role);

        var start = await Post(caller, Line(Tag(), 0), "job-" + tag);
        var read = await caller.GetAsync(location);

        Assert.True(start.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, start.StatusCode.ToString());
        Assert.True(read.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, read.StatusCode.ToString());
        Assert.DoesNotContain(done.GetProperty("lines")[0].Str("personId"), await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_municipality_neither_reads_the_job_nor_starts_it_with_the_same_key_and_anonymous_is_401()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var key = "job-" + tag;
        var started = await Post(clerk, Ndjson(tag, 2), key);
        var location = started.Headers.Location!.ToString();
        var done = await UntilDone(clerk, location);
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var stream = StreamRef.ForBulkRegistrationJob(Guid.Parse(done.Str("id"))).Key;
        var before = (await store.ReadAsync(stream, 1)).Count;
        var osaka = fixture.Municipality("272019");
        var noMunicipality = fixture.ClientFor(Roles.Municipality, new Dictionary<string, string>());
        var anonymous = fixture.Api.CreateClient();

        var read = await osaka.GetAsync(location);
        var unscoped = await noMunicipality.GetAsync(location);
        var anonymousRead = await anonymous.GetAsync(location);
        var anonymousStart = await Post(anonymous, Ndjson(tag, 2), key);

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal("access.other-municipality", (await read.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, unscoped.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRead.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStart.StatusCode);
        var text = await read.Content.ReadAsStringAsync();
        Assert.DoesNotContain(tag, text, StringComparison.Ordinal);
        Assert.DoesNotContain(done.GetProperty("lines")[0].Str("personId"), text, StringComparison.Ordinal);

        // Osaka's clerk sending the same key and lines starts a job of its own (ids are per caller), never this one.
        var own = await Post(osaka, Ndjson(tag, 2), key);
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.NotEqual(location, own.Headers.Location!.ToString());
        var ownDone = await UntilDone(osaka, own.Headers.Location!.ToString());
        Assert.Equal(2, ownDone.GetProperty("created").GetInt32());
        Assert.Equal(before, (await store.ReadAsync(stream, 1)).Count);
        Assert.Equal(2, (await (await clerk.GetAsync(location)).Json()).GetProperty("created").GetInt32());
    }
}

using System.Net;
using System.Text;
using Myna.Api.Auth;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Level 4: bulk registration for municipalities. A batch is validated whole before anything is written, each
/// line is idempotent under its own id, every person gets a number of their own, and the streams the bulk
/// writer starts are the person grain's own afterwards.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BulkRegistrationApiTests(ApiFixture fixture)
{
    private const string Route = "/v1/persons/bulk-registrations";

    private static object Line(string id, int i, string dateOfBirth = "1970-01-02") => new
    {
        id,
        name = $"一括 登録{i:D4}",
        address = $"東京都千代田区霞が関1-{i}",
        dateOfBirth,
        sex = i % 2 == 0 ? "female" : "male",
        reason = "move-in",
    };

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_batch_registers_every_line_with_its_own_number_and_a_retried_batch_registers_nobody_twice()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var batch = Enumerable.Range(0, 40).Select(i => Line($"{tag}-{i}", i)).ToArray();

        var first = await clerk.PostJson(Route, batch);
        var retried = await clerk.PostJson(Route, batch);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Json();
        Assert.Equal(40, body.GetProperty("created").GetInt32());
        var lines = body.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(batch.Select((_, i) => $"{tag}-{i}"), lines.Select(l => l.Str("id")));
        var again = await retried.Json();
        Assert.True(HttpStatusCode.OK == retried.StatusCode, again.ToString());
        Assert.Equal(0, again.GetProperty("created").GetInt32());
        Assert.Equal(40, again.GetProperty("existing").GetInt32());
        Assert.Equal(lines.Select(l => l.Str("personId")), again.GetProperty("lines").EnumerateArray().Select(l => l.Str("personId")));

        var numbers = new List<string>();
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var person = await (await clerk.GetAsync($"/v1/persons/{line.Str("personId")}")).Json();
            Assert.Equal($"一括 登録{i:D4}", person.Str("name"));
            numbers.Add(person.Str("individualNumber"));
        }
        Assert.Equal(40, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(IndividualNumber.TryParse(n, out _, out _)));

        // The stream is the person grain's own: one registration-with-number command, then the grain's next command on top.
        var personId = lines[0].Str("personId");
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var events = await store.ReadAsync(StreamRef.For(new PersonId(Guid.Parse(personId))).Key, 1);
        Assert.Equal(["person_registered_v1", "resident_record_code_assigned_v1", "individual_number_assigned_v1", "number_notification_letter_sent_v1"],
            events.Select(e => e.EventTypeName));
        Assert.Single(events.Select(e => e.CommandId).Distinct());
        var moved = await clerk.PostJson($"/v1/persons/{personId}/moves", new { newAddress = "東京都千代田区永田町1-7-1", movedOn = "2026-11-01" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }

    /// <summary>
    /// A batch longer than one chunk (<see cref="BulkRegistrationGrain.ChunkSize"/> lines) is written as several
    /// chunks, two at a time. Here 50 lines of the second chunk were registered before by a batch of their own, so
    /// that chunk cannot be started whole and goes line by line through the person grains while the others are
    /// written in bulk: every answer still comes in the batch's order, each line's person once, every number different.
    /// </summary>
    [Fact]
    public async Task A_batch_of_several_chunks_answers_in_order_when_one_chunk_holds_lines_registered_before()
    {
        const int C = BulkRegistrationGrain.ChunkSize;
        var size = Math.Min(IBulkRegistrationGrain.MaxLines, C + C / 5 * 2);
        var clerk = fixture.Municipality();
        var tag = Tag();
        var batch = Enumerable.Range(0, size).Select(i => Line($"{tag}-{i}", i)).ToArray();
        var earlier = await (await clerk.PostJson(Route, batch[(C + 10)..(C + 60)])).Json();
        var earlierPersons = earlier.GetProperty("lines").EnumerateArray().Select(l => l.Str("personId")).ToList();

        var response = await clerk.PostJson(Route, batch);
        var retried = await (await clerk.PostJson(Route, batch)).Json();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Json();
        Assert.Equal(size - 50, body.GetProperty("created").GetInt32());
        Assert.Equal(50, body.GetProperty("existing").GetInt32());
        var lines = body.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(batch.Select((_, i) => $"{tag}-{i}"), lines.Select(l => l.Str("id")));
        Assert.Equal(earlierPersons, lines[(C + 10)..(C + 60)].Select(l => l.Str("personId")));
        Assert.Equal(size, lines.Select(l => l.Str("personId")).Distinct().Count());
        Assert.Equal(0, retried.GetProperty("created").GetInt32());
        Assert.Equal(size, retried.GetProperty("existing").GetInt32());
        Assert.Equal(lines.Select(l => l.Str("personId")), retried.GetProperty("lines").EnumerateArray().Select(l => l.Str("personId")));

        var numbers = new List<string>();
        foreach (var i in new[] { 0, C - 1, C, C + 10, C + 59, C + 60, size - 1 })
        {
            var person = await (await clerk.GetAsync($"/v1/persons/{lines[i].Str("personId")}")).Json();
            Assert.Equal($"一括 登録{i:D4}", person.Str("name"));
            numbers.Add(person.Str("individualNumber"));
        }
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(IndividualNumber.TryParse(n, out _, out _)));
    }

    [Fact]
    public async Task A_line_id_sent_again_with_another_person_is_refused_and_the_first_person_is_unchanged()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var first = await (await clerk.PostJson(Route, new[] { Line($"{tag}-0", 0) })).Json();
        var personId = first.GetProperty("lines")[0].Str("personId");
        var store = new MartenEventStreamStore(TestInfrastructure.CreateStore());
        var before = await store.ReadAsync(StreamRef.For(new PersonId(Guid.Parse(personId))).Key, 1);

        // A replay of the old line id carrying someone else: the line is refused, nobody is renamed or added.
        var replayed = await clerk.PostJson(Route, new[] { Line($"{tag}-0", 7) });

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        var line = (await replayed.Json()).GetProperty("lines")[0];
        Assert.Equal("refused", line.Str("status"));
        Assert.Equal("idempotency.key-reused", line.Str("code"));
        var after = await store.ReadAsync(StreamRef.For(new PersonId(Guid.Parse(personId))).Key, 1);
        Assert.Equal(before.Select(e => (e.Version, e.EventTypeName)), after.Select(e => (e.Version, e.EventTypeName)));
        Assert.Equal("一括 登録0000", (await (await clerk.GetAsync($"/v1/persons/{personId}")).Json()).Str("name"));
    }

    [Fact]
    public async Task One_bad_line_refuses_the_whole_batch_naming_it_and_nothing_is_written()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();
        var ndjson = string.Join('\n',
            System.Text.Json.JsonSerializer.Serialize(Line($"{tag}-0", 0)),
            """{"id":"x-1","address":"東京都千代田区1-1","dateOfBirth":"1970-01-02","sex":"male","reason":"move-in"}""",
            System.Text.Json.JsonSerializer.Serialize(Line($"{tag}-2", 2, dateOfBirth: "2999-01-01")));

        var missing = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson") });
        var future = await clerk.PostJson(Route, new[] { Line($"{tag}-0", 0), Line($"{tag}-2", 2, dateOfBirth: "2999-01-01") });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.Json()).GetProperty("errors").TryGetProperty("lines[1].name", out _));
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        var refused = (await future.Json()).GetProperty("errors");
        Assert.True(refused.TryGetProperty("lines[1]", out _));
        Assert.False(refused.TryGetProperty("lines[0]", out _));
        // The valid line was not registered either: sent alone now, it is created, not found existing.
        var alone = await (await clerk.PostJson(Route, new[] { Line($"{tag}-0", 0) })).Json();
        Assert.Equal(1, alone.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Malformed_and_oversized_batches_are_refused_with_their_codes()
    {
        var clerk = fixture.Municipality();
        var tag = Tag();

        var notJson = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent("{not json", Encoding.UTF8, "application/x-ndjson") });
        var empty = await clerk.PostJson(Route, Array.Empty<object>());
        var tooMany = await clerk.PostJson(Route, Enumerable.Range(0, 1_001).Select(i => Line($"{tag}-{i}", i)).ToArray());
        var duplicateIds = await clerk.PostJson(Route, new[] { Line($"{tag}-a", 1), Line($"{tag}-a", 2) });
        var badId = await clerk.PostJson(Route, new[] { Line("has space", 1) });

        foreach (var response in new[] { notJson, empty, tooMany, duplicateIds, badId })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("request.invalid", (await response.Json()).Str("code"));
        }
    }

    [Theory]
    [InlineData(Roles.Terminal)]
    [InlineData(Roles.Insurer)]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Resident)]
    public async Task Only_a_municipality_clerk_registers_in_bulk(string role)
    {
        var caller = fixture.ClientFor(role);
        var tag = Tag();

        var response = await caller.PostJson(Route, new[] { Line($"{tag}-0", 0) });

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, response.StatusCode.ToString());
        // And the line was not registered: the clerk's own first send of it creates it.
        var created = await (await fixture.Municipality().PostJson(Route, new[] { Line($"{tag}-0", 0) })).Json();
        Assert.Equal(1, created.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task A_line_id_is_the_callers_own_so_another_municipality_reusing_it_registers_its_own_person()
    {
        var tag = Tag();
        var chiyoda = await (await fixture.Municipality().PostJson(Route, new[] { Line($"{tag}-0", 0) })).Json();
        var osaka = await (await fixture.Municipality("271004").PostJson(Route, new[] { Line($"{tag}-0", 0) })).Json();

        Assert.Equal(1, osaka.GetProperty("created").GetInt32());
        var chiyodaPerson = chiyoda.GetProperty("lines")[0].Str("personId");
        var osakaPerson = osaka.GetProperty("lines")[0].Str("personId");
        Assert.NotEqual(chiyodaPerson, osakaPerson);
        // Each municipality reads its own resident only.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality("271004").GetAsync($"/v1/persons/{chiyodaPerson}")).StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;
using Npgsql;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Crypto-shredding: personal data inside person events is stored encrypted under the person's own key;
/// destroying the key erases it from every event, the hash chain still verifies, other persons are untouched.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PersonalDataErasureApiTests(ApiFixture fixture)
{
    private HttpClient Auditor => fixture.ClientFor(Roles.Auditor);

    private static object Person(string name, string address) =>
        new { name, address, dateOfBirth = "1941-06-30", sex = "male", reason = "birth" };

    /// <summary>
    /// Erasure once the record's retention (150 years from the closure, by default) has ended: the silo's clock is
    /// moved past it for these requests only. One clerk requests (202), a second clerk of the municipality approves.
    /// </summary>
    private async Task<HttpResponseMessage> EraseAfterRetention(HttpClient clerk, string personId, string legalBasis)
    {
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 151);
            var requested = await clerk.PostJson($"/v1/persons/{personId}/personal-data-erasure", new { legalBasis });
            if (requested.StatusCode != HttpStatusCode.Accepted)
            {
                return requested;
            }
            return await fixture.Municipality().PostJson($"/v1/persons/{personId}/personal-data-erasure/approval", new { });
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    private static async Task<string> StoredText(string personId)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select string_agg(data::text, ' ' order by version) from {TestInfrastructure.Schema}.mt_events where stream_id = @s", connection);
        command.Parameters.AddWithValue("s", "person-" + personId);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<JsonElement>> History(string personId)
    {
        var page = await (await Auditor.GetAsync($"/v1/audit/streams/person/{personId}/events?limit=500")).Json();
        return page.GetProperty("events").EnumerateArray().ToList();
    }

    private static JsonElement Data(List<JsonElement> events, string type) => events.First(e => e.Str("type") == type).GetProperty("data");

    [Fact]
    public async Task Personal_data_is_stored_encrypted_and_erasure_leaves_the_facts_and_a_verifying_chain()
    {
        var clerk = fixture.Municipality();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var goro = "消去 五郎" + suffix;
        var neighbour = "残留 六郎" + suffix;
        var erasedId = (await (await clerk.PostJson("/v1/persons", Person(goro, "東京都千代田区永田町" + suffix))).Json()).Str("id");
        var keptId = (await (await clerk.PostJson("/v1/persons", Person(neighbour, "東京都千代田区霞が関" + suffix))).Json()).Str("id");
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{erasedId}/individual-number", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{erasedId}/moves", new { newAddress = "東京都港区芝公園" + suffix, movedOn = "2026-10-01" })).StatusCode);

        // At rest: no name or address in clear, yet the grain and the auditor read them.
        var stored = await StoredText(erasedId);
        Assert.DoesNotContain(suffix, stored, StringComparison.Ordinal);
        Assert.Contains("pd1:", stored, StringComparison.Ordinal);
        Assert.Equal(goro, Data(await History(erasedId), "person_registered_v1").GetProperty("items").Str("name"));

        // An open record is not erased.
        var early = await clerk.PostJson($"/v1/persons/{erasedId}/personal-data-erasure", new { legalBasis = "住民基本台帳法施行令第34条" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
        Assert.Equal("person.record-open", (await early.Json()).Str("code"));

        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{erasedId}/closure", new { reason = "death", effectiveOn = "2026-11-20" })).StatusCode);
        // Closed, but its retention (150 years for a deceased resident's record) has not ended.
        var tooSoon = await clerk.PostJson($"/v1/persons/{erasedId}/personal-data-erasure", new { legalBasis = "住民基本台帳法施行令第34条" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooSoon.StatusCode);
        Assert.Equal("person.retention-not-ended", (await tooSoon.Json()).Str("code"));
        Assert.Equal(goro, (await (await clerk.GetAsync($"/v1/persons/{erasedId}")).Json()).Str("name"));
        var erased = await EraseAfterRetention(clerk, erasedId, "住民基本台帳法施行令第34条");
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal("[erased]", (await erased.Json()).Str("name"));

        // The grain (reactivated from the stream) and the audit history read the data as erased; the facts stay.
        var person = await (await clerk.GetAsync($"/v1/persons/{erasedId}")).Json();
        Assert.Equal("[erased]", person.Str("name"));
        Assert.Equal("[erased]", person.Str("address"));
        Assert.Equal("death", person.Str("closedBecause"));
        var history = await History(erasedId);
        Assert.Equal("[erased]", Data(history, "person_registered_v1").GetProperty("items").Str("name"));
        Assert.Equal("[erased]", Data(history, "person_moved_v1").Str("newAddress"));
        Assert.Contains(history, e => e.Str("type") == "resident_record_closed_v1");
        Assert.Contains(history, e => e.Str("type") == "personal_data_erased_v1");
        Assert.DoesNotContain(suffix, JsonSerializer.Serialize(history), StringComparison.Ordinal);

        // The stored events are the same bytes: the chain verifies.
        var verified = await (await Auditor.GetAsync($"/v1/audit/streams/person/{erasedId}/verification")).Json();
        Assert.True(verified.GetProperty("intact").GetBoolean(), verified.GetRawText());

        // The neighbour is untouched.
        Assert.Equal(neighbour, (await (await clerk.GetAsync($"/v1/persons/{keptId}")).Json()).Str("name"));
        Assert.Equal(neighbour, Data(await History(keptId), "person_registered_v1").GetProperty("items").Str("name"));

        // Erasing again answers the same and records nothing more.
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{erasedId}/personal-data-erasure", new { legalBasis = "再実行" })).StatusCode);
        var after = await History(erasedId);
        Assert.Single(after, e => e.Str("type") == "personal_data_erased_v1");
        // Two people: the request by one clerk, the approval by another, each its own event.
        var request = Assert.Single(after, e => e.Str("type") == "personal_data_erasure_requested_v1");
        var approval = Assert.Single(after, e => e.Str("type") == "personal_data_erasure_approved_v1");
        Assert.NotEqual(request.GetProperty("actor").Str("subject"), approval.GetProperty("actor").Str("subject"));
    }

    [Fact]
    public async Task One_clerk_alone_erases_nothing_and_only_a_second_clerk_of_the_same_municipality_approves()
    {
        var clerk = fixture.Municipality();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = "承認 八郎" + suffix;
        var id = (await (await clerk.PostJson("/v1/persons", Person(name, "東京都千代田区麹町" + suffix))).Json()).Str("id");
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/closure", new { reason = "death", effectiveOn = "2026-11-20" })).StatusCode);
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 151);
            Assert.Equal("approval.nothing-pending", (await (await fixture.Municipality().PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { })).Json()).Str("code"));
            var requested = await clerk.PostJson($"/v1/persons/{id}/personal-data-erasure", new { legalBasis = "保存期間満了" });
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
            var pending = Assert.Single((await requested.Json()).GetProperty("pendingApprovals").EnumerateArray());
            Assert.Equal("personal-data-erasure", pending.Str("operation"));
            var version = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?limit=500")).Json()).GetProperty("events").GetArrayLength();

            // The requester, a clerk of another municipality, a call-centre agent: refused, and nothing recorded.
            var own = await clerk.PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { });
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
            Assert.Equal("approval.same-person", (await own.Json()).Str("code"));
            Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality("271004").PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await fixture.ClientFor(Roles.CallCentre).PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { })).StatusCode);
            // A second, different request waits for the first to be decided.
            Assert.Equal(HttpStatusCode.Conflict, (await fixture.Municipality().PostJson($"/v1/persons/{id}/personal-data-erasure", new { legalBasis = "別の根拠" })).StatusCode);
            Assert.Equal(version, (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?limit=500")).Json()).GetProperty("events").GetArrayLength());
            Assert.Equal(name, (await (await clerk.GetAsync($"/v1/persons/{id}")).Json()).Str("name"));

            var approved = await fixture.Municipality().PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { });
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            Assert.Equal("[erased]", (await approved.Json()).Str("name"));
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task An_erased_person_is_no_longer_found_by_the_basic_four_and_a_rebuild_keeps_it_so()
    {
        var clerk = fixture.Municipality();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var id = (await (await clerk.PostJson("/v1/persons", Person("照合 七郎" + suffix, "東京都新宿区西新宿" + suffix))).Json()).Str("id");
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/closure", new { reason = "death", effectiveOn = "2026-11-20" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await EraseAfterRetention(clerk, id, "保存期間満了")).StatusCode);

        Assert.False(await MatchRowExists(id));
        // A rebuild job (the scan grows with the store: waited on by its status, not by one request's timeout).
        var operatorClient = fixture.ClientFor(Roles.Operator);
        var started = await operatorClient.PostJson("/v1/operations/rebuild-jobs", new { index = "person-match" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        string status;
        while ((status = (await (await operatorClient.GetAsync(started.Headers.Location)).Json()).Str("status")) is "running" && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal("completed", status);
        Assert.False(await MatchRowExists(id));
    }

    private static async Task<bool> MatchRowExists(string personId)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {TestInfrastructure.Schema}.mt_doc_personmatchrecord where id = @id", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(personId));
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}

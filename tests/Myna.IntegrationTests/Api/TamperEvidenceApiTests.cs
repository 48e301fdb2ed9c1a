using System.Net;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;
using Npgsql;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Someone with write access to PostgreSQL edits, deletes, inserts, reorders or truncates events; the
/// hash chain (and the checkpoint in blob storage for the tail) names the first event that is wrong.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TamperEvidenceApiTests(ApiFixture fixture)
{
    private const string Events = TestInfrastructure.Schema + ".mt_events";
    private HttpClient Auditor => fixture.ClientFor(Roles.Auditor);

    /// <summary>A person stream of seven sealed events: register, code, number, letter, three moves.</summary>
    private async Task<string> PersonStream()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        await clerk.PostJson($"/v1/persons/{id}/individual-number", new { });
        for (var i = 1; i <= 3; i++)
        {
            (await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = $"東京都千代田区{i}", movedOn = "2026-11-01" })).EnsureSuccessStatusCode();
        }
        return id;
    }

    private async Task<JsonElement> Verify(string id)
    {
        var response = await Auditor.GetAsync($"/v1/audit/streams/person/{id}/verification");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    private static async Task Sql(string sql, string stream)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", stream);
        await command.ExecuteNonQueryAsync();
    }

    private static void AssertBroken(JsonElement result, string problem, long version)
    {
        Assert.False(result.GetProperty("intact").GetBoolean(), result.GetRawText());
        Assert.Equal(problem, result.Str("problem"));
        Assert.Equal(version, result.GetProperty("firstBadVersion").GetInt64());
    }

    [Fact]
    public async Task An_untouched_stream_verifies_including_events_written_through_the_batching_writer()
    {
        var id = await PersonStream();
        var intact = await Verify(id);
        Assert.True(intact.GetProperty("intact").GetBoolean(), intact.GetRawText());
        Assert.Equal(7, intact.GetProperty("events").GetInt64());
        Assert.Equal(0, intact.GetProperty("legacyEvents").GetInt64());

        // Ledger appends go through the batching writer.
        var world = new ClinicWorld(fixture);
        var (patient, _) = await world.InsuredPatient();
        var clinic = await world.Reception();
        await ClinicWorld.CheckWithPin(clinic, patient, ["ceiling-category"]);
        await ClinicWorld.CheckWithPin(clinic, patient);
        var ledger = await (await Auditor.GetAsync($"/v1/audit/streams/ledger/{patient.PersonId}/verification")).Json();
        Assert.True(ledger.GetProperty("intact").GetBoolean(), ledger.GetRawText());
        var stored = await (await Auditor.GetAsync($"/v1/audit/streams/ledger/{patient.PersonId}/events")).Json();
        Assert.True(stored.GetProperty("streamVersion").GetInt64() >= 2);
        Assert.Equal(stored.GetProperty("streamVersion").GetInt64(), ledger.GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task A_modified_event_is_reported()
    {
        var id = await PersonStream();
        await Sql($"update {Events} set data = jsonb_set(data, '{{newAddress}}', '\"大阪府大阪市北区1\"') where stream_id = @s and version = 6", $"person-{id}");
        AssertBroken(await Verify(id), "modified", 6);
    }

    [Fact]
    public async Task A_modified_metadata_field_is_reported()
    {
        var id = await PersonStream();
        await Sql($"update {Events} set correlation_id = '{Guid.NewGuid()}' where stream_id = @s and version = 2", $"person-{id}");
        AssertBroken(await Verify(id), "modified", 2);
    }

    [Fact]
    public async Task A_deleted_event_is_reported_with_or_without_renumbering()
    {
        var gap = await PersonStream();
        await Sql($"delete from {Events} where stream_id = @s and version = 4", $"person-{gap}");
        AssertBroken(await Verify(gap), "removed", 4);

        var renumbered = await PersonStream();
        await Sql($"""
            delete from {Events} where stream_id = @s and version = 3;
            update {Events} set version = version + 1000 where stream_id = @s and version > 3;
            update {Events} set version = version - 1001 where stream_id = @s and version > 1000;
            update {TestInfrastructure.Schema}.mt_streams set version = version - 1 where id = @s;
            """, $"person-{renumbered}");
        AssertBroken(await Verify(renumbered), "removed", 3);
    }

    [Fact]
    public async Task An_inserted_event_is_reported()
    {
        var id = await PersonStream();
        // Make room at version 3 and copy event 2 there, seal and all.
        await Sql($"""
            update {Events} set version = version + 1000 where stream_id = @s and version >= 3;
            update {Events} set version = version - 999 where stream_id = @s and version > 1000;
            update {TestInfrastructure.Schema}.mt_streams set version = version + 1 where id = @s;
            """, $"person-{id}");
        await using (var connection = new NpgsqlConnection(TestInfrastructure.Postgres))
        {
            await connection.OpenAsync();
            await using var columns = new NpgsqlCommand(
                "select string_agg(column_name, ',') from information_schema.columns where table_schema = @schema and table_name = 'mt_events' and column_name not in ('seq_id', 'id', 'version')",
                connection);
            columns.Parameters.AddWithValue("schema", TestInfrastructure.Schema);
            var list = (string)(await columns.ExecuteScalarAsync())!;
            await using var insert = new NpgsqlCommand(
                $"insert into {Events} (seq_id, id, version, {list}) select nextval('{TestInfrastructure.Schema}.mt_events_sequence'), gen_random_uuid(), 3, {list} from {Events} where stream_id = @s and version = 2", connection);
            insert.Parameters.AddWithValue("s", $"person-{id}");
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        AssertBroken(await Verify(id), "inserted", 3);
    }

    [Fact]
    public async Task Reordered_events_are_reported()
    {
        var id = await PersonStream();
        await Sql($"""
            update {Events} set version = 1005 where stream_id = @s and version = 5;
            update {Events} set version = 5 where stream_id = @s and version = 6;
            update {Events} set version = 6 where stream_id = @s and version = 1005;
            """, $"person-{id}");
        AssertBroken(await Verify(id), "reordered", 5);
    }

    [Fact]
    public async Task A_truncated_tail_is_detected_against_the_latest_checkpoint()
    {
        var id = await PersonStream();
        var checkpoint = await fixture.ClientFor(Roles.Operator).PostAsync("/v1/audit/checkpoints", null);
        Assert.Equal(HttpStatusCode.Created, checkpoint.StatusCode);
        var written = await checkpoint.Json();
        Assert.Equal(64, written.Str("merkleRoot").Length);
        Assert.True((await Verify(id)).GetProperty("intact").GetBoolean());

        // A careful tamperer removes the last two events and lowers the stream's version to match.
        await Sql($"""
            delete from {Events} where stream_id = @s and version >= 6;
            update {TestInfrastructure.Schema}.mt_streams set version = 5 where id = @s;
            """, $"person-{id}");

        AssertBroken(await Verify(id), "truncated", 6);
        var store = await (await Auditor.GetAsync("/v1/audit/verification")).Json();
        Assert.Equal(written.Str("id"), store.Str("checkpointId"));
        Assert.True(store.GetProperty("streamsChecked").GetInt32() > store.GetProperty("streamsIntact").GetInt32());
    }
}

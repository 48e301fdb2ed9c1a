using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Online procedures: the data is attached from the records, never uploaded; agencies see only their own code.</summary>
[Collection(ApiCollection.Name)]
public sealed class ProcedureApiTests(ApiFixture fixture)
{
    private readonly HttpClient _clerk = fixture.Municipality();
    private readonly HttpClient _welfare = fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "welfare-office" });
    private readonly HttpClient _pension = fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "pension-service" });

    private async Task<(string Person, HttpClient Resident)> Resident()
    {
        var person = (await (await _clerk.PostJson("/v1/persons", new
        {
            name = "手続 花子" + Guid.NewGuid().ToString("N")[..6], address = "東京都千代田区九段南1-2-1", dateOfBirth = "1988-07-07", sex = "female", reason = "birth",
        })).Json()).Str("id");
        (await _clerk.PostJson($"/v1/persons/{person}/income-summaries", new { fiscalYear = 2025, totalIncomeYen = 3_600_000, taxableIncomeYen = 2_100_000 }))
            .EnsureSuccessStatusCode();
        return (person, fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = person }));
    }

    [Fact]
    public async Task The_items_a_procedure_needs_are_attached_from_the_records_and_each_pull_is_on_the_ledger()
    {
        var catalogue = await (await fixture.Api.CreateClient().GetAsync("/v1/procedures/catalogue")).Json();
        Assert.Contains(catalogue.EnumerateArray(), p => p.Str("kind") == "child-allowance" && p.Str("agency") == "welfare-office");

        var (person, resident) = await Resident();
        var started = await resident.PostJson($"/v1/persons/{person}/procedures", new { kind = "child-allowance" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var submission = await started.Json();
        Assert.Equal("submitted", submission.Str("status"));
        var attachments = submission.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["basic-four-items", "income-summary"], attachments.Select(a => a.Str("item")));
        Assert.Equal(3_600_000, attachments[1].GetProperty("incomeSummaries")[0].GetProperty("totalIncomeYen").GetInt64());
        Assert.StartsWith("手続 花子", attachments[0].GetProperty("basicFourItems").Str("name"), StringComparison.Ordinal);

        var history = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{person}/events")).Json();
        var types = history.GetProperty("events").EnumerateArray().Select(e => e.Str("type")).ToList();
        Assert.Equal(2, types.Count(t => t == "person_data_provided_v1"));
        Assert.Contains("agency_code_issued_v1", types);

        var mine = await (await resident.GetAsync($"/v1/persons/{person}/procedures")).Json();
        Assert.Equal(submission.Str("submissionId"), Assert.Single(mine.EnumerateArray()).Str("submissionId"));
    }

    [Fact]
    public async Task The_receiving_agency_sees_the_submission_under_its_own_code_and_no_other_agency_sees_it()
    {
        var (person, resident) = await Resident();
        var submission = await (await resident.PostJson($"/v1/persons/{person}/procedures", new { kind = "child-allowance" })).Json();
        var id = submission.Str("submissionId");

        var inbox = await (await _welfare.GetAsync("/v1/agency-procedures?status=submitted")).Json();
        var listed = Assert.Single(inbox.EnumerateArray(), s => s.Str("submissionId") == id);
        Assert.Equal(submission.Str("agencyCode"), listed.Str("agencyCode"));
        var seen = await _welfare.GetAsync($"/v1/agency-procedures/{id}");
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        var raw = await seen.Content.ReadAsStringAsync();
        Assert.DoesNotContain(person, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("individualNumber", raw, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.NotFound, (await _pension.GetAsync($"/v1/agency-procedures/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _pension.PostJson($"/v1/agency-procedures/{id}/acceptance", new { })).StatusCode);
        var pensionInbox = await _pension.GetAsync("/v1/agency-procedures");
        Assert.True(pensionInbox.IsSuccessStatusCode, $"{pensionInbox.StatusCode}: {await pensionInbox.Content.ReadAsStringAsync()}");
        Assert.DoesNotContain((await pensionInbox.Json()).EnumerateArray(), s => s.Str("submissionId") == id);

        // A pension submission from the same person carries a different, unlinkable code.
        var pension = await (await resident.PostJson($"/v1/persons/{person}/procedures", new { kind = "national-pension-exemption" })).Json();
        Assert.NotEqual(submission.Str("agencyCode"), pension.Str("agencyCode"));
        Assert.Equal("pension-service", pension.Str("agency"));

        var stranger = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/persons/{person}/procedures/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostJson($"/v1/persons/{person}/procedures", new { kind = "child-allowance" })).StatusCode);
    }

    [Fact]
    public async Task A_returned_submission_carries_its_reason_and_is_resubmitted_with_fresh_data_then_decided()
    {
        var (person, resident) = await Resident();
        var id = (await (await resident.PostJson($"/v1/persons/{person}/procedures", new { kind = "child-allowance" })).Json()).Str("submissionId");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _welfare.PostJson($"/v1/agency-procedures/{id}/decision", new { outcome = "approved" })).StatusCode);
        var returned = await _welfare.PostJson($"/v1/agency-procedures/{id}/return", new { reason = "2025年度の所得が未申告です。申告後に再提出してください。" });
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        var own = await (await resident.GetAsync($"/v1/persons/{person}/procedures/{id}")).Json();
        Assert.Equal("returned", own.Str("status"));
        Assert.StartsWith("2025年度の所得", own.Str("returnedBecause"), StringComparison.Ordinal);
        var noReason = await _welfare.PostJson($"/v1/agency-procedures/{id}/return", new { reason = "" });
        Assert.Equal("procedure.invalid-reason", (await noReason.Json()).Str("code"));

        // The municipality records a re-assessment; the resubmission attaches the current figures.
        (await _clerk.PostJson($"/v1/persons/{person}/income-summaries", new { fiscalYear = 2025, totalIncomeYen = 3_900_000, taxableIncomeYen = 2_300_000 }))
            .EnsureSuccessStatusCode();
        var resubmitted = await resident.PostJson($"/v1/persons/{person}/procedures/{id}/resubmission", new { });
        Assert.Equal(HttpStatusCode.OK, resubmitted.StatusCode);
        var again = await resubmitted.Json();
        Assert.Equal("submitted", again.Str("status"));
        Assert.Equal(3_900_000, again.GetProperty("attachments")[1].GetProperty("incomeSummaries")[0].GetProperty("totalIncomeYen").GetInt64());
        // At rest the resubmission names the person, so its attachments are under the person's key: no figure in clear.
        await using (var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                $"select data::text from {TestInfrastructure.Schema}.mt_events where stream_id = @s and type = 'procedure_resubmitted_v2'", connection);
            command.Parameters.AddWithValue("s", Myna.GrainInterfaces.Common.StreamRef.ForProcedure(Guid.Parse(id)).Key);
            var stored = (string?)await command.ExecuteScalarAsync();
            Assert.NotNull(stored);
            Assert.DoesNotContain("3900000", stored, StringComparison.Ordinal);
            Assert.Contains("pd1:", stored, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await _welfare.PostJson($"/v1/agency-procedures/{id}/acceptance", new { })).StatusCode);
        var decided = await _welfare.PostJson($"/v1/agency-procedures/{id}/decision", new { outcome = "approved", note = "2026年12月分から支給" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var final = await (await resident.GetAsync($"/v1/persons/{person}/procedures/{id}")).Json();
        Assert.Equal("decided", final.Str("status"));
        Assert.Equal("approved", final.Str("outcome"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await resident.PostJson($"/v1/persons/{person}/procedures/{id}/resubmission", new { })).StatusCode);
    }
}

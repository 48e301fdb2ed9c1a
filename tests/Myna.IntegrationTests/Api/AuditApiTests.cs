using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_auditor_lists_a_person_stream_with_metadata_and_the_number_masked()
    {
        var clerk = fixture.Municipality();
        var chosen = Guid.NewGuid().ToString();
        var register = new HttpRequestMessage(HttpMethod.Post, "/v1/persons") { Content = System.Net.Http.Json.JsonContent.Create(ApiJson.Hanako) };
        register.Headers.Add("X-Correlation-Id", chosen);
        var registered = await clerk.SendAsync(register);
        // The client's id is echoed apart; the events carry the server's own.
        Assert.Equal(chosen, registered.Headers.GetValues("X-Client-Correlation-Id").Single());
        var correlation = registered.Headers.GetValues("X-Correlation-Id").Single();
        Assert.NotEqual(chosen, correlation);
        var id = (await registered.Json()).Str("id");
        var number = (await (await clerk.PostAsync($"/v1/persons/{id}/individual-number", null)).Json()).Str("individualNumber");

        var response = await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{id}/events");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        var page = await response.Json();
        Assert.Equal($"person-{id}", page.Str("stream"));
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["person_registered_v1", "resident_record_code_assigned_v1", "individual_number_assigned_v1", "number_notification_letter_sent_v1"], events.Select(e => e.Str("type")));
        Assert.Equal(correlation.ToString(), events[0].Str("correlationId"));
        Assert.Equal("municipality", events[0].Str("channel"));
        Assert.False(string.IsNullOrEmpty(events[0].Str("commandId")));
        Assert.StartsWith("*******", events[1].GetProperty("data").Str("code"), StringComparison.Ordinal);
        Assert.Equal("********" + number[^4..], events[2].GetProperty("data").Str("number"));
        Assert.Equal("municipality", events[2].GetProperty("data").GetProperty("actor").Str("role"));
    }

    [Fact]
    public async Task Paging_walks_the_stream()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        for (var i = 0; i < 3; i++)
        {
            await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = $"東京都港区{i}", movedOn = "2026-11-01" });
        }
        var auditor = fixture.ClientFor(Roles.Auditor);

        var first = await (await auditor.GetAsync($"/v1/audit/streams/person/{id}/events?limit=3")).Json();
        var next = first.GetProperty("nextFromVersion").GetInt64();
        var second = await (await auditor.GetAsync($"/v1/audit/streams/person/{id}/events?fromVersion={next}&limit=3")).Json();

        Assert.Equal(3, first.GetProperty("events").GetArrayLength());
        Assert.Equal(4, next);
        Assert.Equal(1, second.GetProperty("events").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextFromVersion").ValueKind);
    }

    [Fact]
    public async Task Audit_refuses_other_roles_unknown_streams_and_bad_pages()
    {
        var auditor = fixture.ClientFor(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality().GetAsync($"/v1/audit/streams/person/{Guid.NewGuid()}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/v1/audit/streams/person/{Guid.NewGuid()}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync($"/v1/audit/streams/planet/{Guid.NewGuid()}/events")).StatusCode);
        var badPage = await auditor.GetAsync($"/v1/audit/streams/person/{Guid.NewGuid()}/events?limit=0");
        Assert.Equal("audit.invalid-page", (await badPage.Json()).Str("code"));
    }

    [Fact]
    public async Task A_correlation_id_chosen_by_a_client_never_joins_someone_elses_trail()
    {
        var victim = fixture.Municipality();
        var victimResponse = await victim.PostJson("/v1/persons", ApiJson.Hanako);
        var victimCorrelation = victimResponse.Headers.GetValues("X-Correlation-Id").Single();

        // Another caller sends the victim's correlation id as its own.
        var other = fixture.Municipality("272019");
        var forged = new HttpRequestMessage(HttpMethod.Post, "/v1/persons") { Content = System.Net.Http.Json.JsonContent.Create(ApiJson.Hanako) };
        forged.Headers.Add("X-Correlation-Id", victimCorrelation);
        var otherResponse = await other.SendAsync(forged);
        var otherPerson = (await otherResponse.Json()).Str("id");

        Assert.NotEqual(victimCorrelation, otherResponse.Headers.GetValues("X-Correlation-Id").Single());
        var trail = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/correlations/{victimCorrelation}/events")).Json();
        var streams = trail.GetProperty("streams").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains($"person-{(await victimResponse.Json()).Str("id")}", streams);
        Assert.DoesNotContain($"person-{otherPerson}", streams);
    }
}

using System.Net;
using Azure.Data.Tables;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

[Collection(ApiCollection.Name)]
public sealed class HostApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_describes_the_endpoints()
    {
        var response = await fixture.Api.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await response.Json();
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/persons", out _));
        Assert.True(paths.TryGetProperty("/v1/audit/streams/{kind}/{id}/events", out _));
    }

    [Fact]
    public async Task Health_is_ready_when_a_silo_answers_and_alive_always()
    {
        var client = fixture.Api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task Silo_and_api_found_each_other_through_the_azure_table_membership()
    {
        var table = new TableClient(TestInfrastructure.AzureStorage, "OrleansSiloInstances");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey.CompareTo("") > 0))
        {
            if (row.PartitionKey.Contains(fixture.ClusterId, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }
        // The membership row of the silo, with status Active, and the API answering through its gateway.
        Assert.Contains(rows, r => r.GetString("Status") == "Active");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.CreateClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Development_tokens_are_issued_only_for_known_roles()
    {
        var client = fixture.Api.CreateClient();
        var ok = await client.PostJson("/dev/tokens", new { subject = "clerk", role = "municipality", scope = new { municipality = "131016" } });
        var bad = await client.PostJson("/dev/tokens", new { subject = "clerk", role = "emperor" });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False(string.IsNullOrEmpty((await ok.Json()).Str("accessToken")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("request.invalid", (await bad.Json()).Str("code"));
    }

    [Theory]
    [InlineData("GET", "/v1/certificates/ABC123/status")]
    [InlineData("GET", "/v1/apps/some-app")]
    [InlineData("POST", "/v1/auth/challenges")]
    [InlineData("GET", "/v1/persons/0193a5b0-0000-7000-8000-000000000001")]
    public async Task A_token_with_an_unknown_role_is_refused_everywhere(string method, string path)
    {
        var client = fixture.ClientFor("emperor", new Dictionary<string, string> { ["municipality"] = "131016" });

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? System.Net.Http.Json.JsonContent.Create(new { }) : null });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("auth.unknown-role", (await response.Json()).Str("code"));
    }

    [Theory]
    [InlineData("山田\u0000太郎")]
    [InlineData("山田\n太郎")]
    [InlineData("山田\u001b[31m太郎")]
    [InlineData("山田\u0085太郎")]
    public async Task A_control_character_in_any_text_field_is_a_400_and_nothing_is_registered(string name)
    {
        var clerk = fixture.Municipality();

        var response = await clerk.PostJson("/v1/persons", new { name, address = "東京都千代田区千代田1-1", dateOfBirth = "1990-04-01", sex = "male", reason = "birth" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.invalid", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task Answers_with_personal_data_are_never_stored_by_a_browser_or_proxy_and_never_sniffed()
    {
        var clerk = fixture.Municipality();
        var created = await clerk.PostJson("/v1/persons", ApiJson.Hanako);
        var read = await clerk.GetAsync($"/v1/persons/{(await created.Json()).Str("id")}");
        var refused = await fixture.Api.CreateClient().GetAsync("/v1/me");

        foreach (var response in new[] { created, read, refused })
        {
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage?.RequestUri}: {response.Headers.CacheControl}");
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        // A route that says how long it may be kept keeps its own word: the token keys are public.
        var keys = await fixture.Api.CreateClient().GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.False(keys.Headers.CacheControl?.NoStore);
        Assert.True(keys.Headers.CacheControl?.Public);
    }

    [Fact]
    public async Task A_name_with_an_ideographic_variation_selector_passes()
    {
        var clerk = fixture.Municipality();

        // 葛 followed by VARIATION SELECTOR-17 (U+E0100): the IVS form a family register may require.
        var response = await clerk.PostJson("/v1/persons", new { name = "\u845B\uDB40\uDD00城 花子", address = "東京都千代田区千代田1-1", dateOfBirth = "1990-04-01", sex = "female", reason = "birth" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Derived_ids_are_keyed_by_the_server_and_cannot_be_predicted_from_the_caller_and_key()
    {
        var clerk = fixture.ClientFor(Myna.Api.Auth.Roles.Municipality, new Dictionary<string, string> { ["municipality"] = "131016" }, "clerk-derived-ids");
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var key = "card-" + Guid.NewGuid().ToString("N");

        var card = await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" }, key);

        Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        var id = Guid.Parse((await card.Json()).Str("id"));
        var scope = new Myna.GrainInterfaces.Common.ActorScope(Municipality: "131016");
        Assert.Equal(Myna.GrainInterfaces.Common.CommandContext.DerivedId(
            Myna.Api.Commands.CommandContextFactory.CommandIdFor(ApiFixture.CommandIdKey, "municipality", scope, "clerk-derived-ids", key), "card"), id);
        // Neither the unkeyed hash of subject and key, nor the published development key, gives it.
        Assert.NotEqual(Myna.GrainInterfaces.Common.CommandContext.DerivedId(
            Myna.GrainInterfaces.Common.CommandContext.NameBased($"command\nclerk-derived-ids\n{key}"), "card"), id);
        Assert.NotEqual(Myna.GrainInterfaces.Common.CommandContext.DerivedId(
            Myna.Api.Commands.CommandContextFactory.CommandIdFor(new Myna.Api.Commands.CommandIdOptions().IdKey, "municipality", scope, "clerk-derived-ids", key), "card"), id);
    }
}

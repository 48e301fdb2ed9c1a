using System.Net;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Level 4: typed ids bound from routes, and the one filter that turns every call into a command. A malformed id
/// is a 400 with the id's own code, never echoed; a malformed Idempotency-Key is refused before any handler runs,
/// on every kind of route, and writes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RouteBindingApiTests(ApiFixture fixture)
{
    private const string Garbled = "not-a-uuid-7c1f";

    [Theory]
    [InlineData("GET", "/v1/cards/{0}", "card.invalid-id")]
    [InlineData("POST", "/v1/cards/{0}/ready-for-pickup", "card.invalid-id")]
    [InlineData("POST", "/v1/cards/{0}/abolition", "card.invalid-id")]
    [InlineData("GET", "/v1/persons/{0}", "person.invalid-id")]
    [InlineData("POST", "/v1/persons/{0}/name-changes", "person.invalid-id")]
    [InlineData("GET", "/v1/persons/00000000-0000-0000-0000-000000000000", "person.invalid-id")]
    [InlineData("GET", "/v1/cards/00000000-0000-0000-0000-000000000000", "card.invalid-id")]
    public async Task A_malformed_typed_id_in_a_route_is_400_with_the_ids_code_and_is_not_echoed(string method, string template, string code)
    {
        var clerk = fixture.Municipality();
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Garbled);

        var response = method == "GET" ? await clerk.GetAsync(url) : await clerk.PostJson(url, new { reason = "death", newName = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Json()).Str("code"));
        Assert.DoesNotContain(Garbled, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_refused_on_every_kind_of_command_and_writes_nothing()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var before = await (await clerk.GetAsync($"/v1/persons/{person}")).Json();

        var attempts = new[]
        {
            await clerk.PostJson($"/v1/persons/{person}/name-changes", new { newName = "佐藤 花" }, "key with spaces"),
            await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter" }, new string('k', 201)),
            await fixture.ClientFor(Myna.Api.Auth.Roles.Operator).PostJson("/v1/operations/rebuild-jobs", new { index = "certificates" }, "another key with spaces"),
        };

        Assert.All(attempts, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        foreach (var attempt in attempts)
        {
            Assert.Equal("idempotency-key.invalid", (await attempt.Json()).Str("code"));
        }
        var after = await (await clerk.GetAsync($"/v1/persons/{person}")).Json();
        Assert.Equal(before.Str("name"), after.Str("name"));
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Every_call_gets_the_servers_own_correlation_id_and_a_clients_is_kept_apart()
    {
        var correlation = Guid.NewGuid().ToString("D");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/high-cost-ceilings/under-seventy-c?totalMedicalCost=1000000");
        request.Headers.Add("X-Correlation-Id", correlation);

        var response = await fixture.Municipality().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var own = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.True(Guid.TryParse(own, out _));
        Assert.NotEqual(correlation, own);
        Assert.Equal(correlation, response.Headers.GetValues("X-Client-Correlation-Id").Single());
    }
}

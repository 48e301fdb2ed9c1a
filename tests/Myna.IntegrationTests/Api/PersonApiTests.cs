using System.Net;
using System.Text;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Level 4: the HTTP API through WebApplicationFactory, against a real silo on PostgreSQL and Azurite.</summary>
[Collection(ApiCollection.Name)]
public sealed class PersonApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Registering_a_person_answers_201_with_a_location_that_reads_back()
    {
        var clerk = fixture.Municipality();

        var created = await clerk.PostJson("/v1/persons", ApiJson.Hanako);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Json();
        var location = created.Headers.Location!.ToString();
        Assert.Equal($"/v1/persons/{body.Str("id")}", location);
        var read = await clerk.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var person = await read.Json();
        Assert.Equal("佐藤 花子", person.Str("name"));
        Assert.Equal("1985-02-03", person.Str("dateOfBirth"));
        Assert.Equal("131016", person.Str("municipality"));
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_makes_one_person_and_the_same_response()
    {
        var clerk = fixture.Municipality();
        var key = "register-" + Guid.NewGuid();

        var first = await clerk.PostJson("/v1/persons", ApiJson.Hanako, key);
        var second = await clerk.PostJson("/v1/persons", ApiJson.Hanako, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());

        var auditor = fixture.ClientFor(Roles.Auditor);
        var id = (await first.Json()).Str("id");
        var history = await (await auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json();
        Assert.Equal(1, history.GetProperty("streamVersion").GetInt64());
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_conflict()
    {
        var clerk = fixture.Municipality();
        var key = "move-" + Guid.NewGuid();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");

        var first = await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都港区1-1", movedOn = "2026-11-01" }, key);
        var reused = await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都港区2-2", movedOn = "2026-11-01" }, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("idempotency.key-reused", (await reused.Json()).Str("code"));
    }

    [Fact]
    public async Task Numbering_returns_a_valid_number_once_and_lookup_finds_the_person()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");

        var numbered = await clerk.PostAsync($"/v1/persons/{id}/individual-number", null);
        var again = await clerk.PostAsync($"/v1/persons/{id}/individual-number", null);

        Assert.Equal(HttpStatusCode.OK, numbered.StatusCode);
        var number = (await numbered.Json()).Str("individualNumber");
        Assert.True(Myna.GrainInterfaces.Common.IndividualNumber.TryParse(number, out _, out _));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("individual-number.already-assigned", (await again.Json()).Str("code"));

        var found = await clerk.PostJson("/v1/persons/lookup", new { individualNumber = number });
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(id, (await found.Json()).Str("personId"));
        // The hit is on the person's ledger, as a read by municipality staff (issue 17: lookups are recorded).
        var ledger = await (await fixture.ClientFor(Myna.Api.Auth.Roles.Auditor).GetAsync($"/v1/audit/streams/ledger/{id}/events?limit=500")).Json();
        Assert.Contains(ledger.GetProperty("events").EnumerateArray(),
            e => e.Str("type") == "staff_data_read_v1" && e.GetProperty("data").Str("what") == "number-lookup");
    }

    [Fact]
    public async Task A_bad_check_digit_is_a_400_with_its_code_and_the_number_is_not_echoed()
    {
        var response = await fixture.Municipality().PostJson("/v1/persons/lookup", new { individualNumber = "123456789012" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal("individual-number.invalid-check-digit", (await response.Json()).Str("code"));
        Assert.DoesNotContain("123456789012", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_fields_are_a_400_listing_each_field()
    {
        var response = await fixture.Municipality().PostJson("/v1/persons", new { name = "佐藤 花子" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Json();
        Assert.Equal("request.invalid", problem.Str("code"));
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("address", out _));
        Assert.True(errors.TryGetProperty("dateOfBirth", out _));
        Assert.True(errors.TryGetProperty("sex", out _));
        Assert.False(errors.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_not_a_500()
    {
        var content = new StringContent("{\"name\":", Encoding.UTF8, "application/json");
        var response = await fixture.Municipality().PostAsync("/v1/persons", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.malformed", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task A_name_or_address_that_hides_what_it_holds_and_a_move_dated_before_birth_are_400s_and_nothing_is_written()
    {
        var clerk = fixture.Municipality();
        var hidden = await clerk.PostJson("/v1/persons", new { name = "\u202E\u200B", address = "東京都千代田区千代田1-1", dateOfBirth = "1985-02-03", sex = "female", reason = "birth" });
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        Assert.Equal("person.invalid-name", (await hidden.Json()).Str("code"));

        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var before = await (await clerk.GetAsync($"/v1/persons/{id}")).Content.ReadAsStringAsync();
        var reversed = await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都\u202E1-7-1 町田永", movedOn = "2026-10-01" });
        var renamed = await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "佐藤\u200B花子" });
        var beforeBirth = await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区永田町1-7-1", movedOn = "0001-01-01" });

        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal("person.invalid-address", (await reversed.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        Assert.Equal("person.invalid-name", (await renamed.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.BadRequest, beforeBirth.StatusCode);
        Assert.Equal("person.invalid-moved-on", (await beforeBirth.Json()).Str("code"));
        Assert.Equal(before, await (await clerk.GetAsync($"/v1/persons/{id}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_name_shaped_like_an_Individual_Number_is_a_400_at_registration_and_at_a_change_of_name_and_nothing_is_written()
    {
        var clerk = fixture.Municipality();
        var registered = await clerk.PostJson("/v1/persons", new { name = "１２３４ ５６７８ ９０１８", address = "東京都千代田区千代田1-1", dateOfBirth = "1985-02-03", sex = "female", reason = "birth" });
        Assert.Equal(HttpStatusCode.BadRequest, registered.StatusCode);
        Assert.Equal("person.invalid-name", (await registered.Json()).Str("code"));

        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var before = await (await clerk.GetAsync($"/v1/persons/{id}")).Content.ReadAsStringAsync();
        var renamed = await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "佐藤 1234-5678-9018" });

        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        Assert.Equal("person.invalid-name", (await renamed.Json()).Str("code"));
        Assert.Equal(before, await (await clerk.GetAsync($"/v1/persons/{id}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_enum_given_as_a_number_outside_its_list_is_a_400_naming_the_field_and_registers_nobody()
    {
        var clerk = fixture.Municipality();
        var key = "enum-" + Guid.NewGuid().ToString("N");
        var reason = await clerk.PostJson("/v1/persons", new { name = "列挙 太郎", address = "東京都千代田区千代田1-1", dateOfBirth = "1980-04-01", sex = "male", reason = 99 }, key);
        var sex = await clerk.PostJson("/v1/persons", new { name = "列挙 花子", address = "東京都千代田区千代田1-1", dateOfBirth = "1980-04-01", sex = 7, reason = "birth" });
        var bulk = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/persons/bulk-registrations")
        {
            Content = new StringContent(
                """{"id":"enum-1","name":"列挙 一郎","address":"東京都千代田区千代田1-1","dateOfBirth":"1980-04-01","sex":"male","reason":"birth"}"""
                + "\n" + """{"id":"enum-2","name":"列挙 二郎","address":"東京都千代田区千代田1-1","dateOfBirth":"1980-04-01","sex":-1,"reason":"birth"}""",
                System.Text.Encoding.UTF8, "application/x-ndjson"),
        });

        // Refused at the API, before any grain: the field is named, the value is not echoed.
        foreach (var (response, field) in new[] { (reason, "reason"), (sex, "sex"), (bulk, "lines[1].sex") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Json();
            Assert.Equal("request.invalid", problem.Str("code"));
            Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
        // The same key with a valid body is a first registration: the refused one left nothing behind.
        var valid = await clerk.PostJson("/v1/persons", new { name = "列挙 太郎", address = "東京都千代田区千代田1-1", dateOfBirth = "1980-04-01", sex = "male", reason = "birth" }, key);
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
    }

    [Theory]
    [InlineData("0")]                     // a listed value's number: ISO 5218 says 1 is male, the list's order says female
    [InlineData("1")]
    [InlineData("\"1\"")]              // the number as text
    [InlineData("\"male, female\"")]   // a comma list, which the framework would combine as flags
    [InlineData("\"male,female\"")]
    [InlineData("\" male\"")]           // padded
    [InlineData("\"nonsense\"")]
    [InlineData("true")]
    public async Task An_enum_that_is_not_one_listed_name_is_a_400_naming_the_field_and_registers_nobody(string sex)
    {
        var clerk = fixture.Municipality();
        var key = "enum-" + Guid.NewGuid().ToString("N");
        var body = $$"""{"name":"列挙 四郎","address":"東京都千代田区千代田1-1","dateOfBirth":"1980-04-01","sex":{{sex}},"reason":"birth"}""";
        var bulkLine = $$"""{"id":"enum-b","name":"列挙 五郎","address":"東京都千代田区千代田1-1","dateOfBirth":"1980-04-01","sex":{{sex}},"reason":"birth"}""";

        var single = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/persons")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "Idempotency-Key", key } },
        });
        var array = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/persons/bulk-registrations")
        {
            Content = new StringContent("[" + bulkLine.Replace("enum-b", "enum-a") + "," + bulkLine + "]", System.Text.Encoding.UTF8, "application/json"),
        });
        var ndjson = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/persons/bulk-registrations")
        {
            Content = new StringContent(bulkLine.Replace("\"sex\":" + sex, "\"sex\":\"male\"").Replace("enum-b", "enum-a") + "\n" + bulkLine,
                System.Text.Encoding.UTF8, "application/x-ndjson"),
        });

        foreach (var (response, field) in new[] { (single, "sex"), (array, "lines[0].sex"), (ndjson, "lines[1].sex") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Json();
            Assert.Equal("request.invalid", problem.Str("code"));
            Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
        // Nothing was registered under the key: the same key with a valid body is a first registration.
        var valid = await clerk.PostJson("/v1/persons", new { name = "列挙 四郎", address = "東京都千代田区千代田1-1", dateOfBirth = "1980-04-01", sex = "female", reason = "birth" }, key);
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
        Assert.Equal("female", (await valid.Json()).Str("sex"));
    }

    [Fact]
    public async Task A_listed_name_written_with_json_escapes_is_the_same_name()
    {
        var clerk = fixture.Municipality();
        var registered = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/persons")
        {
            Content = new StringContent("""{"name":"列挙 六郎","address":"東京都千代田区千代田1-1","dateOfBirth":"1980-04-01","sex":"\u0066emale","reason":"birth"}""",
                System.Text.Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("female", (await registered.Json()).Str("sex"));
    }

    [Fact]
    public async Task A_domain_rule_violation_maps_to_its_code()
    {
        var response = await fixture.Municipality().PostJson("/v1/persons", new
        {
            name = "未来 太郎", address = "東京都", dateOfBirth = "2999-01-01", sex = "male", reason = "birth",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("person.invalid-date-of-birth", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task Without_a_token_it_is_401_with_a_problem_body()
    {
        var response = await fixture.Api.CreateClient().PostJson("/v1/persons", ApiJson.Hanako);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.unauthenticated", (await response.Json()).Str("code"));
    }

    [Theory]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Resident)]
    [InlineData(Roles.Terminal)]
    [InlineData(Roles.Agency)]
    public async Task Other_roles_may_not_register_persons(string role)
    {
        var response = await fixture.ClientFor(role).PostJson("/v1/persons", ApiJson.Hanako);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("auth.forbidden", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task A_municipality_token_without_its_code_is_forbidden()
    {
        var response = await fixture.ClientFor(Roles.Municipality).PostJson("/v1/persons", ApiJson.Hanako);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Another_municipality_cannot_read_the_person()
    {
        var id = (await (await fixture.Municipality("131016").PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");

        var response = await fixture.Municipality("271004").GetAsync($"/v1/persons/{id}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("person.other-municipality", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task Unknown_and_malformed_person_ids_are_404_and_400()
    {
        var clerk = fixture.Municipality();
        var unknown = await clerk.GetAsync($"/v1/persons/{Guid.NewGuid()}");
        var malformed = await clerk.GetAsync("/v1/persons/not-a-uuid");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("person.not-found", (await unknown.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("person.invalid-id", (await malformed.Json()).Str("code"));
    }

    [Fact]
    public async Task Concurrent_reads_never_mix_one_persons_data_into_anothers_answer()
    {
        // Invariant 15 (the 2023 kiosk incident): many requests at once, each answer is its own person's.
        var clerk = fixture.Municipality();
        var persons = new List<(string Id, string Name)>();
        for (var i = 0; i < 20; i++)
        {
            var name = $"並行 {i:D2}";
            var created = await (await clerk.PostJson("/v1/persons", new { name, address = $"東京都千代田区{i}", dateOfBirth = "1980-01-01", sex = "male", reason = "birth" })).Json();
            persons.Add((created.Str("id"), name));
        }

        var reads = Enumerable.Range(0, 400).Select(async i =>
        {
            var (id, name) = persons[i % persons.Count];
            var person = await (await clerk.GetAsync($"/v1/persons/{id}")).Json();
            return (expected: (id, name), actual: (person.Str("id"), person.Str("name")));
        });
        var answers = await Task.WhenAll(reads);

        Assert.All(answers, a => Assert.Equal(a.expected, a.actual));
    }

    [Fact]
    public async Task An_invalid_idempotency_key_is_refused()
    {
        var response = await fixture.Municipality().PostJson("/v1/persons", ApiJson.Hanako, "bad key with spaces");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency-key.invalid", (await response.Json()).Str("code"));
    }
}

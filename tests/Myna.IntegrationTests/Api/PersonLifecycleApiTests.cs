using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

[Collection(ApiCollection.Name)]
public sealed class PersonLifecycleApiTests(ApiFixture fixture)
{
    private async Task<(HttpClient Clerk, string Id, string Number)> NumberedPerson()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var number = (await (await clerk.PostAsync($"/v1/persons/{id}/individual-number", null)).Json()).Str("individualNumber");
        return (clerk, id, number);
    }

    [Fact]
    public async Task Rename_then_closure_then_every_change_is_refused_with_a_clear_code()
    {
        var (clerk, id, _) = await NumberedPerson();

        var renamed = await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "鈴木 花子" });
        Assert.Equal("鈴木 花子", (await renamed.Json()).Str("name"));

        var closed = await clerk.PostJson($"/v1/persons/{id}/closure", new { reason = "death", effectiveOn = "2026-11-20" });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("death", (await closed.Json()).Str("closedBecause"));

        var again = await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "田中 花子" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal("person.record-closed", (await again.Json()).Str("code"));
        var move = await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "大阪府", movedOn = "2026-11-21" });
        Assert.Equal("person.record-closed", (await move.Json()).Str("code"));
    }

    [Fact]
    public async Task Disability_certificates_are_recorded_updated_and_expired_through_the_api()
    {
        var (clerk, id, _) = await NumberedPerson();
        await clerk.PostJson($"/v1/persons/{id}/disability-certificates", new
        {
            certificateNumber = "C-77", kind = "mental-health", grade = "2", issuer = "東京都", validFrom = "2025-04-01", validUntil = "2027-03-31",
        });
        var update = new HttpRequestMessage(HttpMethod.Put, $"/v1/persons/{id}/disability-certificates/C-77")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { grade = "1", validUntil = "2028-03-31" }),
        };
        Assert.Equal(HttpStatusCode.OK, (await clerk.SendAsync(update)).StatusCode);
        var expired = await (await clerk.PostJson($"/v1/persons/{id}/disability-certificates/C-77/expiry", new { expiredOn = "2026-11-25" })).Json();

        var certificate = expired.GetProperty("disabilityCertificates")[0];
        Assert.Equal("1", certificate.Str("grade"));
        Assert.Equal("2028-03-31", certificate.Str("validUntil"));
        Assert.True(certificate.GetProperty("expired").GetBoolean());

        var unknown = await clerk.PostJson($"/v1/persons/{id}/disability-certificates/nope/expiry", new { expiredOn = "2026-11-25" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("disability-certificate.not-found", (await unknown.Json()).Str("code"));
    }

    [Fact]
    public async Task Identity_verification_answers_in_words_and_records_who_helped()
    {
        var (clerk, id, number) = await NumberedPerson();

        var accepted = await clerk.PostJson($"/v1/persons/{id}/identity-verifications", new
        {
            procedure = "児童手当認定請求",
            helpedBy = "clerk-42",
            documents = new object[] { new { kind = "resident-record-with-number", individualNumber = number }, new { kind = "drivers-licence" } },
        });
        var letterOnly = await clerk.PostJson($"/v1/persons/{id}/identity-verifications", new
        {
            procedure = "児童手当認定請求",
            documents = new object[] { new { kind = "number-notification-letter", individualNumber = number } },
        });

        var yes = await accepted.Json();
        var no = await letterOnly.Json();
        Assert.True(yes.GetProperty("accepted").GetBoolean());
        Assert.False(no.GetProperty("accepted").GetBoolean());
        Assert.Contains(no.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("notification letter", StringComparison.Ordinal));
        Assert.DoesNotContain(number, await letterOnly.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var history = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{id}/events")).Json();
        var verified = history.GetProperty("events").EnumerateArray().First(e => e.Str("type") == "identity_verified_v1");
        Assert.Equal("clerk-42", verified.GetProperty("data").Str("helpedBy"));
        Assert.True(verified.GetProperty("data").GetProperty("accepted").GetBoolean());
    }

    [Theory]
    [InlineData("procedure", "児童手当 1234-5678-9018")]
    [InlineData("helpedBy", "clerk-42 123456789018")]
    [InlineData("helpedBy", "clerk-42\u200B")]
    public async Task A_verification_whose_procedure_or_helper_holds_a_number_or_invisible_formatting_is_refused_and_nothing_is_recorded(string field, string text)
    {
        var (clerk, id, number) = await NumberedPerson();
        var before = (await (await clerk.GetAsync($"/v1/persons/{id}")).Json()).GetProperty("version").GetInt64();

        var response = await clerk.PostJson($"/v1/persons/{id}/identity-verifications", new
        {
            procedure = field == "procedure" ? text : "児童手当認定請求",
            helpedBy = field == "helpedBy" ? text : null,
            documents = new object[] { new { kind = "individual-number-card", individualNumber = number } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("identity.invalid-request", (await response.Json()).Str("code"));
        Assert.DoesNotContain("9018", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await (await clerk.GetAsync($"/v1/persons/{id}")).Json()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_malformed_number_in_a_presented_document_is_a_400()
    {
        var (clerk, id, _) = await NumberedPerson();
        var response = await clerk.PostJson($"/v1/persons/{id}/identity-verifications", new
        {
            procedure = "x",
            documents = new object[] { new { kind = "individual-number-card", individualNumber = "123456789012" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.invalid", (await response.Json()).Str("code"));
        Assert.DoesNotContain("123456789012", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

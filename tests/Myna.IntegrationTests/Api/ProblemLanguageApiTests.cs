using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Myna.Api.Auth;
using Myna.Api.Errors;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Resident-facing problems (and the generic ones) speak the caller's language from Accept-Language: the same
/// request in ja and en answers a different title and detail with the same stable code, and says which in
/// Content-Language.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProblemLanguageApiTests(ApiFixture fixture)
{
    private async Task<(HttpStatusCode Status, JsonElement Problem, string? Language)> Send(string method, string url, string? language, object? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (language is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", language);
        }
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }
        using var response = await fixture.Api.CreateClient().SendAsync(request);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Json(), response.Content.Headers.ContentLanguage.SingleOrDefault());
    }

    private async Task SameCodeOtherWords(string method, string url, HttpStatusCode status, string code, object? body = null)
    {
        var (enStatus, en, enLanguage) = await Send(method, url, "en", body);
        var (jaStatus, ja, jaLanguage) = await Send(method, url, "ja", body);

        Assert.Equal(status, enStatus);
        Assert.Equal(status, jaStatus);
        Assert.Equal(code, en.Str("code"));
        Assert.Equal(code, ja.Str("code"));
        Assert.Equal("en", enLanguage);
        Assert.Equal("ja", jaLanguage);
        Assert.NotEqual(en.Str("title"), ja.Str("title"));
        Assert.NotEqual(en.Str("detail"), ja.Str("detail"));
        Assert.Equal(ProblemLanguages.JapaneseDetails[code], ja.Str("detail"));
        Assert.Contains(ja.Str("title"), c => c > '\u3000');
        Assert.All(en.Str("title") + en.Str("detail"), c => Assert.True(c < '\u3000', "English text: " + en.Str("detail")));
    }

    [Fact]
    public Task A_resident_route_without_a_token_answers_401_in_either_language() =>
        SameCodeOtherWords("GET", "/v1/me", HttpStatusCode.Unauthorized, "auth.unauthenticated");

    [Fact]
    public Task A_card_login_domain_refusal_is_localised_with_the_same_code() =>
        SameCodeOtherWords("POST", "/v1/auth/challenges", HttpStatusCode.Forbidden, "challenge.purpose-not-allowed",
            new { purpose = "eligibility-check", audience = "portal" });

    [Fact]
    public Task A_malformed_login_is_localised_and_keeps_its_field_errors() =>
        SameCodeOtherWords("POST", "/v1/portal/sessions", HttpStatusCode.BadRequest, "request.invalid", new { challenge = "not base64!" });

    [Fact]
    public async Task The_field_errors_of_a_localised_400_stay_and_no_number_is_echoed()
    {
        var (status, ja, _) = await Send("POST", "/v1/portal/sessions", "ja", new { challenge = "123456789018", certificateSerial = "123456789018" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(ja.GetProperty("errors").TryGetProperty("signature", out _));
        Assert.DoesNotContain("123456789018", ja.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public Task An_unknown_route_is_a_generic_404_in_either_language() =>
        SameCodeOtherWords("GET", "/v1/no-such-route", HttpStatusCode.NotFound, "route.not-found");

    [Fact]
    public async Task A_rate_limited_login_answers_429_in_the_callers_language()
    {
        await using var limited = fixture.Api.WithWebHostBuilder(b => b.UseSetting("Portal:RateLimits:LoginsPerIp", "1"));
        var client = limited.CreateClient();
        using var first = new HttpRequestMessage(HttpMethod.Post, "/v1/portal/sessions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(first)).StatusCode);

        using var ja = new HttpRequestMessage(HttpMethod.Post, "/v1/portal/sessions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        ja.Headers.TryAddWithoutValidation("Accept-Language", "en;q=0.4, ja;q=0.8");
        using var answer = await client.SendAsync(ja);
        var problem = await answer.Json();

        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.NotNull(answer.Headers.RetryAfter);
        Assert.Equal("rate-limit.exceeded", problem.Str("code"));
        Assert.Equal("リクエストが多すぎます。", problem.Str("title"));
        Assert.Equal(ProblemLanguages.JapaneseDetails["rate-limit.exceeded"], problem.Str("detail"));
        Assert.Equal("ja", answer.Content.Headers.ContentLanguage.Single());

        using var en = new HttpRequestMessage(HttpMethod.Post, "/v1/portal/sessions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        using var english = await client.SendAsync(en);
        Assert.Equal(HttpStatusCode.TooManyRequests, english.StatusCode);
        Assert.Equal("Too many requests.", (await english.Json()).Str("title"));
    }

    [Fact]
    public async Task A_staff_routes_domain_problem_keeps_its_english_words()
    {
        var token = fixture.Api.Services.GetRequiredService<TokenIssuer>()
            .Issue("clerk-languages", Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" }).Token;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/persons/" + Guid.NewGuid());
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("Accept-Language", "ja");
        using var response = await fixture.Api.CreateClient().SendAsync(request);
        var problem = await response.Json();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("person.not-found", problem.Str("code"));
        Assert.All(problem.Str("title") + problem.Str("detail"), c => Assert.True(c < '\u3000'));
        Assert.Empty(response.Content.Headers.ContentLanguage);
    }

    [Theory]
    [InlineData(null, "en")]
    [InlineData("ja", "ja")]
    [InlineData("ja-JP,ja;q=0.9,en;q=0.8", "ja")]
    [InlineData("en-US,en;q=0.9,ja;q=0.8", "en")]
    [InlineData("fr-FR, ja;q=0.5, en;q=0.4", "ja")]
    [InlineData("en;q=0.3, ja;q=0.7", "ja")]
    [InlineData("ja;q=0, en", "en")]
    [InlineData("ja;q=0", "en")]
    [InlineData("de, fr", "en")]
    [InlineData("*", "en")]
    [InlineData("en;q=nonsense", "en")]
    public void The_language_follows_accept_language_with_its_q_values(string? header, string expected)
    {
        var http = new DefaultHttpContext();
        if (header is not null)
        {
            http.Request.Headers.AcceptLanguage = header;
        }
        Assert.Equal(expected, ProblemLanguages.Choose(http.Request));
    }

    [Fact]
    public void Every_code_a_resident_route_can_answer_has_its_japanese_words()
    {
        var resident = RouteTable.Rows.Where(r => r.Pattern is "/v1/me" || ProblemLanguages.ResidentPrefixes.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal)));
        var missing = resident.SelectMany(r => r.DomainCodes).Concat(ProblemLanguages.Generic)
            .Where(c => !ProblemLanguages.JapaneseDetails.ContainsKey(c)).Distinct().ToList();
        Assert.True(missing.Count == 0, "Codes without a Japanese detail: " + string.Join(", ", missing));
        Assert.DoesNotContain(ProblemLanguages.JapaneseDetails.Values, text => text.Any(char.IsAsciiDigit) && text.Count(char.IsAsciiDigit) >= 4);
    }

    [Fact]
    public async Task Every_code_the_document_lists_for_a_resident_route_has_its_japanese_words()
    {
        var document = await (await fixture.Api.CreateClient().GetAsync("/openapi/v1.json")).Json();
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name is "/v1/me" || ProblemLanguages.ResidentPrefixes.Any(prefix => p.Name.StartsWith(prefix, StringComparison.Ordinal))))
        {
            foreach (var code in path.Value.EnumerateObject().SelectMany(o => o.Value.GetProperty("x-myna-error-codes").EnumerateArray()))
            {
                if (!ProblemLanguages.JapaneseDetails.ContainsKey(code.GetString()!))
                {
                    missing.Add(code.GetString()!);
                }
            }
        }
        Assert.True(missing.Count == 0, "Codes without a Japanese detail: " + string.Join(", ", missing));
    }
}

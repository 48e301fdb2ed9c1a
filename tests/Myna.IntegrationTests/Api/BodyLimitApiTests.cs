using System.Net;
using System.Text;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Per-route body limits (issue 17): an oversized body is a 413 <c>request.too-large</c> ProblemDetails, read no further and never a 500.</summary>
[Collection(ApiCollection.Name)]
public sealed class BodyLimitApiTests(ApiFixture fixture)
{
    /// <summary>A JSON person registration padded with a long name to about <paramref name="bytes"/> bytes.</summary>
    private static string PaddedPerson(int bytes) =>
        "{\"name\":\"" + new string('a', bytes) + "\",\"address\":\"東京都千代田区1-1\",\"dateOfBirth\":\"1980-01-01\",\"sex\":\"male\",\"reason\":\"birth\"}";

    private static async Task AssertTooLarge(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.Equal("request.too-large", problem.Str("code"));
        // Its own title, not the one an unexpected error (a 500) has.
        Assert.Equal("The request is too large.", problem.Str("title"));
    }

    [Fact]
    public async Task A_command_body_over_64_KiB_is_413_whether_it_declares_its_length_or_is_chunked()
    {
        var clerk = fixture.Municipality();
        var declared = new StringContent(PaddedPerson(70 * 1024), Encoding.UTF8, "application/json");
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(PaddedPerson(200 * 1024))));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        await AssertTooLarge(await clerk.PostAsync("/v1/persons", declared));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/persons") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await AssertTooLarge(await clerk.SendAsync(request));
        // Anonymous routes too, before anything is parsed.
        await AssertTooLarge(await fixture.Api.CreateClient().PostAsync("/v1/auth/challenges",
            new StringContent("{\"purpose\":\"" + new string('x', 100 * 1024) + "\"}", Encoding.UTF8, "application/json")));
    }

    [Fact]
    public async Task A_body_under_the_limit_is_read_and_a_feed_takes_a_thousand_lines()
    {
        var clerk = fixture.Municipality();
        // Under 64 KiB: read and validated as usual (a 1,000-character name is refused as too long, not as too large).
        var small = await clerk.PostAsync("/v1/persons", new StringContent(PaddedPerson(1_000), Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, small.StatusCode);
        Assert.True((int)small.StatusCode < 500, $"got {(int)small.StatusCode}");

        // A feed of 1,000 lines (over 64 KiB) passes the limit of its route and is validated line by line (the check digits are wrong).
        var lines = Enumerable.Range(0, 1_000).Select(i => new { individualNumber = "000000000001", fiscalYear = 2025, totalIncomeYen = 5_000_000 + i, taxableIncomeYen = 3_000_000 });
        var taxOffice = fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "tax-office" });
        var feed = await taxOffice.PostJson("/v1/income-feeds", new { batchId = "limits-" + Guid.NewGuid().ToString("N")[..8], lines });
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, feed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, feed.StatusCode);
        Assert.Equal("request.invalid", (await feed.Json()).Str("code"));
    }

    [Fact]
    public async Task A_bulk_registration_job_takes_a_body_over_the_feed_limit_and_is_413_only_over_48_MiB()
    {
        var clerk = fixture.Municipality();
        // 5 MiB (over the 4 MiB of the feeds and of bulk-registrations): read and validated (the line has no id).
        var large = "{\"name\":\"" + new string('a', 5 * 1024 * 1024) + "\"}";
        var read = await clerk.PostAsync("/v1/persons/bulk-registration-jobs", new StringContent(large, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        Assert.Equal("request.invalid", (await read.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge,
            (await clerk.PostAsync("/v1/persons/bulk-registrations", new StringContent(large, Encoding.UTF8, "application/x-ndjson"))).StatusCode);

        var over = new ByteArrayContent(new byte[48 * 1024 * 1024 + 1]);
        over.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        await AssertTooLarge(await clerk.PostAsync("/v1/persons/bulk-registration-jobs", over));
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api.Hostile;

/// <summary>Bursts on anonymous routes and on whole-store operations meet 429 with Retry-After; a forged X-Forwarded-For buys nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class AbuseLimitTests(ApiFixture fixture)
{
    /// <summary>An API host whose one limit is <paramref name="permits"/> per hour (the fixture's own hosts are unlimited).</summary>
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Limited(string limit, int permits) =>
        fixture.Api.WithWebHostBuilder(b =>
        {
            b.UseSetting(limit, permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.UseSetting("RateLimits:WindowSeconds", "3600");
        });

    /// <summary>A client of <paramref name="host"/> carrying the token of <paramref name="tokenOf"/>.</summary>
    private static HttpClient As(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host, HttpClient tokenOf)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = tokenOf.DefaultRequestHeaders.Authorization;
        return client;
    }

    [Fact]
    public async Task A_burst_on_an_anonymous_route_meets_429_per_ip_and_route_and_a_forged_forwarded_address_does_not_escape_it()
    {
        await using var limited = Limited("RateLimits:AnonymousPerIp", 2);
        var anonymous = limited.CreateClient();

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/v1/procedures/catalogue")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/v1/procedures/catalogue")).StatusCode);
        var forged = new HttpRequestMessage(HttpMethod.Get, "/v1/procedures/catalogue");
        forged.Headers.Add("X-Forwarded-For", "203.0.113.77");
        var third = await anonymous.SendAsync(forged);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
        Assert.Equal("rate-limit.exceeded", (await third.Json()).Str("code"));
        // Another anonymous route has its own budget; probes are never limited.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/v1/institutions?prefecture=13")).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/alive")).StatusCode);
        }
    }

    [Fact]
    public async Task Whole_stream_reads_are_limited_per_token()
    {
        await using var limited = Limited("RateLimits:ExpensivePerToken", 1);
        var auditor = As(limited, fixture.ClientFor(Roles.Auditor));
        var another = As(limited, fixture.ClientFor(Roles.Auditor));
        var state = $"/v1/audit/streams/person/{Guid.NewGuid()}/state?asOf=2026-01-01T00:00:00Z";

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await auditor.GetAsync(state)).StatusCode);
        var second = await auditor.GetAsync(state);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await another.GetAsync(state)).StatusCode);
    }

    [Fact]
    public async Task Clinic_challenges_are_limited_per_terminal_not_per_token_or_address()
    {
        await using var limited = Limited("RateLimits:ChallengesPerTerminal", 2);
        var institution = "13" + "1" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        HttpClient Terminal(string terminal, string subject) => As(limited, fixture.ClientFor(Roles.Terminal,
            new Dictionary<string, string> { [MynaClaims.Institution] = institution, [MynaClaims.Terminal] = terminal }, subject));
        var desk = Terminal("desk-1", "desk-1-token-a");
        var sameDeskOtherToken = Terminal("desk-1", "desk-1-token-b");
        var otherDesk = Terminal("desk-2", "desk-2-token");

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await desk.PostJson("/v1/eligibility-checks/challenges", new { })).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await desk.PostJson("/v1/eligibility-checks/challenges", new { })).StatusCode);
        var third = await sameDeskOtherToken.PostJson("/v1/eligibility-checks/challenges", new { });

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("rate-limit.exceeded", (await third.Json()).Str("code"));
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await otherDesk.PostJson("/v1/eligibility-checks/challenges", new { })).StatusCode);
    }

    [Fact]
    public async Task Lookups_by_number_or_basic_four_are_limited_per_token()
    {
        await using var limited = Limited("RateLimits:LookupsPerToken", 1);
        var clerk = As(limited, fixture.Municipality());
        var body = new { individualNumber = "000000000001" };

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await clerk.PostJson("/v1/persons/lookup", body)).StatusCode);
        var second = await clerk.PostJson("/v1/persons/lookup", body);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("rate-limit.exceeded", (await second.Json()).Str("code"));
    }

    [Fact]
    public async Task Bulk_registrations_are_limited_per_municipality_whichever_clerks_token_sends_them()
    {
        await using var limited = Limited("RateLimits:BulkRegistrationsPerMunicipality", 1);
        var municipality = "13" + Random.Shared.Next(1_000, 10_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        HttpClient Clerk(string code) => As(limited, fixture.ClientFor(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = code }));
        var line = new[] { new { id = "limit-" + Guid.NewGuid().ToString("N")[..8], name = "上限 太郎", address = "東京都千代田区永田町一丁目", dateOfBirth = "1980-04-01", sex = "male", reason = "birth" } };

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Clerk(municipality).PostJson("/v1/persons/bulk-registrations", line)).StatusCode);
        var secondClerk = await Clerk(municipality).PostJson("/v1/persons/bulk-registration-jobs", line);

        Assert.Equal(HttpStatusCode.TooManyRequests, secondClerk.StatusCode);
        Assert.Equal("rate-limit.exceeded", (await secondClerk.Json()).Str("code"));
        Assert.NotNull(secondClerk.Headers.RetryAfter);
        // Another municipality (its third digit changed, so never the same code) has a budget of its own.
        var other = municipality[..2] + (municipality[2] == '9' ? "8" : "9") + municipality[3..];
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Clerk(other).PostJson("/v1/persons/bulk-registrations", line)).StatusCode);
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api.Hostile;

/// <summary>Bursts on anonymous routes and on whole-store operations meet 429 with Retry-After; a forged X-Forwarded-For buys nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class AbuseLimitTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_burst_on_an_anonymous_route_meets_429_per_ip_and_route_and_a_forged_forwarded_address_does_not_escape_it()
    {
        await using var limited = fixture.Api.WithWebHostBuilder(b =>
        {
            b.UseSetting("RateLimits:AnonymousPerIp", "2");
            b.UseSetting("RateLimits:WindowSeconds", "3600");
        });
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
        await using var limited = fixture.Api.WithWebHostBuilder(b =>
        {
            b.UseSetting("RateLimits:ExpensivePerToken", "1");
            b.UseSetting("RateLimits:WindowSeconds", "3600");
        });
        var auditor = limited.CreateClient();
        auditor.DefaultRequestHeaders.Authorization = fixture.ClientFor(Roles.Auditor).DefaultRequestHeaders.Authorization;
        var another = limited.CreateClient();
        another.DefaultRequestHeaders.Authorization = fixture.ClientFor(Roles.Auditor).DefaultRequestHeaders.Authorization;
        var state = $"/v1/audit/streams/person/{Guid.NewGuid()}/state?asOf=2026-01-01T00:00:00Z";

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await auditor.GetAsync(state)).StatusCode);
        var second = await auditor.GetAsync(state);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await another.GetAsync(state)).StatusCode);
    }
}

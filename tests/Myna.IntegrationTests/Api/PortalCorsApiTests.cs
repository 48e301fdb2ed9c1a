using System.Net;
using Microsoft.AspNetCore.Hosting;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// CORS answers only the origins in Portal:AllowedOrigins (none by default): the preflight and the actual request
/// from an allowed origin get Access-Control-Allow-Origin and what the portal needs; a foreign origin gets none,
/// and no credentials are ever allowed.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PortalCorsApiTests(ApiFixture fixture)
{
    private const string Portal = "https://portal.example.jp";
    private const string Foreign = "https://evil.example.com";

    private static HttpRequestMessage Preflight(string origin, string url = "/v1/me/proxies")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key,accept-language");
        return request;
    }

    private static HttpRequestMessage Actual(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Accept-Language", "ja");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task An_allowed_origin_gets_the_preflight_and_the_actual_answer_without_credentials()
    {
        await using var api = fixture.Api.WithWebHostBuilder(b => b.UseSetting("Portal:AllowedOrigins:0", Portal));
        var client = api.CreateClient();

        using var preflight = await client.SendAsync(Preflight(Portal));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Portal, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(preflight, "Access-Control-Allow-Methods")!, StringComparison.Ordinal);
        var allowed = Header(preflight, "Access-Control-Allow-Headers")!.ToLowerInvariant();
        foreach (var header in new[] { "authorization", "content-type", "idempotency-key", "accept-language" })
        {
            Assert.Contains(header, allowed, StringComparison.Ordinal);
        }
        Assert.Null(Header(preflight, "Access-Control-Allow-Credentials"));

        using var actual = await client.SendAsync(Actual(Portal));
        Assert.Equal(HttpStatusCode.Unauthorized, actual.StatusCode);
        Assert.Equal(Portal, Header(actual, "Access-Control-Allow-Origin"));
        var exposed = Header(actual, "Access-Control-Expose-Headers")!;
        Assert.Contains("Retry-After", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Language", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Null(Header(actual, "Access-Control-Allow-Credentials"));
        Assert.Equal("auth.unauthenticated", (await actual.Json()).Str("code"));
    }

    [Fact]
    public async Task A_foreign_origin_gets_no_cors_headers_when_portal_origins_are_configured()
    {
        await using var api = fixture.Api.WithWebHostBuilder(b => b.UseSetting("Portal:AllowedOrigins:0", Portal));
        var client = api.CreateClient();

        using var preflight = await client.SendAsync(Preflight(Foreign));
        using var actual = await client.SendAsync(Actual(Foreign));

        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Methods"));
        Assert.Null(Header(actual, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Unauthorized, actual.StatusCode);
    }

    [Fact]
    public async Task Without_configured_origins_no_answer_carries_a_cors_header()
    {
        var client = fixture.Api.CreateClient();

        using var preflight = await client.SendAsync(Preflight(Portal));
        using var actual = await client.SendAsync(Actual(Portal));

        Assert.NotEqual(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.DoesNotContain(preflight.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(actual.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Unauthorized, actual.StatusCode);
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;

namespace Myna.Api.Hosting;

/// <summary>Bound from the "RateLimits" section: fixed windows against abuse of public and expensive routes.</summary>
public sealed class AbuseLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Requests per client IP and route to every route that needs no token (challenges, verification, status…).</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPerIp { get; set; } = 60;

    /// <summary>Requests per token to whole-stream and whole-store operations (a whole-stream replay, state as of, timelines, verify-all, checkpoints, rebuilds).</summary>
    [Range(1, 1_000_000)]
    public int ExpensivePerToken { get; set; } = 10;

    /// <summary>
    /// Eligibility challenges per reception terminal (institution and terminal claims), whoever's token and whichever
    /// address: a national peak comes through few gateways, so an address says nothing; a terminal asks a few a minute.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ChallengesPerTerminal { get; set; } = 120;

    /// <summary>Lookups of a person by number or by the basic four items (municipality lookup, insurer enrolment) per token.</summary>
    [Range(1, 1_000_000)]
    public int LookupsPerToken { get; set; } = 600;

    /// <summary>
    /// Bulk registration requests (a batch of up to 1,000 persons, or a job of up to 100,000) per municipality, whichever
    /// clerk's token sends them: a stolen or misused token can register only so many persons, and only in its own
    /// municipality. 120 a minute is 120,000 persons a minute, more than a city's import needs.
    /// </summary>
    [Range(1, 1_000_000)]
    public int BulkRegistrationsPerMunicipality { get; set; } = 120;

    /// <summary>Reverse proxies (ingress) whose X-Forwarded-For is believed; nobody's by default.</summary>
    public string[] KnownProxies { get; set; } = [];
}

/// <summary>
/// Abuse resistance beside the portal's own limits: every anonymous route is limited per client IP and route,
/// every whole-store operation per token. The client IP is the socket's, or X-Forwarded-For from a configured
/// proxy only, so that behind an ingress each resident counts alone and nobody can spoof an address.
/// </summary>
public static class AbuseLimits
{
    /// <summary>Method and route pattern of each request that reads a whole stream or the whole store.</summary>
    private static readonly HashSet<string> Expensive = new(StringComparer.Ordinal)
    {
        "GET /v1/audit/streams/{kind}/{id}/replay", "GET /v1/audit/streams/{kind}/{id}/state", "GET /v1/audit/streams/{kind}/{id}/timelines", "GET /v1/audit/verification",
        "POST /v1/audit/checkpoints", "POST /v1/operations/rebuild-jobs/", "POST /v1/operations/key-rotations/", "POST /v1/operations/index-rebuilds/{index}",
    };

    /// <summary>Routes that find a person by number or by the basic four items: each answer is a little of the register.</summary>
    private static readonly HashSet<string> Lookups = new(StringComparer.Ordinal)
    {
        "POST /v1/persons/lookup", "POST /v1/insurers/{insurerNumber}/enrolments",
    };

    private const string TerminalChallenges = "POST /v1/eligibility-checks/challenges";

    /// <summary>Routes that register persons in bulk: limited per municipality (the clerk's scope).</summary>
    private static readonly HashSet<string> BulkRegistrations = new(StringComparer.Ordinal)
    {
        "POST /v1/persons/bulk-registrations", "POST /v1/persons/bulk-registration-jobs",
    };

    /// <summary>Anonymous routes that are no attack surface worth limiting: probes, the API description, development tokens.</summary>
    private static readonly string[] Unlimited = ["/health", "/alive", "/openapi", "/scalar", "/dev/tokens"];

    public static IServiceCollection AddAbuseLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AbuseLimitOptions>().Bind(configuration.GetSection(AbuseLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AbuseLimitOptions>>((forwarded, limits) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in limits.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return services;
    }

    /// <summary>The partition of a request, or null when these limits do not apply to it.</summary>
    public static RateLimitPartition<string>? Partition(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint endpoint || endpoint.RoutePattern.RawText is not { } route)
        {
            return null;
        }
        var limits = http.RequestServices.GetRequiredService<IOptions<AbuseLimitOptions>>().Value;
        var window = TimeSpan.FromSeconds(limits.WindowSeconds);
        var key = $"{http.Request.Method} {route}";
        if (Expensive.Contains(key))
        {
            return Fixed($"expensive:{TokenOf(http)}", limits.ExpensivePerToken, window);
        }
        if (key == TerminalChallenges)
        {
            var terminal = $"{http.User.FindFirstValue(MynaClaims.Institution)}/{http.User.FindFirstValue(MynaClaims.Terminal)}";
            return Fixed($"terminal:{terminal}", limits.ChallengesPerTerminal, window);
        }
        if (BulkRegistrations.Contains(key))
        {
            return Fixed($"bulk:{http.User.FindFirstValue(MynaClaims.Municipality) ?? TokenOf(http)}", limits.BulkRegistrationsPerMunicipality, window);
        }
        if (Lookups.Contains(key))
        {
            return Fixed($"lookup:{TokenOf(http)}", limits.LookupsPerToken, window);
        }
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null && !Unlimited.Any(u => route.StartsWith(u, StringComparison.Ordinal)))
        {
            return Fixed($"anonymous:{ClientIp(http)}:{route}", limits.AnonymousPerIp, window);
        }
        return null;
    }

    /// <summary>Whether these limits apply to a route ("METHOD pattern"), for the OpenAPI document's 429 answers.</summary>
    public static bool Limits(string key, bool anonymous) =>
        Expensive.Contains(key) || key == TerminalChallenges || BulkRegistrations.Contains(key) || Lookups.Contains(key)
        || (anonymous && !Unlimited.Any(u => key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..].StartsWith(u, StringComparison.Ordinal)));

    /// <summary>The token's subject, or the client address for a request without one.</summary>
    private static string TokenOf(HttpContext http) => http.User.FindFirstValue(MynaClaims.Subject) ?? "ip:" + ClientIp(http);

    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> Fixed(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}

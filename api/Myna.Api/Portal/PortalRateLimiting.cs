using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Errors;

namespace Myna.Api.Portal;

/// <summary>Marks an endpoint whose reads also count against the caller's IP (the global limiter).</summary>
public sealed class PortalReadMetadata
{
    public static readonly PortalReadMetadata Instance = new();
}

/// <summary>
/// ASP.NET Core rate limiting for the portal: logins and refreshes per client IP; reads per token subject
/// (the endpoint policy) and per client IP (the global limiter, for endpoints marked as portal reads).
/// Rejections are 429 ProblemDetails with Retry-After.
/// </summary>
public static class PortalRateLimiting
{
    public const string Login = "portal-login";
    public const string Reads = "portal-reads";

    public static IServiceCollection AddPortalRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : Window(http).Seconds;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiProblems.TooManyRequests(
                    $"Too many requests; retry after {seconds} seconds.").ExecuteAsync(http);
            };
            o.AddPolicy(Login, http => Fixed("login-ip:" + ClientIp(http), Limits(http).LoginsPerIp, http));
            o.AddPolicy(Reads, http =>
            {
                // Per token: a portal session's tokens share its session id; other tokens count by subject.
                var token = http.User.FindFirstValue(MynaClaims.SessionId) ?? http.User.FindFirstValue(MynaClaims.Subject);
                return Fixed(token is null ? "reads-anonymous-ip:" + ClientIp(http) : "reads-token:" + token, Limits(http).ReadsPerToken, http);
            });
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    http.GetEndpoint()?.Metadata.GetMetadata<PortalReadMetadata>() is null
                        ? RateLimitPartition.GetNoLimiter("unlimited")
                        : Fixed("reads-ip:" + ClientIp(http), Limits(http).ReadsPerIp, http)),
                // Every anonymous route per IP, every whole-store operation per token.
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    Myna.Api.Hosting.AbuseLimits.Partition(http) ?? RateLimitPartition.GetNoLimiter("unlimited")));
        });
        return services;
    }

    private static RateLimitPartition<string> Fixed(string key, int permits, HttpContext http)
    {
        var window = Window(http);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static PortalRateLimitOptions Limits(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value.RateLimits;

    private static TimeSpan Window(HttpContext http) => TimeSpan.FromSeconds(Limits(http).WindowSeconds);


    private static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

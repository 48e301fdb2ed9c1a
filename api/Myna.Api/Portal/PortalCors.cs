using Microsoft.Extensions.Options;
using Myna.Api.Commands;

namespace Myna.Api.Portal;

/// <summary>
/// CORS for the configured portal origins only (Portal:AllowedOrigins): the methods and headers a portal sends
/// (bearer token, JSON, Idempotency-Key, Accept-Language), Retry-After and Content-Language readable, no credentials
/// (the portal sends its token in Authorization, never a cookie). Other origins get no Access-Control-Allow-Origin.
/// </summary>
public static class PortalCors
{
    public const string Policy = "portal";

    public static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    public static readonly string[] Headers =
        ["Authorization", "Content-Type", CommandContextFactory.IdempotencyHeader, CommandContextFactory.CorrelationHeader, "Accept-Language"];

    public static readonly string[] Exposed = ["Retry-After", "Content-Language", "Location", CommandContextFactory.CorrelationHeader];

    public static IServiceCollection AddPortalCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<PortalOptions>().Validate(o => o.AllowedOrigins.All(IsOrigin),
            "Portal:AllowedOrigins: each entry is an origin such as https://portal.example.jp (scheme, host and port; no path, no wildcard).");
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<PortalOptions>>((cors, portal) =>
            cors.AddPolicy(Policy, p => p.WithOrigins(portal.Value.AllowedOrigins).WithMethods(Methods).WithHeaders(Headers)
                .WithExposedHeaders(Exposed).DisallowCredentials().SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>Only when origins are configured: otherwise no CORS middleware, and no CORS header on any answer.</summary>
    public static WebApplication UsePortalCors(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.AllowedOrigins.Length > 0)
        {
            app.UseCors(Policy);
        }
        return app;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && !origin.EndsWith('/') && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo);
}

using System.ComponentModel.DataAnnotations;

namespace Myna.Api.Portal;

/// <summary>Bound from the "Portal" section.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Lifetime of a resident access token; the refresh token renews it while the card stays usable.</summary>
    [Range(1, 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    public PortalRateLimitOptions RateLimits { get; set; } = new();

    /// <summary>
    /// The built reference portal (api/Myna.Portal/dist), served at /portal/ when set. Unset in production images:
    /// there the portal is a front end of its own.
    /// </summary>
    public string? StaticFiles { get; set; }

    /// <summary>
    /// Origins of portal front ends served from elsewhere (e.g. https://portal.example.jp): they get CORS answers.
    /// Empty by default: no CORS headers at all, and browsers keep other origins out.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>Fixed windows: per IP on login and refresh; per token and per IP on reads.</summary>
public sealed class PortalRateLimitOptions
{
    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;

    [Range(1, 1_000_000)]
    public int LoginsPerIp { get; set; } = 30;

    [Range(1, 1_000_000)]
    public int ReadsPerToken { get; set; } = 120;

    [Range(1, 10_000_000)]
    public int ReadsPerIp { get; set; } = 1_200;
}

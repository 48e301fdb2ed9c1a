using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Myna.Api.Auth;

/// <summary>
/// Two kinds of bearer token, told apart by their issuer (issue 17):
/// <list type="bullet">
/// <item>Portal session tokens (residents only): issued by this API under <see cref="JwtOptions.PortalIssuer"/>,
/// signed ES256 with the portal's own key (JWKS at <c>/.well-known/jwks.json</c>), and revoked with their session.</item>
/// <item>Staff and machine tokens (every other role): in production from the OpenID Connect provider at
/// <see cref="JwtOptions.Authority"/>, validated through its discovery document and JWKS; in Development (or a rig
/// that sets <see cref="JwtOptions.SharedKeyTokens"/>) signed with the shared HMAC key.</item>
/// </list>
/// A resident token from anywhere but the portal key, or a portal-signed token for any other role, is no token.
/// </summary>
public static class ApiAuthentication
{
    public const string Selector = JwtBearerDefaults.AuthenticationScheme;
    public const string PortalScheme = "portal";
    public const string StaffScheme = "staff";

    public static WebApplicationBuilder AddMynaAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var environment = builder.Environment;
        services.AddOptions<JwtOptions>().Bind(builder.Configuration.GetSection(JwtOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>>(new StaffTokenSourceValidator(environment));
        // Invariant 21: outside Development, no default, known or short key.
        services.AddSingleton(Myna.Observability.SecretPolicy.Validator<JwtOptions>(environment,
            ("Auth:SigningKey", o => UsesSharedKey(o, environment) ? o.SigningKey : Myna.Observability.SecretPolicy.NotApplicable),
            ("Auth:PortalSigningKey", o => string.IsNullOrWhiteSpace(o.KeyVaultUri) ? o.PortalSigningKey : Myna.Observability.SecretPolicy.NotApplicable)));
        services.AddSingleton(sp => PortalSigningKeys.Load(sp.GetRequiredService<IOptions<JwtOptions>>().Value, environment));
        services.AddSingleton<TokenIssuer>();

        services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "Bearer (portal or staff)", o => o.ForwardDefaultSelector = SchemeFor)
            .AddJwtBearer(PortalScheme)
            .AddJwtBearer(StaffScheme);
        services.AddOptions<JwtBearerOptions>(PortalScheme)
            .Configure<IOptions<JwtOptions>, PortalSigningKeys>((bearer, jwt, portal) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = Parameters(jwt.Value.PortalIssuer, jwt.Value.Audience);
                bearer.TokenValidationParameters.IssuerSigningKey = portal.Validation;
                bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256];
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = async context =>
                    {
                        if (context.Principal?.FindFirstValue(MynaClaims.Role) != Roles.Resident)
                        {
                            context.Fail("The portal key signs residents' tokens only.");
                            return;
                        }
                        // A portal session's access tokens die with the session, at once and on every replica.
                        await PortalSessionRevocation.CheckAsync(context);
                    },
                };
            });
        services.AddOptions<JwtBearerOptions>(StaffScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
            {
                var o = jwt.Value;
                bearer.MapInboundClaims = false;
                if (!string.IsNullOrWhiteSpace(o.Authority))
                {
                    // The provider's discovery document names its issuer and JWKS; keys are refreshed from it.
                    bearer.Authority = o.Authority;
                    bearer.RequireHttpsMetadata = o.RequireHttpsMetadata;
                    bearer.Audience = o.Audience;
                    bearer.TokenValidationParameters = Parameters(issuer: null, o.Audience);
                }
                else
                {
                    bearer.TokenValidationParameters = Parameters(o.Issuer, o.Audience);
                    bearer.TokenValidationParameters.IssuerSigningKey = TokenIssuer.KeyFrom(o.SigningKey);
                    bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.FindFirstValue(MynaClaims.Role) == Roles.Resident)
                        {
                            context.Fail("A resident's token comes from a portal session only.");
                        }
                        return Task.CompletedTask;
                    },
                };
            });
        return builder;
    }

    private static TokenValidationParameters Parameters(string? issuer, string audience) => new()
    {
        ValidIssuer = issuer,
        ValidateIssuer = true,
        ValidAudience = audience,
        NameClaimType = MynaClaims.Subject,
        RoleClaimType = MynaClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    /// <summary>The portal scheme for a token naming the portal issuer; the staff scheme for anything else (which then validates it).</summary>
    private static string SchemeFor(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var handler = new JsonWebTokenHandler();
            var raw = header["Bearer ".Length..].Trim();
            if (handler.CanReadToken(raw))
            {
                try
                {
                    var issuer = handler.ReadJsonWebToken(raw).Issuer;
                    var portalIssuer = http.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value.PortalIssuer;
                    if (string.Equals(issuer, portalIssuer, StringComparison.Ordinal))
                    {
                        return PortalScheme;
                    }
                }
                catch (ArgumentException)
                {
                    // Not a readable JWT: the staff scheme refuses it.
                }
            }
        }
        return StaffScheme;
    }

    private static bool UsesSharedKey(JwtOptions o, IHostEnvironment environment) =>
        string.IsNullOrWhiteSpace(o.Authority) && (environment.IsDevelopment() || o.SharedKeyTokens);

    /// <summary>Outside Development staff and machine tokens come from a provider, unless a rig says otherwise; the shared key is then set.</summary>
    private sealed class StaffTokenSourceValidator(IHostEnvironment environment) : IValidateOptions<JwtOptions>
    {
        public ValidateOptionsResult Validate(string? name, JwtOptions o)
        {
            if (!string.IsNullOrWhiteSpace(o.Authority))
            {
                return ValidateOptionsResult.Success;
            }
            if (!environment.IsDevelopment() && !o.SharedKeyTokens)
            {
                return ValidateOptionsResult.Fail("Auth:Authority is not set: outside Development staff and machine tokens come from the OpenID Connect provider (or set Auth:SharedKeyTokens for a closed rig).");
            }
            return string.IsNullOrWhiteSpace(o.SigningKey) || o.SigningKey.Length < 32
                ? ValidateOptionsResult.Fail("Auth:SigningKey is not set: without Auth:Authority, staff and machine tokens are validated with it.")
                : ValidateOptionsResult.Success;
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// A real OpenID Connect provider (OpenIddict) in the test process, on loopback: discovery, JWKS and a token
/// endpoint. Staff log in as users (a staff console client; the resource-owner grant stands in for the provider's
/// interactive login, which is the provider's own business), machines use client credentials. Access tokens are
/// signed JWTs (an ephemeral RSA key) with the API's audience and the role and scope claims the API expects.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string Audience = "myna-api";
    public const string StaffConsole = "myna-staff-console";

    /// <summary>A user or client the provider knows: its secret, role and scope claims.</summary>
    public sealed record Principal(string Secret, string Role, IReadOnlyDictionary<string, string> Scope);

    private readonly WebApplication _app;

    private OidcProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    public Uri Authority { get; }

    public static async Task<OidcProvider> StartAsync(Dictionary<string, Principal> users, Dictionary<string, Principal> clients)
    {
        var port = Loopback.FreePort();
        var authority = new Uri($"http://127.0.0.1:{port}/");
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetIssuer(authority);
            o.SetTokenEndpointUris("connect/token");
            o.AllowClientCredentialsFlow().AllowPasswordFlow();
            o.AddEphemeralSigningKey().AddEphemeralEncryptionKey();
            // The API validates plain signed JWTs through the discovery document's JWKS.
            o.DisableAccessTokenEncryption();
            // No database: clients and users are the dictionaries above, checked by the handlers below.
            o.EnableDegradedMode();
            o.UseAspNetCore().DisableTransportSecurityRequirement();
            o.AddEventHandler<ValidateTokenRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.Request.IsPasswordGrantType())
                {
                    if (context.ClientId != StaffConsole
                        || context.Request.Username is not { } user || !users.TryGetValue(user, out var staff) || staff.Secret != context.Request.Password)
                    {
                        context.Reject(Errors.InvalidGrant, "Unknown user or wrong password.");
                    }
                }
                else if (context.ClientId is not { } id || !clients.TryGetValue(id, out var client) || client.Secret != context.ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                }
                return default;
            }));
            o.AddEventHandler<HandleTokenRequestContext>(h => h.UseInlineHandler(context =>
            {
                var (subject, who) = context.Request.IsPasswordGrantType()
                    ? (context.Request.Username!, users[context.Request.Username!])
                    : (context.ClientId!, clients[context.ClientId!]);
                var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
                identity.SetClaim(Claims.Subject, subject);
                identity.SetClaim(Claims.Role, who.Role);
                foreach (var (type, value) in who.Scope)
                {
                    identity.SetClaim(type, value);
                }
                identity.SetDestinations(_ => [Destinations.AccessToken]);
                var principal = new ClaimsPrincipal(identity);
                principal.SetResources(Audience);
                context.SignIn(principal);
                return default;
            }));
        });
        var app = builder.Build();
        await app.StartAsync();
        return new OidcProvider(app, authority);
    }

    public Task<string> UserTokenAsync(string user, string password) => TokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = GrantTypes.Password, ["client_id"] = StaffConsole, ["username"] = user, ["password"] = password,
    });

    public Task<string> ClientTokenAsync(string clientId, string secret) => TokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = GrantTypes.ClientCredentials, ["client_id"] = clientId, ["client_secret"] = secret,
    });

    private async Task<string> TokenAsync(Dictionary<string, string> form)
    {
        using var http = new HttpClient { BaseAddress = Authority };
        var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode
            ? body.GetProperty("access_token").GetString()!
            : throw new InvalidOperationException($"The provider refused the token request: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

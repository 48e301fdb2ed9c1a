using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Portal logins with the simulated chip, and the other callers portal tests need.</summary>
internal sealed class PortalWorld(ApiFixture fixture)
{
    public const string DefaultAgent = "myna-portal-tests/1.0";

    public ClinicWorld Clinics { get; } = new(fixture);

    public async Task<HttpResponseMessage> Login(Patient patient, string userAgent = DefaultAgent, string? pin = null)
    {
        var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        var challenge = (await (await client.PostJson("/v1/auth/challenges", new { purpose = "portal-login", audience = "portal" })).Json()).Str("challenge");
        return await client.PostJson("/v1/portal/sessions", new
        {
            challenge,
            certificateSerial = patient.Serial,
            signature = Convert.ToBase64String(patient.Chip.Sign(ChipKey.UserAuthentication, pin ?? Patient.Pin, Convert.FromBase64String(challenge))),
        });
    }

    /// <summary>A logged-in portal client (bearer = the resident access token) and the token answer.</summary>
    public async Task<(HttpClient Client, JsonElement Tokens)> LoggedIn(Patient patient, string userAgent = DefaultAgent)
    {
        var response = await Login(patient, userAgent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.Json();
        return (Bearer(tokens.Str("accessToken")), tokens);
    }

    public HttpClient Bearer(string token)
    {
        var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<HttpResponseMessage> Refresh(string refreshToken) =>
        await fixture.Api.CreateClient().PostJson("/v1/portal/sessions/refresh", new { refreshToken });

    /// <summary>A registered app and a client holding its token.</summary>
    public async Task<(string AppId, HttpClient Client)> App(params string[] allowedItems)
    {
        var appId = "app-" + Guid.NewGuid().ToString("N")[..10];
        var registered = await fixture.ClientFor(Roles.Operator).PostJson($"/v1/apps/{appId}", new { name = "家計簿アプリ " + appId, allowedItems });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return (appId, fixture.ClientFor(Roles.App, new Dictionary<string, string> { [MynaClaims.AppId] = appId }));
    }

    public static async Task<List<JsonElement>> Ledger(HttpClient portal, string query = "")
    {
        var response = await portal.GetAsync("/v1/me/access-log" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Json()).GetProperty("entries").EnumerateArray().ToList();
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Issue 17: with <c>Auth:Authority</c> set, staff (user login) and machine (client credentials) tokens come from the
/// OpenID Connect provider, validated through its discovery document and JWKS; the shared key no longer opens
/// anything, and the provider cannot mint a resident.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OidcTokenApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Staff_and_machine_tokens_from_the_provider_are_accepted_and_nothing_else_is()
    {
        var world = new ClinicWorld(fixture);
        var reception = await world.Reception();
        var patient = await world.Patient();
        await using var provider = await OidcProvider.StartAsync(
            users: new()
            {
                ["clerk.tanaka"] = new("correct horse battery staple", Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" }),
                ["resident.sato"] = new("another password entirely", Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = patient.PersonId }),
            },
            clients: new()
            {
                ["terminal-" + reception.Institution] = new("terminal client secret 0123456789", Roles.Terminal,
                    new Dictionary<string, string> { [MynaClaims.Institution] = reception.Institution, [MynaClaims.Terminal] = reception.TerminalId }),
            });
        await using var api = fixture.Api.WithWebHostBuilder(b =>
        {
            b.UseSetting("Auth:Authority", provider.Authority.ToString());
            b.UseSetting("Auth:RequireHttpsMetadata", "false");
        });
        HttpClient With(string token)
        {
            var client = api.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        // A clerk logged in at the provider reads a person of their municipality.
        var clerk = With(await provider.UserTokenAsync("clerk.tanaka", "correct horse battery staple"));
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"/v1/persons/{patient.PersonId}")).StatusCode);

        // A reception terminal with client credentials gets a clinic challenge.
        var terminal = With(await provider.ClientTokenAsync("terminal-" + reception.Institution, "terminal client secret 0123456789"));
        var challenge = await terminal.PostJson("/v1/eligibility-checks/challenges", new { });
        Assert.Equal(HttpStatusCode.OK, challenge.StatusCode);

        // The provider cannot mint a resident: residents come from portal sessions only.
        var resident = With(await provider.UserTokenAsync("resident.sato", "another password entirely"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await resident.GetAsync("/v1/me")).StatusCode);

        // The shared development key opens nothing once a provider is configured.
        var shared = fixture.Api.Services.GetRequiredService<TokenIssuer>().Issue("clerk-shared", Roles.Municipality,
            new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" }).Token;
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(shared).GetAsync($"/v1/persons/{patient.PersonId}")).StatusCode);

        // Wrong credentials get no token at all.
        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.UserTokenAsync("clerk.tanaka", "wrong"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.ClientTokenAsync("terminal-" + reception.Institution, "wrong"));
    }
}

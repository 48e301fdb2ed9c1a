using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Issue 17: resident session tokens are signed by the portal's own ES256 key and published as JWKS; the shared
/// staff key can no longer mint a resident, nor the portal key any other role.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PortalTokenApiTests(ApiFixture fixture)
{
    private readonly PortalWorld _world = new(fixture);

    [Fact]
    public async Task A_session_token_is_es256_and_verifies_with_the_published_jwks_alone()
    {
        var patient = await _world.Clinics.Patient();
        var (_, tokens) = await _world.LoggedIn(patient);

        var jwksResponse = await fixture.Api.CreateClient().GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwksResponse.StatusCode);
        var jwksText = await jwksResponse.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"d\"", jwksText, StringComparison.Ordinal);
        var jwks = new JsonWebKeySet(jwksText);
        var key = Assert.Single(jwks.Keys);
        Assert.Equal("EC", key.Kty);
        Assert.Equal("P-256", key.Crv);

        var token = new JsonWebToken(tokens.Str("accessToken"));
        Assert.Equal(SecurityAlgorithms.EcdsaSha256, token.Alg);
        Assert.Equal(key.Kid, token.Kid);
        var options = fixture.Api.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.Str("accessToken"), new TokenValidationParameters
        {
            ValidIssuer = options.PortalIssuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = jwks.Keys,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(Roles.Resident, result.Claims["role"]);
    }

    [Fact]
    public async Task The_shared_staff_key_cannot_mint_a_resident_and_the_portal_key_signs_no_other_role()
    {
        var options = fixture.Api.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        var patient = await _world.Clinics.Patient();

        // A resident token signed with the staff HMAC key (under either issuer) is no token.
        foreach (var issuer in new[] { options.Issuer, options.PortalIssuer })
        {
            var forged = Sign(new SigningCredentials(TokenIssuer.KeyFrom(options.SigningKey), SecurityAlgorithms.HmacSha256), issuer, options.Audience,
                new Claim("sub", patient.PersonId), new Claim("role", Roles.Resident), new Claim("person_id", patient.PersonId));
            Assert.Equal(HttpStatusCode.Unauthorized, (await _world.Bearer(forged).GetAsync("/v1/me")).StatusCode);
        }

        // The portal key signing a clerk is no token either.
        var portal = fixture.Api.Services.GetRequiredService<PortalSigningKeys>();
        var clerk = Sign(new SigningCredentials(portal.Signing, SecurityAlgorithms.EcdsaSha256), options.PortalIssuer, options.Audience,
            new Claim("sub", "clerk-by-portal-key"), new Claim("role", Roles.Municipality), new Claim("municipality", "131016"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _world.Bearer(clerk).GetAsync($"/v1/persons/{patient.PersonId}")).StatusCode);

        // A staff token under the portal issuer does not reach the staff scheme's key either.
        var staffUnderPortal = Sign(new SigningCredentials(TokenIssuer.KeyFrom(options.SigningKey), SecurityAlgorithms.HmacSha256), options.PortalIssuer, options.Audience,
            new Claim("sub", "clerk"), new Claim("role", Roles.Municipality), new Claim("municipality", "131016"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _world.Bearer(staffUnderPortal).GetAsync($"/v1/persons/{patient.PersonId}")).StatusCode);
    }

    [Fact]
    public async Task Another_replica_with_the_same_configured_key_signs_tokens_this_one_accepts()
    {
        // A second API replica, or this one after a restart: the key comes from configuration, not from memory.
        var replica = new PortalSigningKeys(JwtOptions.DevelopmentPortalSigningKey);
        var options = fixture.Api.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        Assert.Equal(fixture.Api.Services.GetRequiredService<PortalSigningKeys>().KeyId, replica.KeyId);
        var patient = await _world.Clinics.Patient();
        var token = Sign(new SigningCredentials(replica.Signing, SecurityAlgorithms.EcdsaSha256), options.PortalIssuer, options.Audience,
            new Claim("sub", patient.PersonId), new Claim("role", Roles.Resident), new Claim("person_id", patient.PersonId));

        Assert.Equal(HttpStatusCode.OK, (await _world.Bearer(token).GetAsync("/v1/me")).StatusCode);
    }

    private static string Sign(SigningCredentials credentials, string issuer, string audience, params Claim[] claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = credentials,
        });
}

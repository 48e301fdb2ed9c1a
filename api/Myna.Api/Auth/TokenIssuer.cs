using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Myna.Api.Auth;

/// <summary>
/// Mints bearer tokens: residents' with the portal's ES256 key under the portal issuer (portal sessions, and
/// <c>/dev/tokens</c> in Development), every other role's with the shared HMAC key under the staff issuer
/// (Development and closed rigs only; production staff and machines get theirs from the OpenID Connect provider).
/// </summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, PortalSigningKeys portal, TimeProvider clock)
{
    public static SymmetricSecurityKey KeyFrom(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));

    public (string Token, DateTimeOffset ExpiresAt) Issue(string subject, string role, IReadOnlyDictionary<string, string>? scope = null, TimeSpan? lifetime = null)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(30));
        var claims = new List<Claim> { new(MynaClaims.Subject, subject), new(MynaClaims.Role, role) };
        foreach (var (type, value) in scope ?? new Dictionary<string, string>())
        {
            claims.Add(new Claim(type, value));
        }
        var resident = role == Roles.Resident;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = resident ? o.PortalIssuer : o.Issuer,
            Audience = o.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.UtcDateTime,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = resident
                ? new SigningCredentials(portal.Signing, SecurityAlgorithms.EcdsaSha256)
                : new SigningCredentials(KeyFrom(o.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return (new JsonWebTokenHandler().CreateToken(descriptor), expires);
    }
}

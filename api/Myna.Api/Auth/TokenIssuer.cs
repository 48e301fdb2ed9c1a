using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Myna.Api.Auth;

/// <summary>Mints bearer tokens with the configured key: the development token endpoint and tests use it.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
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
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.UtcDateTime,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(KeyFrom(o.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return (new JsonWebTokenHandler().CreateToken(descriptor), expires);
    }
}

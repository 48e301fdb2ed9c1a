using System.Security.Cryptography;
using Myna.Domain.Cards;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Grains.Cards;

/// <summary>
/// One challenge: a fresh random nonce, valid for a few minutes, taken at most once. Kept in memory only:
/// if the activation is lost the challenge is simply gone and the client asks for a new one, which can
/// never make a replay succeed.
/// </summary>
public sealed class ChallengeGrain(TimeProvider clock) : Grain, IChallengeGrain
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly DomainError Invalid =
        DomainError.Unauthenticated("auth.challenge-invalid", "The challenge is unknown, expired or already used; ask for a new one.");

    private static readonly DomainError OtherAudience =
        DomainError.Forbidden("access.other-institution", "This challenge was issued to another terminal; it is accepted only where it was meant to go.");

    private byte[]? _nonce;
    private DateTimeOffset _expiresAt;
    private bool _taken;
    private string? _audience;

    public Task<Challenge> Issue()
    {
        if (_nonce is null)
        {
            _nonce = RandomNumberGenerator.GetBytes(CertificateAuthentication.ChallengeBytes);
            _expiresAt = clock.GetUtcNow() + Lifetime;
        }
        return Task.FromResult(new Challenge(this.GetPrimaryKey(), _nonce, _expiresAt));
    }

    public async Task<Challenge> IssueFor(string audience)
    {
        if (_nonce is null)
        {
            _audience = audience;
        }
        return await Issue();
    }

    public Task<Result<byte[]>> TakeFor(string audience) =>
        _nonce is not null && _audience is not null && !string.Equals(_audience, audience, StringComparison.Ordinal)
            ? Task.FromResult<Result<byte[]>>(OtherAudience)
            : _audience is null ? Task.FromResult<Result<byte[]>>(Invalid) : TakeOnce();

    public Task<Result<byte[]>> Take() => _audience is not null ? Task.FromResult<Result<byte[]>>(Invalid) : TakeOnce();

    private Task<Result<byte[]>> TakeOnce()
    {
        if (_nonce is null || _taken || clock.GetUtcNow() > _expiresAt)
        {
            return Task.FromResult<Result<byte[]>>(Invalid);
        }
        _taken = true;
        DeactivateOnIdle();
        return Task.FromResult(Result<byte[]>.Ok(_nonce));
    }
}

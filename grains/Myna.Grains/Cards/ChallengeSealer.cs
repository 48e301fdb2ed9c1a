using Myna.GrainInterfaces.Clinics;
using Myna.Domain.Authorization;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Myna.Domain.Cards;
using Myna.EventStore.Cards;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Cards;

/// <summary>Bound from the "Challenges" section of the silo's configuration.</summary>
public sealed class ChallengeOptions
{
    public const string Section = "Challenges";

    /// <summary>The server key that seals challenges (HMAC-SHA256). Every silo of a cluster has the same one.</summary>
    [Required, MinLength(32)]
    public string Key { get; set; } = "development-only-challenge-key-change-me-000001";
}

/// <summary>
/// Seals challenges and accepts them where a signature is consumed (invariant 18): sealed here, for the
/// expected purpose and audience, unexpired, and consumed once, durably (a row per consumed challenge in
/// PostgreSQL, so neither a reactivation nor a failover lets a signature be used twice).
/// </summary>
public sealed class ChallengeSealer(IOptions<ChallengeOptions> options, IConsumedChallengeRegistry consumed, TimeProvider clock)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public SealedChallenge Issue(ChallengePurpose purpose, string audience) =>
        SealedChallenge.Seal(purpose, audience, clock.GetUtcNow() + SealedChallenge.Lifetime,
            RandomNumberGenerator.GetBytes(SealedChallenge.NonceBytes), _key);

    /// <summary>Opens and checks the payload without consuming it (e.g. to refuse early), or the refusal.</summary>
    public Result<SealedChallenge> Check(byte[] payload, ChallengePurpose purpose, string audience)
    {
        var challenge = SealedChallenge.Open(payload, _key);
        return SealedChallenge.Accept(challenge, purpose, audience, clock.GetUtcNow()) is { } refused
            ? refused
            : Result<SealedChallenge>.Ok(challenge!);
    }

    /// <summary>
    /// Checks and consumes the challenge: after this it can never be accepted again, except by the retry of the
    /// command named by <paramref name="consumedBy"/> (whose aggregate answers it once). Call it before verifying
    /// the signature, so that a wrong signature also spends the challenge.
    /// </summary>
    public async Task<Result<SealedChallenge>> ConsumeAsync(byte[] payload, ChallengePurpose purpose, string audience, Guid? consumedBy = null)
    {
        var checkedChallenge = Check(payload, purpose, audience);
        return checkedChallenge.IsSuccess ? await ConsumeAsync(checkedChallenge.Value!, consumedBy) : checkedChallenge;
    }

    /// <summary>Consumes a challenge that <see cref="Check"/> already accepted (for its purpose and audience).</summary>
    public async Task<Result<SealedChallenge>> ConsumeAsync(SealedChallenge challenge, Guid? consumedBy = null) =>
        await consumed.TryConsumeAsync(challenge.Id, SealedChallenge.Name(challenge.Purpose), challenge.ExpiresAt, consumedBy)
            ? Result<SealedChallenge>.Ok(challenge)
            : SealedChallenge.Invalid;
}

// Stateless and reentrant: one activation interleaves every call, so a call awaiting PostgreSQL never holds up
// the next (a non-reentrant worker caps a silo at one call per core in flight).
[StatelessWorker, Reentrant]
public sealed class ChallengeIssuerGrain(ChallengeSealer sealer, Myna.Grains.Clinics.TerminalRegistry terminals) : Grain, IChallengeIssuerGrain
{
    public Task<Result<IssuedChallenge>> Issue(string purpose, string audience)
    {
        if (!SealedChallenge.TryParsePurpose(purpose, out var parsed))
        {
            return Task.FromResult<Result<IssuedChallenge>>(DomainError.Validation("challenge.invalid-purpose",
                "A purpose is one of: " + string.Join(", ", Enum.GetValues<ChallengePurpose>().Select(SealedChallenge.Name)) + "."));
        }
        if (!SealedChallenge.IsValidAudience(audience))
        {
            return Task.FromResult<Result<IssuedChallenge>>(DomainError.Validation("challenge.invalid-audience",
                "An audience is 1 to 200 visible ASCII characters."));
        }
        var challenge = sealer.Issue(parsed, audience);
        return Task.FromResult(Result<IssuedChallenge>.Ok(
            new IssuedChallenge(challenge.Id, purpose, audience, challenge.Payload, challenge.ExpiresAt)));
    }

    public Task<Result<IssuedChallenge>> IssuePublic(string purpose, string? audience)
    {
        var allowed = SealedChallenge.PublicAudience(purpose, audience);
        return allowed.IsSuccess ? Issue(purpose, allowed.Value!) : Task.FromResult<Result<IssuedChallenge>>(allowed.Error!);
    }

    public async Task<Result<IssuedChallenge>> IssueForCounter(CommandContext clerk, CardId card, string purpose)
    {
        if (!SealedChallenge.IsCounterPurpose(purpose))
        {
            return DomainError.Validation("challenge.invalid-purpose", $"{ChallengeNames.KeyProof} or {ChallengeNames.CounterPresence}.");
        }
        // Only on a card the clerk's municipality manages (the card decides: 403 access.other-municipality).
        var read = await GrainFactory.GetCard(card).Read(clerk);
        if (!read.IsSuccess)
        {
            return read.Error!;
        }
        return clerk.Scope.Municipality is { } municipality && MunicipalityCode.IsValid(municipality)
            ? await Issue(purpose, SealedChallenge.Audiences.Counter(new MunicipalityCode(municipality)))
            : Access.WrongRole;
    }

    public async Task<Result<IssuedChallenge>> IssueForTerminal(CommandContext terminal)
    {
        // Sealed for an eligibility check at the asking terminal (invariant 18): no other terminal, and no portal,
        // kiosk or relying party, accepts the chip's signature over it. Only a registered, active terminal gets one.
        var institution = terminal.Scope.Institution ?? string.Empty;
        var terminalId = terminal.Scope.Terminal ?? string.Empty;
        var registered = InstitutionCodes.IsInstitutionCode(institution) ? await terminals.FindAsync(institution) : null;
        if (Access.RegisteredTerminal(registered, terminalId) is { } refused)
        {
            return refused;
        }
        return await Issue(ChallengeNames.EligibilityCheck, SealedChallenge.Audiences.Terminal(institution, terminalId));
    }
}

using System.Security.Cryptography;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.Domain.Kiosks;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Grains.Kiosks;

/// <summary>
/// One kiosk session: opened by one kiosk, bound to the one card that signed its challenge, used for one
/// request. Every step checks the kiosk, and the card comes only from the signature, never from the
/// request, so concurrent sessions cannot cross: a document can only be built for the card that signed
/// this session's nonce. Kept in memory, like a challenge: a lost session is gone, never reusable.
/// </summary>
public sealed class KioskSessionGrain(Myna.Grains.Cards.ChallengeSealer sealer, TimeProvider clock) : Grain, IKioskSessionGrain
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private static readonly DomainError Unknown = DomainError.NotFound("kiosk.session-unknown", "No open session with this id for this kiosk.");
    private static readonly DomainError Expired = DomainError.Rule("kiosk.session-expired", "The session has expired; start a new one.");
    private static readonly DomainError NotBound = DomainError.Rule("kiosk.session-no-card", "No card has been authenticated in this session yet.");
    private static readonly DomainError AlreadyBound = DomainError.Conflict("kiosk.session-card-bound", "A card is already bound to this session; start a new one.");
    private static readonly DomainError Used = DomainError.Conflict("kiosk.session-used", "This session has already issued its one document; start a new one.");

    private const string CodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

    private string? _kiosk;
    private byte[]? _challenge;
    private DateTimeOffset _expiresAt;
    private AuthenticatedHolder? _holder;
    private KioskRequest? _request;
    private string? _code;
    private Result<KioskDocument>? _outcome;

    private Guid SessionId => this.GetPrimaryKey();

    public async Task<Result<KioskSessionView>> Open(string kiosk)
    {
        if (_kiosk is not null)
        {
            return DomainError.Conflict("kiosk.session-exists", "This session id is already in use.");
        }
        var registered = await GrainFactory.GetKiosk(kiosk).Get();
        if (registered.Value is not { Active: true })
        {
            return KioskRules.NotInService;
        }
        // Sealed for binding a card at this kiosk (invariant 18): a relying party, the portal or another kiosk cannot
        // take the card's signature for this session.
        var challenge = sealer.Issue(Myna.Domain.Cards.ChallengePurpose.KioskBinding, Myna.Domain.Cards.SealedChallenge.Audiences.Kiosk(kiosk));
        _kiosk = kiosk;
        _challenge = challenge.Payload;
        _expiresAt = challenge.ExpiresAt < clock.GetUtcNow() + Lifetime ? clock.GetUtcNow() + Lifetime : challenge.ExpiresAt;
        return Result<KioskSessionView>.Ok(new KioskSessionView(SessionId, challenge.Payload, challenge.ExpiresAt));
    }

    public async Task<Result<KioskBinding>> BindCard(string kiosk, string certificateSerial, byte[] signature)
    {
        if (Check(kiosk) is { } refused)
        {
            return refused;
        }
        if (_holder is not null)
        {
            return AlreadyBound;
        }
        // The signature proves the card signed this session's sealed challenge, consumed once (durably).
        var authenticated = await GrainFactory.GetCertificateService().AuthenticateSealed(_challenge!,
            Myna.Domain.Cards.SealedChallenge.Name(Myna.Domain.Cards.ChallengePurpose.KioskBinding),
            Myna.Domain.Cards.SealedChallenge.Audiences.Kiosk(kiosk), certificateSerial, signature);
        if (!authenticated.IsSuccess)
        {
            return authenticated.Error!;
        }
        _holder = authenticated.Value;
        return Result<KioskBinding>.Ok(new KioskBinding(SessionId, _holder!.CardId));
    }

    public async Task<Result<KioskDocument>> Request(CommandContext context, string kiosk, KioskRequest request)
    {
        if (Check(kiosk) is { } refused)
        {
            return refused;
        }
        if (_holder is not { } holder)
        {
            return NotBound;
        }
        if (_request is not null && _request != request)
        {
            return Used;
        }
        if (_outcome is { } done)
        {
            return done;
        }
        var registered = await GrainFactory.GetKiosk(kiosk).Get();
        if (registered.Value is not { Active: true } view)
        {
            return KioskRules.NotInService;
        }
        if (!KioskRules.IsOpen(view.Hours, clock.GetUtcNow()))
        {
            return KioskRules.OutsideServiceHours;
        }
        // From here the session is spent; a retry (same request) repeats the same command, applied once.
        _request = request;
        _code ??= NewVerificationCode();
        var commandId = CommandContext.DerivedId(SessionId, "kiosk-certificate");
        var outcome = await GrainFactory.GetPerson(holder.PersonId).IssueKioskCertificate(
            context with { CommandId = commandId },
            new IssueKioskCertificate(commandId, request.Kind, request.FiscalYear, kiosk, holder.CardId, _code));
        _outcome = outcome;
        return outcome;
    }

    private DomainError? Check(string kiosk)
    {
        if (_kiosk is null || _kiosk != kiosk)
        {
            return Unknown;
        }
        return clock.GetUtcNow() > _expiresAt && _outcome is null ? Expired : null;
    }

    /// <summary>16 symbols of Crockford base32 (80 random bits), printed as four groups of four.</summary>
    private static string NewVerificationCode()
    {
        Span<char> symbols = stackalloc char[16];
        for (var i = 0; i < symbols.Length; i++)
        {
            symbols[i] = CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)];
        }
        return $"{symbols[..4]}-{symbols[4..8]}-{symbols[8..12]}-{symbols[12..]}";
    }
}

using Myna.GrainInterfaces.Cards;
using System.Security.Cryptography;
using System.Text;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Cards;

/// <summary>What a chip signature is for (invariant 18): a signature made for one purpose is accepted for no other.</summary>
public enum ChallengePurpose
{
    PortalLogin,
    EligibilityCheck,
    KioskBinding,
    RelyingParty,
    /// <summary>A new chip key proves that the chip holds it (invariant 19): the new key signs this.</summary>
    KeyProof,
    /// <summary>"The card is at this counter": the card's existing key signs this at the counter.</summary>
    CounterPresence,
}

/// <summary>
/// A sealed, stateless challenge: purpose, audience, expiry and 32 random bytes, with a server MAC over them.
/// The chip signs <see cref="Payload"/>, the exact bytes documented in the README:
/// <code>
/// myna-challenge/1\n{purpose}\n{audience}\n{expires, unix seconds}\n{nonce, base64url}\n{mac, base64url}
/// </code>
/// (UTF-8, no trailing newline; mac = HMAC-SHA256(server key, the first five lines joined by \n)).
/// No grain or row exists per issued challenge; single use is enforced durably where a signature is consumed.
/// </summary>
public sealed record SealedChallenge(ChallengePurpose Purpose, string Audience, DateTimeOffset ExpiresAt, byte[] Nonce, byte[] Payload)
{
    public const string Version = "myna-challenge/1";
    public const int NonceBytes = 32;
    public const int MaxAudienceLength = 200;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static readonly DomainError Invalid =
        DomainError.Unauthenticated("auth.challenge-invalid", "The challenge is malformed, forged, expired or already used; ask for a new one.");
    public static readonly DomainError WrongPurpose =
        DomainError.Unauthenticated("auth.challenge-wrong-purpose", "The challenge was issued for another purpose or audience; it is accepted only where it was meant to go.");

    /// <summary>The challenge's id: the first 16 nonce bytes. Single use is recorded under it.</summary>
    public Guid Id => new(Nonce.AsSpan(0, 16));

    public static string Name(ChallengePurpose purpose) => purpose switch
    {
        ChallengePurpose.PortalLogin => ChallengeNames.PortalLogin,
        ChallengePurpose.EligibilityCheck => ChallengeNames.EligibilityCheck,
        ChallengePurpose.KioskBinding => ChallengeNames.KioskBinding,
        ChallengePurpose.RelyingParty => ChallengeNames.RelyingParty,
        ChallengePurpose.KeyProof => ChallengeNames.KeyProof,
        ChallengePurpose.CounterPresence => ChallengeNames.CounterPresence,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    public static bool TryParsePurpose(string? text, out ChallengePurpose purpose)
    {
        foreach (var candidate in Enum.GetValues<ChallengePurpose>())
        {
            if (Name(candidate) == text)
            {
                purpose = candidate;
                return true;
            }
        }
        purpose = default;
        return false;
    }

    /// <summary>Audiences, one way each: who may consume a challenge of each purpose.</summary>
    public static class Audiences
    {
        public const string Portal = ChallengeNames.PortalAudience;
        public static string Terminal(string institution, string terminal) => $"institution:{institution}/terminal:{terminal}";
        public static string Kiosk(string kioskId) => $"kiosk:{kioskId}";
        public static string RelyingParty(string name) => ChallengeNames.RelyingPartyPrefix + name;
        public static string Counter(MunicipalityCode municipality) => $"counter:{municipality.Value}";
        /// <summary>The resident's remote certificate re-issue after a campaign (key-proof challenges).</summary>
        public const string RemoteReissue = ChallengeNames.RemoteReissueAudience;
    }

    public static readonly DomainError PurposeNotAllowed = DomainError.Forbidden("challenge.purpose-not-allowed",
        $"This route issues '{ChallengeNames.PortalLogin}' challenges for '{ChallengeNames.PortalAudience}', '{ChallengeNames.RelyingParty}' challenges for '{ChallengeNames.RelyingPartyPrefix}{{name}}' and '{ChallengeNames.KeyProof}' challenges for '{ChallengeNames.RemoteReissueAudience}' only.");

    /// <summary>
    /// What an anonymous caller may ask for: portal-login (for the portal), relying-party (for a named relying
    /// party) and key-proof (for the remote re-issue). Clinic, kiosk and counter challenges come from their own
    /// authenticated routes, with the audience taken from the caller's token. Returns the audience to seal for.
    /// </summary>
    public static Result<string> PublicAudience(string purpose, string? audience)
    {
        var resolved = purpose == ChallengeNames.PortalLogin ? audience ?? Audiences.Portal : audience;
        var allowed = (purpose, resolved) switch
        {
            (ChallengeNames.PortalLogin, Audiences.Portal) => true,
            (ChallengeNames.KeyProof, Audiences.RemoteReissue) => true,
            (ChallengeNames.RelyingParty, { } named) => named.StartsWith(ChallengeNames.RelyingPartyPrefix, StringComparison.Ordinal) && named.Length > ChallengeNames.RelyingPartyPrefix.Length,
            _ => false,
        };
        return allowed ? Result<string>.Ok(resolved!) : PurposeNotAllowed;
    }

    /// <summary>A clerk's counter challenge: key-proof (a new chip key signs it) or counter-presence (the card's key signs it).</summary>
    public static bool IsCounterPurpose(string? purpose) => purpose is ChallengeNames.KeyProof or ChallengeNames.CounterPresence;

    /// <summary>An audience is 1 to 200 visible ASCII characters (it is one line of the signed payload).</summary>
    public static bool IsValidAudience(string? audience) =>
        audience is { Length: > 0 and <= MaxAudienceLength } && audience.All(c => c is >= '!' and <= '~');

    public static SealedChallenge Seal(ChallengePurpose purpose, string audience, DateTimeOffset expiresAt, byte[] nonce, ReadOnlySpan<byte> key)
    {
        if (!IsValidAudience(audience))
        {
            throw new ArgumentException("An audience is 1 to 200 visible ASCII characters.", nameof(audience));
        }
        if (nonce.Length != NonceBytes)
        {
            throw new ArgumentException($"A nonce is {NonceBytes} bytes.", nameof(nonce));
        }
        var body = Body(purpose, audience, expiresAt.ToUnixTimeSeconds(), nonce);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body));
        var payload = Encoding.UTF8.GetBytes(body + "\n" + Base64Url(mac));
        return new SealedChallenge(purpose, audience, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()), nonce, payload);
    }

    /// <summary>Opens a payload: well-formed and sealed by this key, or null. Expiry and purpose are checked by <see cref="Accept"/>.</summary>
    public static SealedChallenge? Open(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key)
    {
        if (payload.Length is 0 or > 1_024)
        {
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var lines = text.Split('\n');
        if (lines.Length != 6 || lines[0] != Version || !TryParsePurpose(lines[1], out var purpose) || !IsValidAudience(lines[2])
            || !long.TryParse(lines[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expires)
            || FromBase64Url(lines[4]) is not { Length: NonceBytes } nonce || FromBase64Url(lines[5]) is not { Length: 32 } mac)
        {
            return null;
        }
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Body(purpose, lines[2], expires, nonce)));
        // Canonical encodings only: base64url has spare bits in its last character, and one challenge has one payload.
        if (!CryptographicOperations.FixedTimeEquals(expected, mac) || Base64Url(nonce) != lines[4] || Base64Url(mac) != lines[5]
            || Body(purpose, lines[2], expires, nonce) + "\n" + lines[5] != text)
        {
            return null;
        }
        return new SealedChallenge(purpose, lines[2], DateTimeOffset.FromUnixTimeSeconds(expires), nonce, payload.ToArray());
    }

    /// <summary>
    /// The checks where a signature is consumed, before single use is recorded: sealed by this server, for this
    /// purpose and this audience, not expired. Null when the challenge may be consumed.
    /// </summary>
    public static DomainError? Accept(SealedChallenge? challenge, ChallengePurpose purpose, string audience, DateTimeOffset now) =>
        challenge is null || now > challenge.ExpiresAt ? Invalid
        : challenge.Purpose != purpose || !string.Equals(challenge.Audience, audience, StringComparison.Ordinal) ? WrongPurpose
        : null;

    private static string Body(ChallengePurpose purpose, string audience, long expires, byte[] nonce) =>
        string.Join('\n', Version, Name(purpose), audience, expires.ToString(System.Globalization.CultureInfo.InvariantCulture), Base64Url(nonce));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length is 0 or > 100 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => string.Empty, _ => "!" };
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

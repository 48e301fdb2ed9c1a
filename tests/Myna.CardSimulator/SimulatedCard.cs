using System.Security.Cryptography;

namespace Myna.CardSimulator;

public enum ChipKey
{
    UserAuthentication,
    Signature,
}

/// <summary>The chip refused: the PIN was wrong (with tries left) or the key is locked.</summary>
public sealed class ChipRefusedException(string message, int triesLeft) : Exception(message)
{
    public int TriesLeft { get; } = triesLeft;
}

/// <summary>
/// Behaves like the card's chip: it generates and keeps the private keys (they never leave it), checks
/// PINs itself, and locks a key after 3 wrong 4-digit PINs (user authentication) or 5 wrong signature
/// passwords; a success resets the count. The backend only ever sees public keys and signatures.
/// </summary>
public sealed class SimulatedCard : IDisposable
{
    private const int UserPinTries = 3;
    private const int SignaturePasswordTries = 5;

    private readonly Dictionary<ChipKey, ECDsa> _keys = [];
    private readonly Dictionary<ChipKey, string> _pins = [];
    private readonly Dictionary<ChipKey, int> _failures = [];

    private SimulatedCard(bool faceAuthentication)
    {
        FaceAuthentication = faceAuthentication;
        if (!faceAuthentication)
        {
            _keys[ChipKey.UserAuthentication] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _keys[ChipKey.Signature] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }
    }

    public bool FaceAuthentication { get; }

    /// <summary>A chip with PINs set at handover: a 4-digit PIN and a 6–16 character signature password.</summary>
    public static SimulatedCard WithPins(string userPin, string signaturePassword)
    {
        if (userPin.Length != 4 || !userPin.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The user-authentication PIN has 4 digits.", nameof(userPin));
        }
        if (signaturePassword.Length is < 6 or > 16)
        {
            throw new ArgumentException("The signature password has 6 to 16 characters.", nameof(signaturePassword));
        }
        var card = new SimulatedCard(faceAuthentication: false);
        card._pins[ChipKey.UserAuthentication] = userPin;
        card._pins[ChipKey.Signature] = signaturePassword;
        return card;
    }

    /// <summary>A face-authentication card: no PINs, no keys for certificates.</summary>
    public static SimulatedCard FaceAuthenticationCard() => new(faceAuthentication: true);

    /// <summary>Base64 SubjectPublicKeyInfo of a key, as the terminal reads it at handover.</summary>
    public string PublicKey(ChipKey key) => Convert.ToBase64String(Key(key).ExportSubjectPublicKeyInfo());

    public bool IsLocked(ChipKey key) => _failures.GetValueOrDefault(key) >= Limit(key);

    /// <summary>Signs a challenge after checking the PIN on the chip (ECDSA P-256, SHA-256, IEEE P1363).</summary>
    public byte[] Sign(ChipKey key, string pin, ReadOnlySpan<byte> challenge)
    {
        var ecdsa = Key(key);
        if (IsLocked(key))
        {
            throw new ChipRefusedException("The key is locked; a counter must reset the PIN.", 0);
        }
        if (!string.Equals(_pins[key], pin, StringComparison.Ordinal))
        {
            _failures[key] = _failures.GetValueOrDefault(key) + 1;
            throw new ChipRefusedException("Wrong PIN.", Limit(key) - _failures[key]);
        }
        _failures[key] = 0; // the count resets only on success
        return ecdsa.SignData(challenge, HashAlgorithmName.SHA256);
    }

    /// <summary>A counter resets a locked PIN with the card present (new PIN, new count).</summary>
    public void ResetPin(ChipKey key, string newPin)
    {
        _ = Key(key);
        _pins[key] = newPin;
        _failures[key] = 0;
    }

    /// <summary>After resumption the signature key is regenerated (its certificate is reissued).</summary>
    public void RegenerateSignatureKey()
    {
        Key(ChipKey.Signature).Dispose();
        _keys[ChipKey.Signature] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    /// <summary>A chip applet update after a vulnerability: both keys are generated anew on the chip.</summary>
    public void RegenerateKeys()
    {
        foreach (var key in _keys.Keys.ToList())
        {
            _keys[key].Dispose();
            _keys[key] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private ECDsa Key(ChipKey key) =>
        _keys.TryGetValue(key, out var ecdsa) ? ecdsa : throw new InvalidOperationException("A face-authentication card has no keys.");

    private static int Limit(ChipKey key) => key == ChipKey.UserAuthentication ? UserPinTries : SignaturePasswordTries;
}

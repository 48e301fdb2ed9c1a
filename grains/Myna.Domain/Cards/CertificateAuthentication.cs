using System.Security.Cryptography;

namespace Myna.Domain.Cards;

/// <summary>
/// Certificate authentication (公的個人認証): the chip signs a fresh challenge with the private key of
/// its user-authentication certificate after checking the PIN itself; the backend verifies the signature
/// with the public key registered at issue. Keys are ECDSA P-256, signatures SHA-256 in IEEE P1363 form.
/// </summary>
public static class CertificateAuthentication
{
    public const int ChallengeBytes = 32;

    /// <summary>A chip's public key: base64 SubjectPublicKeyInfo of an ECDSA P-256 key.</summary>
    public static bool IsValidPublicKey(string? publicKey)
    {
        using var key = Import(publicKey);
        return key is not null;
    }

    public static bool Verify(string publicKey, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> signature)
    {
        using var key = Import(publicKey);
        return key is not null && Verify(key, challenge, signature);
    }

    /// <summary>
    /// The registered key, imported once, for a caller that verifies many signatures with it (importing costs
    /// about twice the verification itself). Null when it is not a P-256 key. The caller owns and disposes it,
    /// and uses it from one thread at a time.
    /// </summary>
    public static ECDsa? Import(string? publicKey)
    {
        if (string.IsNullOrWhiteSpace(publicKey) || publicKey.Length > 1_000)
        {
            return null;
        }
        Span<byte> spki = stackalloc byte[800];
        if (!Convert.TryFromBase64String(publicKey, spki, out var written))
        {
            return null;
        }
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(spki[..written], out _);
            if (ecdsa.KeySize == 256)
            {
                return ecdsa;
            }
        }
        catch (CryptographicException)
        {
        }
        ecdsa.Dispose();
        return null;
    }

    public static bool Verify(ECDsa key, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> signature) =>
        signature.Length is > 0 and <= 256 && key.VerifyData(challenge, signature, HashAlgorithmName.SHA256);
}

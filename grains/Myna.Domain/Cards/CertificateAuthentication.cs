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
        if (string.IsNullOrWhiteSpace(publicKey) || publicKey.Length > 1_000)
        {
            return false;
        }
        Span<byte> spki = stackalloc byte[800];
        if (!Convert.TryFromBase64String(publicKey, spki, out var written))
        {
            return false;
        }
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(spki[..written], out _);
            return ecdsa.KeySize == 256;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static bool Verify(string publicKey, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> signature)
    {
        if (!IsValidPublicKey(publicKey) || signature.Length is 0 or > 256)
        {
            return false;
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        return ecdsa.VerifyData(challenge, signature, HashAlgorithmName.SHA256);
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Myna.EventStore.Privacy;

/// <summary>One version of the key-encryption key: 32 bytes that wrap every per-person key (envelope encryption).</summary>
public sealed record KeyEncryptionKey(string Version, byte[] Key);

/// <summary>
/// Where the key-encryption key comes from. Per-person keys are wrapped and unwrapped here, locally (AES-GCM);
/// only the key-encryption key itself is fetched, from configuration (local runs) or Azure Key Vault (production).
/// </summary>
public interface IKeyEncryptionKeys
{
    /// <summary>The version new per-person keys are wrapped under.</summary>
    Task<KeyEncryptionKey> CurrentAsync(CancellationToken cancellationToken = default);

    /// <summary>A given version, to unwrap what was wrapped under it.</summary>
    Task<KeyEncryptionKey> GetAsync(string version, CancellationToken cancellationToken = default);

    /// <summary>Rotation's first step: the version to re-wrap every key under (a new one where the source can create one).</summary>
    Task<KeyEncryptionKey> BeginRotationAsync(CancellationToken cancellationToken = default);

    /// <summary>Rotation's last step: every version other than <paramref name="current"/> is retired; answers the versions retired.</summary>
    Task<IReadOnlyList<string>> RetireAllExceptAsync(string current, CancellationToken cancellationToken = default);
}

/// <summary>Wraps and unwraps a per-person key under a key-encryption key: AES-256-GCM, bound to the subject and the version.</summary>
public static class KeyWrap
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Wrap(KeyEncryptionKey kek, Guid subject, byte[] dataKey)
    {
        var sealedBytes = new byte[NonceSize + TagSize + dataKey.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek.Key, TagSize);
        aes.Encrypt(nonce, dataKey, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Context(subject, kek.Version));
        return sealedBytes;
    }

    public static byte[] Unwrap(KeyEncryptionKey kek, Guid subject, byte[] wrapped)
    {
        if (wrapped.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException("A wrapped personal data key is malformed.");
        }
        var dataKey = new byte[wrapped.Length - NonceSize - TagSize];
        using var aes = new AesGcm(kek.Key, TagSize);
        aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), dataKey, Context(subject, kek.Version));
        return dataKey;
    }

    // A wrapped key moved to another person's row, or relabelled with another version, does not unwrap.
    private static byte[] Context(Guid subject, string version) => Encoding.UTF8.GetBytes($"myna-dek/1|{subject:N}|{version}");

    /// <summary>A configured key-encryption key: 32 bytes derived from the secret text (so any long secret will do).</summary>
    public static byte[] FromSecretText(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes("myna-kek/1|" + secret));
}

/// <summary>
/// The key-encryption key from configuration (local use): <c>PersonalData:KeyEncryptionKey</c> under
/// <c>PersonalData:KeyEncryptionKeyVersion</c>, and older versions in <c>PersonalData:PreviousKeyEncryptionKeys</c>.
/// Configuration cannot mint a version: rotation re-wraps under the configured current one, after which the
/// previous versions may be removed from configuration.
/// </summary>
public sealed class ConfiguredKeyEncryptionKeys : IKeyEncryptionKeys
{
    private readonly KeyEncryptionKey _current;
    private readonly Dictionary<string, KeyEncryptionKey> _versions;

    public ConfiguredKeyEncryptionKeys(PersonalDataOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.KeyEncryptionKey))
        {
            throw new InvalidOperationException("PersonalData:KeyEncryptionKey is not set: per-person keys are wrapped by it.");
        }
        _current = new KeyEncryptionKey(options.KeyEncryptionKeyVersion, KeyWrap.FromSecretText(options.KeyEncryptionKey));
        _versions = options.PreviousKeyEncryptionKeys
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .ToDictionary(p => p.Key, p => new KeyEncryptionKey(p.Key, KeyWrap.FromSecretText(p.Value)), StringComparer.Ordinal);
        _versions[_current.Version] = _current;
    }

    public Task<KeyEncryptionKey> CurrentAsync(CancellationToken cancellationToken = default) => Task.FromResult(_current);

    public Task<KeyEncryptionKey> GetAsync(string version, CancellationToken cancellationToken = default) =>
        _versions.TryGetValue(version, out var kek)
            ? Task.FromResult(kek)
            : throw new KeyEncryptionKeyUnavailableException($"Key-encryption key version '{version}' is not configured (PersonalData:PreviousKeyEncryptionKeys).");

    public Task<KeyEncryptionKey> BeginRotationAsync(CancellationToken cancellationToken = default) => Task.FromResult(_current);

    public Task<IReadOnlyList<string>> RetireAllExceptAsync(string current, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_versions.Keys.Where(v => v != current).Order(StringComparer.Ordinal).ToList());
}

/// <summary>
/// The key-encryption key as an Azure Key Vault secret (production): each secret version is one key version,
/// its value 32 random bytes in base64. Rotation sets a new secret version; retiring disables the older ones.
/// Versions are immutable, so each is fetched once per process; the current one is looked up again after
/// <see cref="CurrentTimeToLive"/>, so every silo moves to a new version within that time.
/// </summary>
public sealed class KeyVaultKeyEncryptionKeys(SecretClient secrets, string secretName, TimeProvider? clock = null) : IKeyEncryptionKeys
{
    public static readonly TimeSpan CurrentTimeToLive = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, KeyEncryptionKey> _versions = new(StringComparer.Ordinal);
    private volatile CurrentEntry? _current;

    private sealed record CurrentEntry(KeyEncryptionKey Key, DateTimeOffset LoadedAt);

    public async Task<KeyEncryptionKey> CurrentAsync(CancellationToken cancellationToken = default)
    {
        if (_current is { } entry && _clock.GetUtcNow() - entry.LoadedAt < CurrentTimeToLive)
        {
            return entry.Key;
        }
        KeyVaultSecret secret;
        try
        {
            secret = (await secrets.GetSecretAsync(secretName, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A new vault: the first version is made here (a concurrent first start may make another; the latest wins).
            secret = (await secrets.SetSecretAsync(secretName, NewKeyText(), cancellationToken)).Value;
        }
        var kek = Remember(secret);
        _current = new CurrentEntry(kek, _clock.GetUtcNow());
        return kek;
    }

    public async Task<KeyEncryptionKey> GetAsync(string version, CancellationToken cancellationToken = default)
    {
        if (_versions.TryGetValue(version, out var kek))
        {
            return kek;
        }
        try
        {
            return Remember((await secrets.GetSecretAsync(secretName, version, cancellationToken)).Value);
        }
        catch (RequestFailedException e)
        {
            throw new KeyEncryptionKeyUnavailableException($"Key-encryption key version '{version}' could not be read from Key Vault (status {e.Status}).", e);
        }
    }

    public async Task<KeyEncryptionKey> BeginRotationAsync(CancellationToken cancellationToken = default)
    {
        var kek = Remember((await secrets.SetSecretAsync(secretName, NewKeyText(), cancellationToken)).Value);
        _current = new CurrentEntry(kek, _clock.GetUtcNow());
        return kek;
    }

    public async Task<IReadOnlyList<string>> RetireAllExceptAsync(string current, CancellationToken cancellationToken = default)
    {
        var retired = new List<string>();
        await foreach (var properties in secrets.GetPropertiesOfSecretVersionsAsync(secretName, cancellationToken))
        {
            if (properties.Version == current || properties.Enabled == false)
            {
                continue;
            }
            properties.Enabled = false;
            await secrets.UpdateSecretPropertiesAsync(properties, cancellationToken);
            retired.Add(properties.Version);
        }
        return retired;
    }

    private KeyEncryptionKey Remember(KeyVaultSecret secret)
    {
        var bytes = Convert.FromBase64String(secret.Value);
        if (bytes.Length != 32)
        {
            throw new KeyEncryptionKeyUnavailableException($"Key Vault secret '{secretName}' version '{secret.Properties.Version}' is not a 32-byte key.");
        }
        return _versions.GetOrAdd(secret.Properties.Version, v => new KeyEncryptionKey(v, bytes));
    }

    private static string NewKeyText() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>A key-encryption key version cannot be had: the per-person keys under it cannot be unwrapped.</summary>
public sealed class KeyEncryptionKeyUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);

/// <summary>Bound from the "PersonalData" section.</summary>
public sealed class PersonalDataOptions
{
    public const string Section = "PersonalData";

    /// <summary>The key-encryption key's secret text, for local use (without Key Vault). Published default: Development only.</summary>
    public string? KeyEncryptionKey { get; set; } = "development-only-personal-data-kek-change-me-0001";

    /// <summary>The name of the configured key-encryption key's version.</summary>
    public string KeyEncryptionKeyVersion { get; set; } = "local-1";

    /// <summary>Older configured versions (name → secret text), kept until a rotation has re-wrapped every key.</summary>
    public Dictionary<string, string> PreviousKeyEncryptionKeys { get; set; } = [];

    /// <summary>Azure Key Vault holding the key-encryption key (production); when set, the configured key is not used.</summary>
    public string? KeyVaultUri { get; set; }

    /// <summary>The Key Vault secret whose versions are the key-encryption key's versions.</summary>
    public string KeyVaultSecretName { get; set; } = "myna-personal-data-kek";

    /// <summary>The Azure table of per-person keys.</summary>
    public string KeyTable { get; set; } = AzureTablePersonalDataKeyStore.DefaultTable;

    /// <summary>
    /// How long a rotation waits between its two re-wrap passes, so that every silo has seen the new version
    /// before older ones are retired (a silo may wrap a new key under the old version until then).
    /// </summary>
    public TimeSpan RotationGrace { get; set; } = KeyVaultKeyEncryptionKeys.CurrentTimeToLive * 2;
}

using System.Security.Cryptography;
using Azure.Data.Tables;
using Myna.EventStore.Privacy;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Privacy;

/// <summary>
/// Issue 17: per-person keys are wrapped by a key-encryption key (envelope encryption), from configuration or from
/// Azure Key Vault (the real SecretClient against a loopback HTTPS stand-in), and rotation re-wraps every key
/// without re-encrypting data, wraps keys stored in clear, and retires the old version.
/// </summary>
public sealed class EnvelopeEncryptionTests : IAsyncLifetime
{
    private readonly string _table = "mynakeystest" + Guid.NewGuid().ToString("N")[..12];
    private readonly TableServiceClient _tables = new(TestInfrastructure.AzureStorage);
    private KeyVaultStandIn _vault = null!;

    public async Task InitializeAsync() => _vault = await KeyVaultStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await _tables.DeleteTableAsync(_table);
        await _vault.DisposeAsync();
    }

    private AzureTablePersonalDataKeyStore Store(IKeyEncryptionKeys keks) => new(_tables, keks, _table, TestInfrastructure.Journal());

    [Fact]
    public async Task A_stored_key_is_wrapped_under_the_vaults_key_never_kept_in_clear()
    {
        var keks = new KeyVaultKeyEncryptionKeys(_vault.Client(), "myna-kek");
        var subject = Guid.NewGuid();

        var created = await Store(keks).GetOrCreateAsync(subject);

        var row = (await _tables.GetTableClient(_table).GetEntityAsync<TableEntity>(AzureTablePersonalDataKeyStore.Partition(subject), subject.ToString("N"))).Value;
        Assert.Null(row.GetBinary("Key"));
        var wrapped = row.GetBinary("WrappedKey");
        Assert.NotNull(wrapped);
        Assert.False(wrapped.AsSpan().IndexOf(created.Key) >= 0, "the wrapped key contains the key itself");
        Assert.Equal(_vault.Versions("myna-kek").Single().Id, row.GetString("KekVersion"));
        Assert.True(_vault.Challenges > 0, "the client never met the vault's bearer challenge");

        // Another process with its own client reads the same key back through the vault.
        var again = await Store(new KeyVaultKeyEncryptionKeys(_vault.Client(), "myna-kek")).FindAsync(subject);
        Assert.Equal(created.Key, again!.Key);
    }

    [Fact]
    public async Task Rotation_rewraps_every_key_wraps_clear_ones_keeps_tombstones_and_retires_the_old_version()
    {
        var keks = new KeyVaultKeyEncryptionKeys(_vault.Client(), "myna-kek");
        var store = Store(keks);
        var wrappedSubject = Guid.NewGuid();
        var clearSubject = Guid.NewGuid();
        var erasedSubject = Guid.NewGuid();
        var wrappedKey = (await store.GetOrCreateAsync(wrappedSubject)).Key!;
        var oldVersion = _vault.Versions("myna-kek").Single().Id;
        // A key written before envelope encryption: in clear.
        var clearKey = RandomNumberGenerator.GetBytes(32);
        await _tables.GetTableClient(_table).AddEntityAsync(new TableEntity(AzureTablePersonalDataKeyStore.Partition(clearSubject), clearSubject.ToString("N")) { ["Key"] = clearKey });
        await store.GetOrCreateAsync(erasedSubject);
        await store.DestroyAsync(erasedSubject);

        var rotation = new PersonalDataKeyRotation(store, keks, new PersonalDataOptions { RotationGrace = TimeSpan.Zero }, TimeProvider.System);
        var result = await rotation.RotateAsync();

        Assert.NotEqual(oldVersion, result.Version);
        Assert.Equal(1, result.Rewrapped);
        Assert.Equal(1, result.WrappedFromClear);
        Assert.Equal(1, result.Tombstones);
        Assert.Equal([oldVersion], result.Retired);
        Assert.False(_vault.Versions("myna-kek").Single(v => v.Id == oldVersion).Enabled);

        // No row is left in clear or under the old version.
        var rows = await _tables.GetTableClient(_table).QueryAsync<TableEntity>().ToListAsync();
        Assert.All(rows, r => Assert.Null(r.GetBinary("Key")));
        Assert.All(rows.Where(r => r.GetBinary("WrappedKey") is not null), r => Assert.Equal(result.Version, r.GetString("KekVersion")));

        // A fresh process (the old version now unreadable in the vault) reads the same keys; the erased one stays erased.
        var fresh = new KeyVaultKeyEncryptionKeys(_vault.Client(), "myna-kek");
        await Assert.ThrowsAsync<KeyEncryptionKeyUnavailableException>(() => fresh.GetAsync(oldVersion));
        Assert.Equal(wrappedKey, (await Store(fresh).FindAsync(wrappedSubject))!.Key);
        Assert.Equal(clearKey, (await Store(fresh).FindAsync(clearSubject))!.Key);
        Assert.True((await Store(fresh).FindAsync(erasedSubject))!.Erased);
    }

    [Fact]
    public async Task Configured_keys_rotate_to_the_configured_version_and_a_key_moved_to_another_person_does_not_unwrap()
    {
        var v1 = new ConfiguredKeyEncryptionKeys(new PersonalDataOptions { KeyEncryptionKey = "tests-kek-version-one-0123456789abcdef", KeyEncryptionKeyVersion = "v1" });
        var subject = Guid.NewGuid();
        var key = (await Store(v1).GetOrCreateAsync(subject)).Key!;
        var v2 = new ConfiguredKeyEncryptionKeys(new PersonalDataOptions
        {
            KeyEncryptionKey = "tests-kek-version-two-0123456789abcdef",
            KeyEncryptionKeyVersion = "v2",
            PreviousKeyEncryptionKeys = new() { ["v1"] = "tests-kek-version-one-0123456789abcdef" },
        });

        var result = await new PersonalDataKeyRotation(Store(v2), v2, new PersonalDataOptions { RotationGrace = TimeSpan.Zero }, TimeProvider.System).RotateAsync();

        Assert.Equal("v2", result.Version);
        Assert.Equal(["v1"], result.Retired);
        var onlyV2 = new ConfiguredKeyEncryptionKeys(new PersonalDataOptions { KeyEncryptionKey = "tests-kek-version-two-0123456789abcdef", KeyEncryptionKeyVersion = "v2" });
        Assert.Equal(key, (await Store(onlyV2).FindAsync(subject))!.Key);

        // The wrap is bound to its person: the same bytes under another person's row do not open.
        var kek = await onlyV2.CurrentAsync();
        var wrapped = KeyWrap.Wrap(kek, subject, key);
        Assert.ThrowsAny<CryptographicException>(() => KeyWrap.Unwrap(kek, Guid.NewGuid(), wrapped));
        Assert.Equal(key, KeyWrap.Unwrap(kek, subject, wrapped));
    }
}

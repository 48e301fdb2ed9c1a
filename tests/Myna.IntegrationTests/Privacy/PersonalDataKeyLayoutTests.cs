using System.Security.Cryptography;
using Azure.Data.Tables;
using Myna.EventStore.Privacy;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Privacy;

/// <summary>
/// Issue 19 (bulk registration): new keys are written in 16 partitions so that a batch's keys go in table
/// transactions; rows of the layout before (the id's first three hex digits) are still found, never shadowed by a
/// second key, and destroyed where they are.
/// </summary>
public sealed class PersonalDataKeyLayoutTests : IAsyncLifetime
{
    private readonly string _table = "mynakeylayout" + Guid.NewGuid().ToString("N")[..12];
    private readonly TableServiceClient _tables = new(TestInfrastructure.AzureStorage);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _tables.DeleteTableAsync(_table);

    /// <summary>A store as a freshly started process has it (it looks at the table when it first opens it).</summary>
    private AzureTablePersonalDataKeyStore Store() => new(_tables, new ConfiguredKeyEncryptionKeys(new PersonalDataOptions
    {
        PreviousKeyEncryptionKeys = new() { [TestInfrastructure.KeyEncryptionKeyVersion] = TestInfrastructure.KeyEncryptionKey },
    }), _table, TestInfrastructure.Journal());

    private TableClient Table => _tables.GetTableClient(_table);

    /// <summary>A key row as the layout before wrote it (a clear key, as rows from before envelope encryption hold it).</summary>
    private async Task<byte[]> WriteLegacyRowAsync(Guid subject)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await Table.CreateIfNotExistsAsync();
        await Table.AddEntityAsync(new TableEntity(AzureTablePersonalDataKeyStore.LegacyPartition(subject), subject.ToString("N")) { ["Key"] = key });
        return key;
    }

    private async Task<List<TableEntity>> RowsOfAsync(Guid subject) =>
        await Table.QueryAsync<TableEntity>(r => r.RowKey == subject.ToString("N")).ToListAsync();

    [Fact]
    public async Task A_batch_of_new_keys_lands_in_sixteen_partitions_and_reads_back_in_another_process()
    {
        var subjects = Enumerable.Range(0, 250).Select(_ => Guid.NewGuid()).ToList();

        var made = await Store().GetOrCreateManyAsync(subjects);

        var rows = await Table.QueryAsync<TableEntity>().ToListAsync();
        Assert.Equal(250, rows.Count);
        Assert.All(rows, r => Assert.Equal("p" + r.RowKey[0], r.PartitionKey));
        Assert.True(rows.Select(r => r.PartitionKey).Distinct().Count() <= 16);
        var reader = Store();
        foreach (var (subject, key) in subjects.Zip(made))
        {
            Assert.Equal(subject, key.Subject);
            Assert.Equal(key.Key, (await reader.FindAsync(subject))!.Key);
        }
    }

    [Fact]
    public async Task A_key_in_the_legacy_layout_is_found_and_never_given_a_second_key_by_a_single_or_a_bulk_create()
    {
        var old = Guid.NewGuid();
        var oldKey = await WriteLegacyRowAsync(old);
        var fresh = Guid.NewGuid();

        Assert.Equal(oldKey, (await Store().FindAsync(old))!.Key);
        Assert.Equal(oldKey, (await Store().GetOrCreateAsync(old)).Key);
        var many = await Store().GetOrCreateManyAsync([old, fresh]);

        Assert.Equal(oldKey, many[0].Key);
        Assert.NotNull(many[1].Key);
        var oldRows = await RowsOfAsync(old);
        Assert.Equal(AzureTablePersonalDataKeyStore.LegacyPartition(old), Assert.Single(oldRows).PartitionKey);
        Assert.Equal(many[1].Key, (await Store().FindAsync(fresh))!.Key);
    }

    [Fact]
    public async Task Rotation_rewraps_keys_in_the_legacy_layout_where_they_are_and_a_store_with_only_the_new_version_reads_them()
    {
        var v1 = new ConfiguredKeyEncryptionKeys(new PersonalDataOptions { KeyEncryptionKey = "tests-kek-layout-one-0123456789abcdef", KeyEncryptionKeyVersion = "v1" });
        var v2 = new ConfiguredKeyEncryptionKeys(new PersonalDataOptions
        {
            KeyEncryptionKey = "tests-kek-layout-two-0123456789abcdef",
            KeyEncryptionKeyVersion = "v2",
            PreviousKeyEncryptionKeys = new() { ["v1"] = "tests-kek-layout-one-0123456789abcdef" },
        });
        var onlyV2 = new ConfiguredKeyEncryptionKeys(new PersonalDataOptions { KeyEncryptionKey = "tests-kek-layout-two-0123456789abcdef", KeyEncryptionKeyVersion = "v2" });
        AzureTablePersonalDataKeyStore StoreUnder(IKeyEncryptionKeys keks) => new(_tables, keks, _table, TestInfrastructure.Journal());

        // The legacy layout: one key in clear (before envelope encryption), one wrapped under v1, one erased.
        var clear = Guid.NewGuid();
        var clearKey = await WriteLegacyRowAsync(clear);
        var wrapped = Guid.NewGuid();
        var wrappedKey = RandomNumberGenerator.GetBytes(32);
        await Table.AddEntityAsync(new TableEntity(AzureTablePersonalDataKeyStore.LegacyPartition(wrapped), wrapped.ToString("N"))
        {
            ["WrappedKey"] = KeyWrap.Wrap(await v1.CurrentAsync(), wrapped, wrappedKey),
            ["KekVersion"] = "v1",
        });
        var erased = Guid.NewGuid();
        await WriteLegacyRowAsync(erased);
        await StoreUnder(v1).DestroyAsync(erased);
        // And one key of this layout.
        var fresh = Guid.NewGuid();
        var freshKey = (await StoreUnder(v1).GetOrCreateAsync(fresh)).Key!;

        var result = await new PersonalDataKeyRotation(StoreUnder(v2), v2, new PersonalDataOptions { RotationGrace = TimeSpan.Zero }, TimeProvider.System).RotateAsync();

        Assert.Equal("v2", result.Version);
        Assert.Equal(2, result.Rewrapped);
        Assert.Equal(1, result.WrappedFromClear);
        Assert.Equal(["v1"], result.Retired);
        // Each legacy key is re-wrapped in its own row: no second row, nothing left in clear or under v1.
        foreach (var subject in new[] { clear, wrapped })
        {
            var row = Assert.Single(await RowsOfAsync(subject));
            Assert.Equal(AzureTablePersonalDataKeyStore.LegacyPartition(subject), row.PartitionKey);
            Assert.Null(row.GetBinary("Key"));
            Assert.Equal("v2", row.GetString("KekVersion"));
        }
        Assert.All(await RowsOfAsync(erased), r => Assert.False(r.ContainsKey("Key") || r.ContainsKey("WrappedKey")));

        var reader = StoreUnder(onlyV2);
        Assert.Equal(clearKey, (await reader.FindAsync(clear))!.Key);
        Assert.Equal(wrappedKey, (await reader.FindAsync(wrapped))!.Key);
        Assert.Equal(freshKey, (await reader.FindAsync(fresh))!.Key);
        Assert.True((await reader.FindAsync(erased))!.Erased);
        Assert.Equal(clearKey, (await reader.GetOrCreateAsync(clear)).Key);
    }

    [Fact]
    public async Task Destroying_a_key_in_the_legacy_layout_leaves_no_live_row_in_either_layout()
    {
        var old = Guid.NewGuid();
        await WriteLegacyRowAsync(old);
        var reconciled = Guid.NewGuid();
        await WriteLegacyRowAsync(reconciled);

        await Store().DestroyAsync(old);
        var wasLive = await Store().TombstoneAsync(reconciled);
        var again = await Store().TombstoneAsync(reconciled);

        Assert.True(wasLive);
        Assert.False(again);
        foreach (var subject in new[] { old, reconciled })
        {
            Assert.True((await Store().FindAsync(subject))!.Erased);
            var rows = await RowsOfAsync(subject);
            Assert.NotEmpty(rows);
            Assert.All(rows, r =>
            {
                Assert.False(r.ContainsKey("Key"));
                Assert.False(r.ContainsKey("WrappedKey"));
                Assert.True(r.ContainsKey("ErasedAt"));
            });
        }
    }

    [Fact]
    public async Task A_scan_of_the_table_answers_every_key_as_its_own_lookup_does_in_either_layout()
    {
        var legacyClear = Guid.NewGuid();
        await WriteLegacyRowAsync(legacyClear);
        var legacyErased = Guid.NewGuid();
        await WriteLegacyRowAsync(legacyErased);
        await Store().DestroyAsync(legacyErased);
        var fresh = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        await Store().GetOrCreateManyAsync(fresh);
        var freshErased = fresh[0];
        await Store().DestroyAsync(freshErased);
        // A row no subject owns (another tool's, or a bad copy) is not taken for a key.
        await Table.AddEntityAsync(new TableEntity("p0", "not-a-subject") { ["Key"] = RandomNumberGenerator.GetBytes(32) });

        var scanned = new Dictionary<Guid, PersonalDataKey>();
        await foreach (var key in Store().ScanAsync())
        {
            // Later rows of a subject win, as the ring keeps the last one it is given.
            scanned[key.Subject] = key;
        }

        var subjects = fresh.Append(legacyClear).Append(legacyErased).ToList();
        Assert.Equal(subjects.Order(), scanned.Keys.Order());
        var reader = Store();
        foreach (var subject in subjects)
        {
            var found = (await reader.FindAsync(subject))!;
            Assert.Equal(found.Erased, scanned[subject].Erased);
            Assert.Equal(found.Key, scanned[subject].Key);
        }
        Assert.True(scanned[legacyErased].Erased);
        Assert.True(scanned[freshErased].Erased);
    }
}

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
}

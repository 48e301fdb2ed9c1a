using Microsoft.Extensions.Logging.Abstractions;
using Myna.Domain.Clinics;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Level 2: the batching writer against real PostgreSQL: many streams per round trip, each with its own outcome.</summary>
public sealed class BatchingEventStreamStoreTests : IAsyncLifetime
{
    private static readonly Actor Terminal = new("desk-1", "terminal");
    private Marten.DocumentStore _store = null!;
    private BatchingEventStreamStore _batched = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _batched = new BatchingEventStreamStore(_store, NullLogger<BatchingEventStreamStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _batched.DisposeAsync();
        _store.Dispose();
    }

    private static EligibilityChecked Checked(PersonId person) =>
        new(person, Guid.NewGuid(), new CardId(Guid.NewGuid()), "1311234567", "desk-1", VerificationMethod.Pin, null, true, null, null, null, DateTimeOffset.UtcNow, Terminal);

    [Fact]
    public async Task Concurrent_appends_to_many_streams_share_transactions_and_keep_their_own_metadata()
    {
        var persons = Enumerable.Range(0, 300).Select(_ => PersonId.New()).ToList();
        var metadata = persons.ToDictionary(p => p, _ => new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp:" + Guid.NewGuid().ToString("N")[..8]));
        var before = _batched.Counters;

        var versions = await Task.WhenAll(persons.Select(p =>
            _batched.AppendAsync(StreamRef.LedgerOf(p).Key, 0, [Checked(p)], metadata[p])));

        Assert.All(versions, v => Assert.Equal(1, v));
        var (transactions, appends) = _batched.Counters;
        Assert.Equal(300, appends - before.Appends);
        Assert.True(transactions - before.Transactions < 300, $"{transactions - before.Transactions} transactions for 300 appends: nothing was batched");
        foreach (var person in persons.Take(25))
        {
            var stored = Assert.Single(await _batched.ReadAsync(StreamRef.LedgerOf(person).Key, 1));
            Assert.Equal(person, Assert.IsType<EligibilityChecked>(stored.Data).PersonId);
            Assert.Equal(metadata[person].CommandId, stored.CommandId);
            Assert.Equal(metadata[person].CorrelationId, stored.CorrelationId);
            Assert.Equal(metadata[person].Fingerprint, stored.Fingerprint);
            Assert.Equal("terminal", stored.Channel);
        }
    }

    [Fact]
    public async Task A_stale_append_fails_alone_and_the_rest_of_its_batch_is_written()
    {
        var stale = PersonId.New();
        await _batched.AppendAsync(StreamRef.LedgerOf(stale).Key, 0, [Checked(stale)], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp"));
        var others = Enumerable.Range(0, 50).Select(_ => PersonId.New()).ToList();

        var staleAppend = _batched.AppendAsync(StreamRef.LedgerOf(stale).Key, 0, [Checked(stale)], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp"));
        var good = others.Select(p => _batched.AppendAsync(StreamRef.LedgerOf(p).Key, 0, [Checked(p)], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp"))).ToList();

        await Assert.ThrowsAsync<StreamConflictException>(() => staleAppend);
        Assert.All(await Task.WhenAll(good), v => Assert.Equal(1, v));
        Assert.Single(await _batched.ReadAsync(StreamRef.LedgerOf(stale).Key, 1));
    }
}

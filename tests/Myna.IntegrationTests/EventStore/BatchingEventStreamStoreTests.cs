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

    private static EligibilityChecked Checked(PersonId person, Guid? checkId = null) =>
        new(person, checkId ?? Guid.NewGuid(), new CardId(Guid.NewGuid()), "1311234567", "desk-1", VerificationMethod.Pin, null, true, null, null, null, DateTimeOffset.UtcNow, Terminal);

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

    [Fact]
    public async Task A_committed_check_sent_again_at_its_old_version_is_a_conflict_to_read_not_a_replayed_challenge()
    {
        // A transaction whose commit was durable but whose answer was lost is written again one by one (the batch's
        // fallback): the stream has moved, and that must be what the append reports, so that the grain reads its own
        // receipt and answers the check, rather than refusing it as a second use of its own challenge.
        var person = PersonId.New();
        var check = Checked(person);
        var metadata = new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp");
        await _batched.AppendAsync(StreamRef.LedgerOf(person).Key, 0, [check], metadata);

        await Assert.ThrowsAsync<StreamConflictException>(() => _batched.AppendAsync(StreamRef.LedgerOf(person).Key, 0, [check], metadata));
        await Assert.ThrowsAsync<StreamConflictException>(() => _batched.AppendAsync(StreamRef.LedgerOf(person).Key, 0, [check, Checked(person)], metadata));

        var stored = Assert.Single(await _batched.ReadAsync(StreamRef.LedgerOf(person).Key, 1));
        Assert.Equal(metadata.CommandId, stored.CommandId);
    }

    [Fact]
    public async Task Two_ledgers_naming_one_check_id_consume_its_challenge_once_and_the_rest_of_the_batch_is_written()
    {
        var (first, second) = (PersonId.New(), PersonId.New());
        var checkId = Guid.NewGuid();
        var others = Enumerable.Range(0, 50).Select(_ => PersonId.New()).ToList();

        // Both uses queued together (one batch, or two): the challenge's row is inserted by whichever commits first.
        var uses = new[] { first, second }.Select(p =>
            _batched.AppendAsync(StreamRef.LedgerOf(p).Key, 0, [Checked(p, checkId)], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp"))).ToList();
        var good = others.Select(p => _batched.AppendAsync(StreamRef.LedgerOf(p).Key, 0, [Checked(p)], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp"))).ToList();
        var outcomes = await Task.WhenAll(uses.Select(async u =>
        {
            try
            {
                return (Version: await u, Refusal: (AppendRefusedException?)null);
            }
            catch (AppendRefusedException refused)
            {
                return (Version: 0L, Refusal: refused);
            }
        }));

        Assert.Single(outcomes, o => o.Version == 1);
        var refusal = Assert.Single(outcomes, o => o.Refusal is not null).Refusal!;
        Assert.Equal(Myna.Domain.Cards.SealedChallenge.Invalid.Code, refusal.Error.Code);
        Assert.All(await Task.WhenAll(good), v => Assert.Equal(1, v));
        var written = await Task.WhenAll(new[] { first, second }.Select(p => _batched.ReadAsync(StreamRef.LedgerOf(p).Key, 1)));
        Assert.Equal(1, written.Sum(w => w.Count));
        await using var query = _store.QuerySession();
        var row = await query.LoadAsync<Myna.EventStore.Cards.ConsumedChallenge>(checkId);
        Assert.Equal("eligibility-check", row!.Purpose);
        // A challenge consumed through the registry (another purpose, same table) is taken for a check too.
        var taken = Guid.NewGuid();
        Assert.True(await new Myna.EventStore.Cards.MartenConsumedChallengeRegistry(_store).TryConsumeAsync(taken, "portal-login", DateTimeOffset.UtcNow.AddMinutes(5)));
        var late = PersonId.New();
        await Assert.ThrowsAsync<AppendRefusedException>(() =>
            _batched.AppendAsync(StreamRef.LedgerOf(late).Key, 0, [Checked(late, taken)], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "terminal", "fp")));
        Assert.Empty(await _batched.ReadAsync(StreamRef.LedgerOf(late).Key, 1));
    }
}

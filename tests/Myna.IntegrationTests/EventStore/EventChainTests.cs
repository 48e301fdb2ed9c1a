using Microsoft.Extensions.Logging.Abstractions;
using Myna.Domain.Clinics;
using Myna.Domain.Persons;
using Myna.EventStore.Integrity;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Level 2: events are sealed at append (alone or batched) and the chain recomputes from the rows.</summary>
public sealed class EventChainTests : IAsyncLifetime
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private Marten.DocumentStore _store = null!;
    private ChainVerifier _verifier = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _verifier = new ChainVerifier(_store, new NoCheckpoint(), TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "municipality", "fp:" + Guid.NewGuid().ToString("N")[..8]);

    private static PersonMoved Moved(PersonId id, string address) =>
        new(id, address, new MunicipalityCode("131016"), new DateOnly(2026, 11, 1), DateTimeOffset.UtcNow, Clerk);

    [Fact]
    public async Task Events_written_before_sealing_are_a_legacy_prefix_and_the_chain_starts_after_them()
    {
        var id = PersonId.New();
        var key = StreamRef.For(id).Key;
        object[] legacy =
        [
            new PersonRegistered(id, new BasicFourItems("佐藤 花子", "東京都千代田区千代田1-1", new DateOnly(1985, 2, 3), Sex.Female),
                new MunicipalityCode("131016"), RegistrationReason.Birth, DateTimeOffset.UtcNow, Clerk),
            Moved(id, "東京都港区1"),
        ];
        // The person's key, as the stream adapter loads it before any append of personal data.
        await Myna.EventStore.Configuration.MartenSetup.PersonalData(_store).PrepareAppendAsync(legacy);
        await using (var session = _store.LightweightSession())
        {
            // As an older version of the store wrote them: no seal.
            session.Events.StartStream(key, legacy);
            await session.SaveChangesAsync();
        }
        var events = new MartenEventStreamStore(_store);

        await events.AppendAsync(key, 2, [Moved(id, "東京都港区2"), Moved(id, "東京都港区3")], Metadata());
        await new MartenEventStreamStore(_store).AppendAsync(key, 4, [Moved(id, "東京都港区4")], Metadata()); // another process: the link comes from the row

        var result = await _verifier.VerifyStreamAsync(key);
        Assert.NotNull(result);
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(5, result.Events);
        Assert.Equal(2, result.LegacyEvents);
    }

    [Fact]
    public async Task Batched_appends_to_many_streams_are_each_chained()
    {
        await using var batched = new BatchingEventStreamStore(_store, NullLogger<BatchingEventStreamStore>.Instance);
        var persons = Enumerable.Range(0, 50).Select(_ => PersonId.New()).ToList();
        EligibilityChecked Checked(PersonId person) =>
            new(person, Guid.NewGuid(), new CardId(Guid.NewGuid()), "1311234567", "desk-1", VerificationMethod.Pin, null, true, null, null, null, DateTimeOffset.UtcNow, Clerk);

        await Task.WhenAll(persons.Select(p => batched.AppendAsync(StreamRef.LedgerOf(p).Key, 0, [Checked(p)], Metadata())));
        await Task.WhenAll(persons.Select(p => batched.AppendAsync(StreamRef.LedgerOf(p).Key, 1, [Checked(p), Checked(p)], Metadata())));

        foreach (var person in persons)
        {
            var result = await _verifier.VerifyStreamAsync(StreamRef.LedgerOf(person).Key);
            Assert.True(result!.Intact, result.Detail);
            Assert.Equal(3, result.Events);
            Assert.Equal(0, result.LegacyEvents);
        }
    }

    [Fact]
    public void The_seal_covers_canonical_data_so_key_order_and_spelling_of_numbers_do_not_matter()
    {
        var a = new EventSealInput("person-1", 3, "person_moved_v1", "c", "r", "municipality", "fp", "prev", """{"b": 1E3, "a": "東京"}""");
        var b = a with { DataJson = """{"a":"\u6771\u4eac","b":1000}""" };

        Assert.Equal(EventHash.Compute(a), EventHash.Compute(b));
        Assert.NotEqual(EventHash.Compute(a), EventHash.Compute(a with { Version = 4 }));
        Assert.NotEqual(EventHash.Compute(a), EventHash.Compute(a with { PreviousHash = "other" }));
        Assert.NotEqual(EventHash.Compute(a), EventHash.Compute(a with { Channel = "portal" }));
    }

    [Fact]
    public void The_merkle_root_changes_with_any_head()
    {
        CheckpointHead[] heads = [new("card-1", 3, "aa"), new("person-1", 7, "bb"), new("person-2", 2, "cc")];

        Assert.Equal(IntegrityCheckpoint.RootOf(heads), IntegrityCheckpoint.RootOf([.. heads.Reverse()]));
        Assert.NotEqual(IntegrityCheckpoint.RootOf(heads), IntegrityCheckpoint.RootOf([heads[0], heads[1] with { Version = 6 }, heads[2]]));
        Assert.NotEqual(IntegrityCheckpoint.RootOf(heads), IntegrityCheckpoint.RootOf(heads[..2]));
    }

    private sealed class NoCheckpoint : ICheckpointStore
    {
        public Task WriteAsync(IntegrityCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("These tests verify chains without checkpoints.");

        public Task<IntegrityCheckpoint?> LatestAsync(CancellationToken cancellationToken = default) => Task.FromResult<IntegrityCheckpoint?>(null);
    }
}

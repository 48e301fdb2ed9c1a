using Myna.Domain.Persons;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Level 2: the Marten adapter against real PostgreSQL.</summary>
public sealed class EventStreamStoreTests : IAsyncLifetime
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private Marten.DocumentStore _store = null!;
    private MartenEventStreamStore _events = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _events = new MartenEventStreamStore(_store);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static (PersonId Id, string Key) NewStream()
    {
        var id = PersonId.New();
        return (id, StreamRef.For(id).Key);
    }

    private static PersonRegistered Registered(PersonId id) =>
        new(id, new BasicFourItems("佐藤 花子", "東京都千代田区1-1", new DateOnly(1985, 2, 3), Sex.Female), Chiyoda, RegistrationReason.Birth, DateTimeOffset.UtcNow, Clerk);

    private static PersonMoved Moved(PersonId id, string address) =>
        new(id, address, Chiyoda, new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow, Clerk);

    private static AppendMetadata Meta(string channel = "counter") => new(Guid.NewGuid(), Guid.NewGuid(), channel, "fp:Test");

    [Fact]
    public async Task Appended_events_read_back_in_order_with_their_metadata()
    {
        var (id, key) = NewStream();
        var meta = Meta("counter");

        Assert.Equal(2, await _events.AppendAsync(key, 0, [Registered(id), Moved(id, "A")], meta));
        Assert.Equal(3, await _events.AppendAsync(key, 2, [Moved(id, "B")], Meta()));

        var read = await _events.ReadAsync(key, 1);
        Assert.Equal([1L, 2L, 3L], read.Select(e => e.Version));
        Assert.IsType<PersonRegistered>(read[0].Data);
        Assert.Equal("A", Assert.IsType<PersonMoved>(read[1].Data).NewAddress);
        Assert.Equal("person_registered_v1", read[0].EventTypeName);
        Assert.Equal(meta.CommandId, read[0].CommandId);
        Assert.Equal(meta.CorrelationId, read[1].CorrelationId);
        Assert.Equal("counter", read[0].Channel);
        Assert.Equal("fp:Test", read[0].Fingerprint);
        Assert.Equal(3, await _events.GetVersionAsync(key));
        Assert.Equal([2L, 3L], (await _events.ReadAsync(key, 2)).Select(e => e.Version));
        Assert.Equal([1L], (await _events.ReadAsync(key, 1, limit: 1)).Select(e => e.Version));
    }

    [Fact]
    public async Task A_stale_expected_version_is_refused_and_writes_nothing()
    {
        var (id, key) = NewStream();
        await _events.AppendAsync(key, 0, [Registered(id)], Meta());
        await _events.AppendAsync(key, 1, [Moved(id, "first writer")], Meta());

        var conflict = await Assert.ThrowsAsync<StreamConflictException>(() =>
            _events.AppendAsync(key, 1, [Moved(id, "stale writer"), Moved(id, "stale writer 2")], Meta()));

        Assert.Equal(1, conflict.ExpectedVersion);
        var read = await _events.ReadAsync(key, 1);
        Assert.Equal(2, read.Count);
        Assert.DoesNotContain(read, e => e.Data is PersonMoved { NewAddress: "stale writer" or "stale writer 2" });
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_is_a_conflict()
    {
        var (id, key) = NewStream();
        await _events.AppendAsync(key, 0, [Registered(id)], Meta());
        await Assert.ThrowsAsync<StreamConflictException>(() => _events.AppendAsync(key, 0, [Registered(id)], Meta()));
        Assert.Single(await _events.ReadAsync(key, 1));
    }

    [Fact]
    public async Task Racing_writers_at_the_same_version_exactly_one_wins()
    {
        var (id, key) = NewStream();
        await _events.AppendAsync(key, 0, [Registered(id)], Meta());

        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await _events.AppendAsync(key, 1, [Moved(id, $"writer {i}")], Meta());
                return true;
            }
            catch (StreamConflictException)
            {
                return false;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(2, (await _events.ReadAsync(key, 1)).Count);
    }

    [Fact]
    public async Task A_fresh_store_reads_streams_it_never_wrote()
    {
        var (id, key) = NewStream();
        await _events.AppendAsync(key, 0, [Registered(id), Moved(id, "C")], Meta());

        // A new DocumentStore, as in a new process: the event types resolve by their stable names.
        using var fresh = TestInfrastructure.CreateStore();
        var read = await new MartenEventStreamStore(fresh).ReadAsync(key, 1);
        Assert.Equal(Registered(id).Items, Assert.IsType<PersonRegistered>(read[0].Data).Items);
        Assert.Equal("person_moved_v1", read[1].EventTypeName);
    }

    [Fact]
    public async Task The_number_is_stored_in_full_in_the_event_body()
    {
        // The event store holds the truth; masking happens on the way out (audit, responses).
        var (id, key) = NewStream();
        var number = IndividualNumber.Parse("123456789018");
        await _events.AppendAsync(key, 0, [Registered(id), new IndividualNumberAssigned(id, number, Chiyoda, DateTimeOffset.UtcNow, Clerk)], Meta());
        var read = await _events.ReadAsync(key, 2);
        Assert.Equal(number, Assert.IsType<IndividualNumberAssigned>(read[0].Data).Number);
    }
}

using Microsoft.Extensions.Options;
using Myna.EventStore.Numbers;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Level 2: number reservation against real PostgreSQL.</summary>
public sealed class NumberRegistryTests : IAsyncLifetime
{
    private Marten.DocumentStore _store = null!;
    private MartenNumberRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _registry = new MartenNumberRegistry(_store, Options.Create(TestInfrastructure.EventStoreOptions), TimeProvider.System, TestInfrastructure.Journal());
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reserving_again_for_the_same_person_returns_the_same_number()
    {
        var person = PersonId.New();
        var first = await _registry.ReserveAsync(person, 0);
        var again = await _registry.ReserveAsync(person, 0);
        Assert.Equal(first, again);
        Assert.Equal(person, await _registry.FindAsync(first.Number));
    }

    [Fact]
    public async Task Concurrent_reservations_give_distinct_valid_numbers()
    {
        var persons = Enumerable.Range(0, 300).Select(_ => PersonId.New()).ToList();
        // Two registries = two silos racing on the same table.
        using var otherStore = TestInfrastructure.CreateStore();
        var other = new MartenNumberRegistry(otherStore, Options.Create(TestInfrastructure.EventStoreOptions), TimeProvider.System, TestInfrastructure.Journal());

        var numbers = await Task.WhenAll(persons.Select((p, i) => (i % 2 == 0 ? _registry : other).ReserveAsync(p, 0)));

        Assert.Equal(numbers.Length, numbers.Select(n => n.Number.Digits).Distinct().Count());
        Assert.Equal(numbers.Length, numbers.Select(n => n.Code).Distinct().Count());
        Assert.All(numbers, n => Assert.True(IndividualNumber.TryParse(n.Number.Digits, out _, out _)));
        for (var i = 0; i < persons.Count; i += 37)
        {
            Assert.Equal(persons[i], await _registry.FindAsync(numbers[i].Number));
        }
    }

    [Fact]
    public async Task A_taken_candidate_is_skipped_not_shared()
    {
        var owner = PersonId.New();
        var latecomer = PersonId.New();
        // Someone else already holds the latecomer's first candidate.
        var firstCandidate = _registry.Candidate(latecomer, 0, 0);
        await using (var session = _store.LightweightSession())
        {
            session.Insert(new NumberReservation { Id = _registry.IndexKey(firstCandidate.Number), PersonId = owner.Value, ReservedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync();
        }

        var number = await _registry.ReserveAsync(latecomer, 0);

        Assert.NotEqual(firstCandidate, number);
        Assert.Equal(_registry.Candidate(latecomer, 0, 1), number);
        Assert.Equal(owner, await _registry.FindAsync(firstCandidate.Number));
        Assert.Equal(latecomer, await _registry.FindAsync(number.Number));
    }

    [Fact]
    public async Task A_new_generation_gets_a_new_number_and_the_old_stays_reserved()
    {
        var person = PersonId.New();
        var first = await _registry.ReserveAsync(person, 0);
        var second = await _registry.ReserveAsync(person, 1);

        Assert.NotEqual(first.Number, second.Number);
        Assert.NotEqual(first.Code, second.Code);
        Assert.Equal(second, await _registry.ReserveAsync(person, 1));
        Assert.Equal(person, await _registry.FindAsync(first.Number));
        Assert.Equal(person, await _registry.FindAsync(second.Number));
    }

    [Fact]
    public async Task The_index_is_rebuilt_from_the_person_streams()
    {
        // Two persons' streams say who holds which number; then their index rows are lost.
        var events = new Myna.EventStore.Streams.MartenEventStreamStore(_store);
        var actor = new Actor("clerk", "municipality");
        var chiyoda = new MunicipalityCode("131016");
        var (alice, bob) = (PersonId.New(), PersonId.New());
        var aliceFirst = await _registry.ReserveAsync(alice, 0);
        var aliceSecond = await _registry.ReserveAsync(alice, 1);
        var bobs = await _registry.ReserveAsync(bob, 0);
        var meta = new Myna.EventStore.Streams.AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "test", "fp");
        await events.AppendAsync(StreamRef.For(alice).Key, 0,
        [
            new Myna.Domain.Persons.IndividualNumberAssigned(alice, aliceFirst.Number, chiyoda, DateTimeOffset.UtcNow, actor),
            new Myna.Domain.Persons.IndividualNumberReplaced(alice, aliceFirst.Number, aliceSecond.Number, "LEAK-9", chiyoda, DateTimeOffset.UtcNow, actor),
        ], meta);
        await events.AppendAsync(StreamRef.For(bob).Key, 0,
            [new Myna.Domain.Persons.IndividualNumberAssigned(bob, bobs.Number, chiyoda, DateTimeOffset.UtcNow, actor)], meta);
        await using (var session = _store.LightweightSession())
        {
            session.Delete<NumberReservation>(_registry.IndexKey(aliceSecond.Number));
            session.Delete<NumberReservation>(_registry.IndexKey(bobs.Number));
            await session.SaveChangesAsync();
        }
        Assert.Null(await _registry.FindAsync(bobs.Number));

        var indexed = await _registry.RebuildIndexAsync();

        Assert.True(indexed >= 2);
        Assert.Equal(alice, await _registry.FindAsync(aliceFirst.Number));
        Assert.Equal(alice, await _registry.FindAsync(aliceSecond.Number));
        Assert.Equal(bob, await _registry.FindAsync(bobs.Number));
        // The rebuilt rows keep their generation, so a retried replacement still finds its own number.
        Assert.Equal(aliceSecond, await _registry.ReserveAsync(alice, 1));
    }

    [Fact]
    public async Task An_unknown_number_resolves_to_nobody()
    {
        Assert.Null(await _registry.FindAsync(IndividualNumber.FromBody("00000000001")));
    }
}

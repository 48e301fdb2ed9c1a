using Myna.Domain.Portal;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Level 2: the access ledger's backward, filtered paging against real PostgreSQL.</summary>
public sealed class StreamPageReaderTests : IAsyncLifetime
{
    private static readonly Actor Someone = new("someone", "agency");
    private Marten.DocumentStore _store = null!;
    private MartenEventStreamStore _events = null!;
    private MartenStreamPageReader _pages = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _events = new MartenEventStreamStore(_store);
        _pages = new MartenStreamPageReader(_store);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static AppendMetadata Meta() => new(Guid.NewGuid(), Guid.NewGuid(), "test", "fp:Test");

    [Fact]
    public async Task Pages_run_newest_first_by_type_and_from_a_version()
    {
        var person = PersonId.New();
        var key = StreamRef.LedgerOf(person).Key;
        var now = DateTimeOffset.UtcNow;
        await _events.AppendAsync(key, 0,
        [
            new AgencyDataRequested(person, "tax-office", DataItem.IncomeSummary, "住民税", true, null, now, Someone),
            new AppDataRequested(person, "kakeibo-app", "家計簿", AppItem.IncomeSummary, null, false, "consent.none", now, Someone),
            new AgencyDataRequested(person, "welfare-office", DataItem.BasicFourItems, "福祉", true, null, now, Someone),
            new IndividualNumberRevealed(person, null, now, Someone),
        ], Meta());

        var all = await _pages.ReadBackwardAsync(key, null, null, null, null, 10);
        var agencies = await _pages.ReadBackwardAsync(key, null, [typeof(AgencyDataRequested)], null, null, 10);
        var olderAgencies = await _pages.ReadBackwardAsync(key, 3, [typeof(AgencyDataRequested)], null, null, 10);
        var firstTwo = await _pages.ReadBackwardAsync(key, null, null, null, null, 2);
        var future = await _pages.ReadBackwardAsync(key, null, null, now.AddDays(1), null, 10);

        Assert.Equal([4L, 3, 2, 1], all.Select(e => e.Version));
        Assert.Equal([3L, 1], agencies.Select(e => e.Version));
        Assert.Equal("tax-office", Assert.IsType<AgencyDataRequested>(Assert.Single(olderAgencies).Data).Agency);
        Assert.Equal([4L, 3], firstTwo.Select(e => e.Version));
        Assert.Empty(future);
    }
}

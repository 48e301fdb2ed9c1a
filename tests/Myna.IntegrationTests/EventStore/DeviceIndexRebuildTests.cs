using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Options;
using Myna.Domain.Cards;
using Myna.EventStore.Configuration;
using Myna.EventStore.Devices;
using Myna.EventStore.Insurance;
using Myna.EventStore.Maintenance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;
using Npgsql;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Level 2: the devices index ("one person per phone") rebuilt from the card streams, its rows replaced by bulk COPY
/// in one transaction with the table locked against writers only, against real PostgreSQL: the rows are those the
/// link events make, readers never see the index empty, and a phone linked while the rebuild runs keeps its row.
/// </summary>
public sealed class DeviceIndexRebuildTests : IAsyncLifetime
{
    private static readonly Actor Resident = new("resident-1", "resident");
    private readonly DocumentStore _store = TestInfrastructure.CreateStore();
    private readonly MartenEventStreamStore _streams;
    private readonly MartenDeviceRegistry _devices;
    private readonly MartenIndexRebuilder _rebuilder;

    public DeviceIndexRebuildTests()
    {
        _streams = new MartenEventStreamStore(_store);
        _devices = new MartenDeviceRegistry(_store);
        var numbers = new MartenNumberRegistry(_store, Options.Create(TestInfrastructure.EventStoreOptions), TimeProvider.System, TestInfrastructure.Journal());
        _rebuilder = new MartenIndexRebuilder(_store, new MartenPersonMatchIndex(_store), numbers);
    }

    public Task InitializeAsync() => TestInfrastructure.EnsureSchemaAsync();

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "smartphone", "fp");

    private static CardApplied Applied(CardId card, PersonId person) =>
        new(card, person, new DateOnly(1985, 2, 3), ApplicationChannel.Counter, false, false, false, 0, new DateOnly(2026, 4, 1), DateTimeOffset.UtcNow, Resident);

    private static string Device() => MartenDeviceRegistry.Hash("phone-" + Guid.NewGuid().ToString("N"));

    /// <summary>A card applied for, on its own stream (version 1).</summary>
    private async Task<(CardId Card, PersonId Person)> ApplyAsync()
    {
        var (card, person) = (new CardId(Guid.NewGuid()), new PersonId(Guid.NewGuid()));
        await _streams.AppendAsync(StreamRef.For(card).Key, 0, [Applied(card, person)], Metadata());
        return (card, person);
    }

    /// <summary>A link as the card grain makes it: the phone claimed (its row written) first, then the event appended.</summary>
    private async Task LinkLiveAsync(CardId card, PersonId person, string device, long version)
    {
        Assert.True(await _devices.ClaimAsync(device, person, card));
        await _streams.AppendAsync(StreamRef.For(card).Key, version, [new SmartphoneCredentialLinked(card, device, DateTimeOffset.UtcNow, Resident)], Metadata());
    }

    /// <summary>Many linked cards in one session, without rows: the rebuild is what writes them.</summary>
    private async Task<List<(string Device, CardId Card)>> LinkEventsOnlyAsync(int count)
    {
        var linked = Enumerable.Range(0, count).Select(_ => (Device: Device(), Card: new CardId(Guid.NewGuid()))).ToList();
        var streams = linked.Select(l => (l.Card, Events: new object[]
        {
            Applied(l.Card, new PersonId(Guid.NewGuid())), new SmartphoneCredentialLinked(l.Card, l.Device, DateTimeOffset.UtcNow, Resident),
        })).ToList();
        await _store.PersonalData().PrepareAppendAsync(streams.SelectMany(s => s.Events));
        await using var session = _store.LightweightSession();
        foreach (var (card, events) in streams)
        {
            session.Events.StartStream(StreamRef.For(card).Key, events);
        }
        await session.SaveChangesAsync();
        return linked;
    }

    private async Task<DeviceRecord?> RowAsync(string device)
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<DeviceRecord>(device);
    }

    private async Task<int> CountAsync()
    {
        await using var query = _store.QuerySession();
        return await query.Query<DeviceRecord>().CountAsync();
    }

    [Fact]
    public async Task The_rebuild_writes_the_rows_the_link_events_make_and_drops_unlinked_phones_and_old_rows_no_event_made()
    {
        var (kept, keeper) = await ApplyAsync();
        var phone = Device();
        await LinkLiveAsync(kept, keeper, phone, 1);
        var (left, leaver) = await ApplyAsync();
        var unlinked = Device();
        await LinkLiveAsync(left, leaver, unlinked, 1);
        await _streams.AppendAsync(StreamRef.For(left).Key, 2, [new SmartphoneCredentialUnlinked(left, unlinked, DateTimeOffset.UtcNow, Resident)], Metadata());
        // Its release has not run (as between a grain's append and its release): the events say the phone is free.
        await AgeAsync(unlinked, MartenIndexRebuilder.LiveClaimGrace * 2);
        var stray = Device();
        Assert.True(await _devices.ClaimAsync(stray, new PersonId(Guid.NewGuid()), new CardId(Guid.NewGuid())));
        await AgeAsync(stray, MartenIndexRebuilder.LiveClaimGrace * 2);
        var lost = (await LinkEventsOnlyAsync(1))[0];

        var rows = await _rebuilder.RebuildAsync(RebuildableIndex.Devices);

        Assert.True(rows >= 2, $"{rows} rows");
        Assert.Equal((keeper.Value, kept.Value), (await RowAsync(phone)) is { } row ? (row.PersonId, row.CardId) : default);
        Assert.Equal(lost.Card.Value, (await RowAsync(lost.Device))?.CardId);
        Assert.Null(await RowAsync(unlinked));
        Assert.Null(await RowAsync(stray));
    }

    /// <summary>Dates a row's last write back, as a row written before the rebuild started.</summary>
    private async Task AgeAsync(string device, TimeSpan by)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"update {TestInfrastructure.Schema}.mt_doc_devicerecord set mt_last_modified = mt_last_modified - @by where id = @id", connection);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("id", device);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_phone_linked_while_the_rebuild_runs_keeps_its_row_and_readers_never_see_the_index_empty()
    {
        // More than one page of events (2,000 a page), so that the rebuild takes several queries.
        var seeded = await LinkEventsOnlyAsync(1_100);
        await _rebuilder.RebuildAsync(RebuildableIndex.Devices);
        Assert.True(await CountAsync() >= seeded.Count, "rows after the first rebuild");

        // One phone is linked right after the scan has read its last page, before the rows are replaced.
        var (lateCard, latePerson) = await ApplyAsync();
        var late = Device();
        var rebuild = _rebuilder.RebuildAsync(RebuildableIndex.Devices, new AtLastPage(() => LinkLiveAsync(lateCard, latePerson, late, 1)));
        var counts = new ConcurrentBag<int>();
        var reader = Task.Run(async () =>
        {
            do
            {
                counts.Add(await CountAsync());
            }
            while (!rebuild.IsCompleted);
        });
        var linked = new List<(string Device, CardId Card)>();
        // Links go on until the rebuild has committed, and a few more after it.
        for (var i = 0; !rebuild.IsCompleted || i < 5; i++)
        {
            var (card, person) = await ApplyAsync();
            var device = Device();
            await LinkLiveAsync(card, person, device, 1);
            linked.Add((device, card));
        }
        var rows = await rebuild;
        await reader;

        Assert.True(rows >= seeded.Count, $"{rows} rows");
        Assert.NotEmpty(counts);
        Assert.All(counts, c => Assert.True(c >= seeded.Count, $"a reader saw {c} rows during the rebuild"));
        Assert.Equal(lateCard.Value, (await RowAsync(late))?.CardId);
        foreach (var (device, card) in linked.Concat(seeded))
        {
            var row = await RowAsync(device);
            Assert.True(row is not null, $"the row of the phone on card {card.Value} was replaced away");
            Assert.Equal(card.Value, row.CardId);
        }
    }

    /// <summary>Runs an action once, when the rebuild reports its scan's last page (synchronously, as the scan waits for its sink).</summary>
    private sealed class AtLastPage(Func<Task> action) : IProgress<RebuildProgress>
    {
        private int _done;

        public void Report(RebuildProgress value)
        {
            if (value.Total > 0 && value.Processed >= value.Total && Interlocked.Exchange(ref _done, 1) == 0)
            {
                Task.Run(action).GetAwaiter().GetResult();
            }
        }
    }
}

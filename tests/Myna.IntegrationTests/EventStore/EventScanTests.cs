using Marten;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Maintenance;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Level 2: the rebuilds' scan against real PostgreSQL. It reads each type along the event type index and takes the
/// first page of their union, so across page boundaries the events must still come in global order, skip the types
/// not asked for, and stop at the high-water mark (the index itself: <see cref="SchemaMigrationTests"/>; that the planner takes
/// it is a matter of table statistics, so the benchmark shows it, F7, not an assertion here).
/// </summary>
public sealed class EventScanTests : IAsyncLifetime
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private readonly DocumentStore _store = TestInfrastructure.CreateStore();
    private readonly MartenEventStreamStore _streams;

    private static readonly IReadOnlyDictionary<string, Type> Scanned = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [EventNames.Of<PersonRegistered>()] = typeof(PersonRegistered),
        [EventNames.Of<PersonMoved>()] = typeof(PersonMoved),
    };

    public EventScanTests() => _streams = new MartenEventStreamStore(_store);

    public Task InitializeAsync() => TestInfrastructure.EnsureSchemaAsync();

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp");

    /// <summary>
    /// Registrations, moves and renames (not scanned) interleaved in global order, one append at a time; returns what
    /// a scan of registrations and moves must visit, in order.
    /// </summary>
    private async Task<List<string>> WriteInterleavedAsync(int persons)
    {
        var expected = new List<string>();
        var versions = new Dictionary<PersonId, long>();
        var ids = new List<PersonId>();
        for (var i = 0; i < persons; i++)
        {
            var person = new PersonId(Guid.NewGuid());
            ids.Add(person);
            await _streams.AppendAsync(StreamRef.For(person).Key, 0,
                [new PersonRegistered(person, new BasicFourItems("走査 " + i, "東京都千代田区千代田1-1", new DateOnly(1990, 1, 1), Sex.Male), Chiyoda, RegistrationReason.Birth, DateTimeOffset.UtcNow, Clerk)],
                Metadata());
            versions[person] = 1;
            expected.Add($"registered {person.Value}");
            // Every second person the one before moves, every third renames (a type the scan skips).
            if (i % 2 == 1)
            {
                var mover = ids[i - 1];
                await _streams.AppendAsync(StreamRef.For(mover).Key, versions[mover],
                    [new PersonMoved(mover, "大阪府大阪市北区" + i, Chiyoda, new DateOnly(2026, 4, 1), DateTimeOffset.UtcNow, Clerk)], Metadata());
                versions[mover]++;
                expected.Add($"moved {mover.Value}");
            }
            if (i % 3 == 2)
            {
                await _streams.AppendAsync(StreamRef.For(person).Key, versions[person],
                    [new PersonRenamed(person, "改名 " + i, Chiyoda, DateTimeOffset.UtcNow, Clerk)], Metadata());
                versions[person]++;
            }
        }
        return expected;
    }

    private static string Describe(object e) => e switch
    {
        PersonRegistered r => $"registered {r.PersonId.Value}",
        PersonMoved m => $"moved {m.PersonId.Value}",
        _ => "unexpected " + e.GetType().Name,
    };

    [Fact]
    public async Task The_settled_number_is_an_event_older_than_the_cutoff_and_below_every_younger_one()
    {
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var person = new PersonId(Guid.NewGuid());
            keys.Add(StreamRef.For(person).Key);
            await _streams.AppendAsync(keys[^1], 0,
                [new PersonRegistered(person, new BasicFourItems("確定 " + i, "東京都千代田区千代田1-1", new DateOnly(1990, 1, 1), Sex.Male), Chiyoda, RegistrationReason.Birth, DateTimeOffset.UtcNow, Clerk)],
                Metadata());
        }
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        var events = $"{_store.Options.Events.DatabaseSchemaName}.mt_events";
        async Task<List<(long Sequence, DateTimeOffset At)>> ReadAsync(string where, Action<Npgsql.NpgsqlParameterCollection> bind)
        {
            await using var command = new Npgsql.NpgsqlCommand($"select seq_id, timestamp from {events} where {where} order by seq_id", connection);
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(long, DateTimeOffset)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
            return rows;
        }
        var ours = await ReadAsync("stream_id = any(@keys)", p => p.AddWithValue("keys", keys.ToArray()));
        Assert.Equal(3, ours.Count);
        var (first, firstAt) = ours[0];
        var mark = ours[^1].Sequence;

        // Every event up to the mark is older than a cutoff still to come: the mark itself is settled.
        Assert.Equal(mark, await MartenIndexRebuilder.SettledUpToAsync(connection, events, mark, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));

        // A cutoff a settled age before our first event: the settled number lies below our events (another test's older
        // event, or 0 when the store has none that old), so a rebuild whose mark is ours waits before reading them.
        var cutoff = firstAt - MartenIndexRebuilder.SettledAge;
        var settled = await MartenIndexRebuilder.SettledUpToAsync(connection, events, mark, cutoff, CancellationToken.None);
        Assert.InRange(settled, 0, first - 1);
        if (settled > 0)
        {
            var (_, at) = Assert.Single(await ReadAsync("seq_id = @seq", p => p.AddWithValue("seq", settled)));
            Assert.True(at < cutoff, $"event {settled} at {at:O} is not older than the cutoff {cutoff:O}");
        }
    }

    [Fact]
    public async Task A_scan_in_small_pages_visits_the_asked_types_in_global_order_up_to_the_high_water_mark()
    {
        var start = await MartenIndexRebuilder.HighWaterAsync(_store, CancellationToken.None);
        await start.Settling;
        var before = start.Sequence;
        var first = await WriteInterleavedAsync(7);
        // The scan stops at the events settled before the mark until the appends under way at it have ended.
        var mark = await MartenIndexRebuilder.HighWaterAsync(_store, CancellationToken.None);
        var highWater = mark.Sequence;
        var later = await WriteInterleavedAsync(3);
        var ours = first.Concat(later).Select(d => d[(d.IndexOf(' ') + 1)..]).ToHashSet();

        var visited = new List<string>();
        var reached = await MartenIndexRebuilder.ScanDataAsync(_store, Scanned, e => visited.Add(Describe(e)), CancellationToken.None,
            after: before, paced: false, pageSize: 3, mark: mark);
        Assert.True(mark.Settling.IsCompleted);

        // Other tests append meanwhile: their events are in the scan too, in their places; ours must be exactly these.
        Assert.DoesNotContain(visited, v => v.StartsWith("unexpected", StringComparison.Ordinal));
        Assert.Equal(first, visited.Where(v => ours.Contains(v[(v.IndexOf(' ') + 1)..])).ToList());
        Assert.InRange(reached, before + first.Count, highWater);

        var rest = new List<string>();
        await MartenIndexRebuilder.ScanDataAsync(_store, Scanned, e => rest.Add(Describe(e)), CancellationToken.None,
            after: reached, paced: false, pageSize: 2);
        Assert.Equal(later, rest.Where(v => ours.Contains(v[(v.IndexOf(' ') + 1)..])).ToList());
    }
}

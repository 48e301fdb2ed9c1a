using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Myna.Domain.Persons;
using Myna.EventStore.Privacy;
using Myna.GrainInterfaces.Common;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Level 2, no infrastructure: a read of many persons' events through the personal-data converters, with a key store
/// so slow that the keys a read began with expire while it loads the ones it lacks (a rebuild five minutes after a
/// burst of registrations, under load). The read must end with every value decrypted, not give up.
/// </summary>
public sealed class PersonalDataKeyRingTests
{
    private static readonly Actor Clerk = new("clerk", "municipality");

    /// <summary>A clock that only moves when told (or when the key store is read).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>Keys in memory; every lookup takes <paramref name="perRead"/> of the clock's time.</summary>
    private sealed class SlowKeyStore(ManualClock clock, TimeSpan perRead) : IPersonalDataKeyStore
    {
        private readonly ConcurrentDictionary<Guid, PersonalDataKey> _keys = new();
        public int Reads;

        public IEnumerable<Guid> Subjects => _keys.Keys;

        public Task<PersonalDataKey> GetOrCreateAsync(Guid subject, CancellationToken cancellationToken = default) =>
            Task.FromResult(_keys.GetOrAdd(subject, s => new PersonalDataKey(s, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));

        public async Task<IReadOnlyList<PersonalDataKey>> GetOrCreateManyAsync(IReadOnlyList<Guid> subjects, CancellationToken cancellationToken = default) =>
            await Task.WhenAll(subjects.Select(s => GetOrCreateAsync(s, cancellationToken)));

        public Task<PersonalDataKey?> FindAsync(Guid subject, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Reads);
            clock.Advance(perRead);
            return Task.FromResult(_keys.TryGetValue(subject, out var key) ? key : null);
        }

        public Task DestroyAsync(Guid subject, CancellationToken cancellationToken = default)
        {
            _keys[subject] = new PersonalDataKey(subject, null);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_read_that_loads_keys_slowly_is_not_sent_round_again_by_the_keys_expiring_meanwhile()
    {
        var clock = new ManualClock();
        var keys = new SlowKeyStore(clock, TimeSpan.FromSeconds(30));
        // The writer's ring (another silo) and the reader's ring: the reader has cached only some of the keys.
        var writer = new PersonalDataProtection(new PersonalDataKeyRing(keys, clock));
        var readerRing = new PersonalDataKeyRing(keys, clock);
        var reader = new PersonalDataProtection(readerRing);
        var persons = Enumerable.Range(0, 12).Select(_ => PersonId.New()).ToList();
        var events = persons.Select((p, i) => new PersonMoved(p, $"東京都千代田区{i}番", new MunicipalityCode("131016"), new DateOnly(2026, 4, 1), DateTimeOffset.UtcNow, Clerk)).ToList();
        await writer.PrepareAppendAsync(events);
        var stored = events.Select(e => JsonSerializer.Serialize(e, Options(writer))).ToList();
        Assert.All(stored, (json, i) => Assert.DoesNotContain($"千代田区{i}番", json, StringComparison.Ordinal));

        // The reader cached the first six keys 1.5 to 4 minutes ago (loading them took three); the other six it has never
        // seen. Loading those takes three minutes more, past five of the first six keys' five minutes.
        await readerRing.LoadAsync(persons.Take(6).Select(p => p.Value), foundInEvents: true);
        clock.Advance(TimeSpan.FromMinutes(1.5));
        var readsBefore = keys.Reads;

        var read = await reader.ReadAsync(() => Task.FromResult(stored.Select(json => JsonSerializer.Deserialize<PersonMoved>(json, Options(reader))!).ToList()));

        Assert.Equal(events.Select(e => e.NewAddress), read.Select(e => e.NewAddress));
        Assert.Equal(6, keys.Reads - readsBefore);
        // A read started once every key expired loads all twelve again: freshness still holds, judged at the read's start.
        clock.Advance(TimeSpan.FromMinutes(10));
        var again = await reader.ReadAsync(() => Task.FromResult(stored.Select(json => JsonSerializer.Deserialize<PersonMoved>(json, Options(reader))!).ToList()));
        Assert.Equal(events.Select(e => e.NewAddress), again.Select(e => e.NewAddress));
        Assert.Equal(18, keys.Reads - readsBefore);
    }

    /// <summary>A key store that can also be read whole, counting its scans and the rows they read.</summary>
    private sealed class ScannableKeyStore(ManualClock clock) : IPersonalDataKeyStore, IPersonalDataKeyScan
    {
        public readonly SlowKeyStore Inner = new(clock, TimeSpan.Zero);
        public int Scans;
        public int RowsScanned;

        public Task<PersonalDataKey> GetOrCreateAsync(Guid subject, CancellationToken cancellationToken = default) => Inner.GetOrCreateAsync(subject, cancellationToken);
        public Task<IReadOnlyList<PersonalDataKey>> GetOrCreateManyAsync(IReadOnlyList<Guid> subjects, CancellationToken cancellationToken = default) => Inner.GetOrCreateManyAsync(subjects, cancellationToken);
        public Task<PersonalDataKey?> FindAsync(Guid subject, CancellationToken cancellationToken = default) => Inner.FindAsync(subject, cancellationToken);
        public Task DestroyAsync(Guid subject, CancellationToken cancellationToken = default) => Inner.DestroyAsync(subject, cancellationToken);

        public async IAsyncEnumerable<PersonalDataKey> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Scans);
            foreach (var subject in Inner.Subjects)
            {
                Interlocked.Increment(ref RowsScanned);
                yield return (await Inner.GetOrCreateAsync(subject, cancellationToken));
            }
        }
    }

    [Fact]
    public async Task A_whole_store_read_after_a_prefetch_loads_no_key_on_its_own_and_a_second_prefetch_reads_no_table()
    {
        var clock = new ManualClock();
        var keys = new ScannableKeyStore(clock);
        var writer = new PersonalDataProtection(new PersonalDataKeyRing(keys, clock));
        var persons = Enumerable.Range(0, 30).Select(_ => PersonId.New()).ToList();
        var events = persons.Select((p, i) => new PersonMoved(p, $"東京都港区{i}番", new MunicipalityCode("131032"), new DateOnly(2026, 4, 1), DateTimeOffset.UtcNow, Clerk)).ToList();
        await writer.PrepareAppendAsync(events);
        await keys.DestroyAsync(persons[0].Value);
        var stored = events.Select(e => JsonSerializer.Serialize(e, Options(writer))).ToList();
        var reader = new PersonalDataProtection(new PersonalDataKeyRing(keys, clock));

        Assert.Equal(30, await reader.PrefetchKeysAsync(persons.Count));
        var lookups = keys.Inner.Reads;
        var read = await reader.ReadAsync(() => Task.FromResult(stored.Select(json => JsonSerializer.Deserialize<PersonMoved>(json, Options(reader))!).ToList()));

        // Every value decrypted with the keys the scan brought, the erased one erased, and not one key looked up alone.
        Assert.Equal(PersonalDataProtection.ErasedText, read[0].NewAddress);
        Assert.Equal(events.Skip(1).Select(e => e.NewAddress), read.Skip(1).Select(e => e.NewAddress));
        Assert.Equal(lookups, keys.Inner.Reads);
        // The keys are cached and fresh: a second rebuild now reads no table; once they expire, it scans again.
        Assert.Equal(0, await reader.PrefetchKeysAsync(persons.Count));
        Assert.Equal(1, keys.Scans);
        clock.Advance(PersonalDataKeyRing.TimeToLive + TimeSpan.FromSeconds(1));
        Assert.Equal(30, await reader.PrefetchKeysAsync(persons.Count));
        Assert.Equal(2, keys.Scans);
    }

    [Fact]
    public async Task A_prefetch_reads_at_most_about_twice_the_keys_a_read_needs_from_a_larger_table()
    {
        var clock = new ManualClock();
        var keys = new ScannableKeyStore(clock);
        await keys.GetOrCreateManyAsync(Enumerable.Range(0, 5_000).Select(_ => Guid.NewGuid()).ToList());
        var ring = new PersonalDataKeyRing(keys, clock);

        var loaded = await ring.PrefetchAsync(100);

        Assert.Equal(1_200, loaded);
        Assert.Equal(1_200, keys.RowsScanned);
    }

    private static JsonSerializerOptions Options(PersonalDataProtection protection) =>
        new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(protection.Modify) };
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace Myna.EventStore.Privacy;

/// <summary>A person's data key, or the tombstone left when it was destroyed.</summary>
public sealed record PersonalDataKey(Guid Subject, byte[]? Key)
{
    public bool Erased => Key is null;
}

/// <summary>Where the per-person keys live: outside the event store, so that destroying one erases the person's data from every event.</summary>
public interface IPersonalDataKeyStore
{
    /// <summary>The subject's key, created on first use; a tombstone once destroyed.</summary>
    Task<PersonalDataKey> GetOrCreateAsync(Guid subject, CancellationToken cancellationToken = default);

    /// <summary>Many subjects' keys at once (a bulk registration's new persons), each as <see cref="GetOrCreateAsync"/> answers it.</summary>
    Task<IReadOnlyList<PersonalDataKey>> GetOrCreateManyAsync(IReadOnlyList<Guid> subjects, CancellationToken cancellationToken = default);

    /// <summary>The subject's key or tombstone; null when the subject never had one.</summary>
    Task<PersonalDataKey?> FindAsync(Guid subject, CancellationToken cancellationToken = default);

    /// <summary>Destroys the key for ever, leaving a tombstone. Idempotent.</summary>
    Task DestroyAsync(Guid subject, CancellationToken cancellationToken = default);
}

/// <summary>A key store that can read every key it holds in one pass (a table read of many rows a request).</summary>
public interface IPersonalDataKeyScan
{
    /// <summary>Every key and tombstone: the legacy layout's rows first, then this layout's, so a later row of a subject is the one its lookup finds.</summary>
    IAsyncEnumerable<PersonalDataKey> ScanAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Keys in an Azure Storage table (one row per person, partitioned by the id's first hex digit), each wrapped by
/// the key-encryption key (envelope encryption): the row holds <c>WrappedKey</c> and the <c>KekVersion</c> it is
/// wrapped under, never the key itself. Destroying a key replaces the row with a tombstone, after the destruction is
/// in the forward-only journal (invariant 23: a key table restored from a backup is destroyed again). A store built
/// without a journal (tools and tests that only read) refuses to destroy.
/// </summary>
public sealed class AzureTablePersonalDataKeyStore(
    TableServiceClient tables, IKeyEncryptionKeys keks, string tableName = AzureTablePersonalDataKeyStore.DefaultTable,
    Myna.EventStore.Recovery.IForwardJournal? journal = null) : IPersonalDataKeyStore, IPersonalDataKeyScan
{
    public const string DefaultTable = "mynapersonaldatakeys";

    private readonly TableClient _table = tables.GetTableClient(tableName);
    private volatile bool _opened;
    private volatile bool _legacyRows;

    internal TableClient Table => _table;

    /// <summary>
    /// Where a row is written: one of 16 partitions, <c>p0</c> to <c>pf</c> (the id's first hex digit), so that a
    /// bulk registration's new keys share partitions and go in table transactions of up to 100 rows. At 4,096
    /// partitions a chunk of 250 new persons met about one row per partition, and every key was a request of its own.
    /// </summary>
    internal static string Partition(Guid subject) => "p" + subject.ToString("N")[0];

    /// <summary>Where rows were written before: the id's first three hex digits. They sort below every <see cref="Partition"/>.</summary>
    internal static string LegacyPartition(Guid subject) => subject.ToString("N")[..3];

    private const string LegacyRowsFilter = "PartitionKey lt 'p'";

    private static string Row(Guid subject) => subject.ToString("N");

    public async Task<PersonalDataKey> GetOrCreateAsync(Guid subject, CancellationToken cancellationToken = default)
    {
        // Asks both layouts first: a subject with a row in the legacy one must never get a second key.
        if (await FindAsync(subject, cancellationToken) is { } existing)
        {
            return existing;
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var kek = await keks.CurrentAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(Entity(subject, key, kek), cancellationToken);
            return new PersonalDataKey(subject, key);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another silo created it first: theirs is the key.
            return await FindAsync(subject, cancellationToken) ?? throw new InvalidOperationException("A personal data key vanished while it was created.");
        }
    }

    /// <summary>
    /// New subjects' keys in batched table writes: one transaction per partition for the subjects that share
    /// one (up to 100 rows), the rest concurrently, each created without asking first (they are new). A subject
    /// that already has a row (a retry, or a tombstone) is answered as <see cref="GetOrCreateAsync"/> does. A table
    /// that held rows of the legacy layout when this store opened it is not written blind: a row there would not
    /// refuse the add, so each subject is asked first.
    /// </summary>
    public async Task<IReadOnlyList<PersonalDataKey>> GetOrCreateManyAsync(IReadOnlyList<Guid> subjects, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var made = new System.Collections.Concurrent.ConcurrentDictionary<Guid, PersonalDataKey>();
        if (_legacyRows)
        {
            await Parallel.ForEachAsync(subjects.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (subject, token) => made[subject] = await GetOrCreateAsync(subject, token));
            return subjects.Select(s => made[s]).ToList();
        }
        var kek = await keks.CurrentAsync(cancellationToken);
        var groups = subjects.Distinct().GroupBy(Partition).SelectMany(p => p.Chunk(100)).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (group, token) =>
        {
            var keys = group.ToDictionary(s => s, _ => RandomNumberGenerator.GetBytes(32));
            try
            {
                if (group.Length == 1)
                {
                    await _table.AddEntityAsync(Entity(group[0], keys[group[0]], kek), token);
                }
                else
                {
                    await _table.SubmitTransactionAsync(group.Select(s => new TableTransactionAction(TableTransactionActionType.Add, Entity(s, keys[s], kek))), token);
                }
                foreach (var subject in group)
                {
                    made[subject] = new PersonalDataKey(subject, keys[subject]);
                }
            }
            catch (Exception e) when (e is RequestFailedException or TableTransactionFailedException)
            {
                // Some row exists already: nothing of this group was written; each subject the single way.
                foreach (var subject in group)
                {
                    made[subject] = await GetOrCreateAsync(subject, token);
                }
            }
        });
        return subjects.Select(s => made[s]).ToList();
    }

    private static TableEntity Entity(Guid subject, byte[] key, KeyEncryptionKey kek) => new(Partition(subject), Row(subject))
    {
        ["WrappedKey"] = KeyWrap.Wrap(kek, subject, key),
        ["KekVersion"] = kek.Version,
    };

    public async Task<PersonalDataKey?> FindAsync(Guid subject, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        // This layout's partition first; the legacy one on a miss only, so a row written before the layout changed,
        // or brought back by an import, is still found.
        var row = await RowAsync(Partition(subject), subject, cancellationToken) ?? await RowAsync(LegacyPartition(subject), subject, cancellationToken);
        return row is null ? null : new PersonalDataKey(subject, await UnwrapAsync(subject, row, cancellationToken));
    }

    /// <summary>
    /// Every row, a thousand a request: the legacy layout's partitions, then this layout's, each as <see cref="FindAsync"/>
    /// would answer for its subject (this layout's row over a legacy one). A row this process cannot unwrap (a retired
    /// key-encryption key) is left out: the subject's own lookup then says why.
    /// </summary>
    public async IAsyncEnumerable<PersonalDataKey> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        foreach (var filter in new[] { LegacyRowsFilter, "PartitionKey ge 'p'" })
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1_000, cancellationToken: cancellationToken))
            {
                if (!Guid.TryParseExact(row.RowKey, "N", out var subject)
                    || (row.PartitionKey != Partition(subject) && row.PartitionKey != LegacyPartition(subject)))
                {
                    continue;
                }
                byte[]? key;
                try
                {
                    key = await UnwrapAsync(subject, row, cancellationToken);
                }
                catch (Exception e) when (e is KeyEncryptionKeyUnavailableException or CryptographicException)
                {
                    continue;
                }
                yield return new PersonalDataKey(subject, key);
            }
        }
    }

    private async Task<TableEntity?> RowAsync(string partition, Guid subject, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(partition, Row(subject), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>The row's key: unwrapped under its version; a key stored before envelope encryption as it is; null for a tombstone.</summary>
    internal async Task<byte[]?> UnwrapAsync(Guid subject, TableEntity row, CancellationToken cancellationToken)
    {
        if (row.GetBinary("WrappedKey") is { } wrapped && row.GetString("KekVersion") is { } version)
        {
            return KeyWrap.Unwrap(await keks.GetAsync(version, cancellationToken), subject, wrapped);
        }
        return row.GetBinary("Key");
    }

    public async Task DestroyAsync(Guid subject, CancellationToken cancellationToken = default)
    {
        if (journal is null)
        {
            throw new InvalidOperationException("This key store has no forward-only journal: a key destruction is journalled before it happens.");
        }
        // Journalled first: a crash between the two leaves a decided erasure that the next reconciliation completes.
        await journal.AppendAsync([Myna.EventStore.Recovery.JournalEntry.Destruction(subject, DateTimeOffset.UtcNow)], cancellationToken);
        await EnsureTableAsync(cancellationToken);
        await WriteTombstoneAsync(subject, await RowAsync(LegacyPartition(subject), subject, cancellationToken), cancellationToken);
    }

    /// <summary>The reconciliation's tombstone: reads the row first and says whether a live key was there (idempotent).</summary>
    internal async Task<bool> TombstoneAsync(Guid subject, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var read = RowAsync(Partition(subject), subject, cancellationToken);
        var legacy = await RowAsync(LegacyPartition(subject), subject, cancellationToken);
        var rows = new[] { await read, legacy }.OfType<TableEntity>().ToList();
        var wasLive = rows.Any(IsLive);
        if (rows.Count > 0 && !wasLive)
        {
            return false;
        }
        await WriteTombstoneAsync(subject, legacy, cancellationToken);
        return wasLive;
    }

    private static bool IsLive(TableEntity row) => row.ContainsKey("WrappedKey") || row.ContainsKey("Key");

    /// <summary>
    /// Replace drops the key columns: what is left is a tombstone saying when. Written in this layout's partition,
    /// and over the subject's <paramref name="legacy"/> row too (as the caller read it) where it is live, so that no
    /// layout keeps a key the person's erasure destroyed.
    /// </summary>
    private async Task WriteTombstoneAsync(Guid subject, TableEntity? legacy, CancellationToken cancellationToken)
    {
        var erasedAt = DateTimeOffset.UtcNow;
        await _table.UpsertEntityAsync(new TableEntity(Partition(subject), Row(subject)) { ["ErasedAt"] = erasedAt }, TableUpdateMode.Replace, cancellationToken);
        if (legacy is not null && IsLive(legacy))
        {
            await _table.UpsertEntityAsync(new TableEntity(LegacyPartition(subject), Row(subject)) { ["ErasedAt"] = erasedAt }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Creates the table, and notes once whether it holds rows of the legacy layout (they sort below <c>p</c>).</summary>
    internal async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_opened)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            await foreach (var _ in _table.QueryAsync<TableEntity>(LegacyRowsFilter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                _legacyRows = true;
                break;
            }
            _opened = true;
        }
    }
}

/// <summary>
/// The keys this store's serializer has loaded (one ring per document store, a DI singleton), for the serializer (which cannot do I/O): the stream adapter loads the
/// keys an append or a read needs before Marten serializes or deserializes. Entries expire, so a key another
/// silo destroyed stops decrypting here within <see cref="TimeToLive"/>; a destroyed key is never cached as live.
/// </summary>
public sealed class PersonalDataKeyRing
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);
    private const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<Guid, (PersonalDataKey Key, long LoadedAt)> _cache = new();
    private readonly IPersonalDataKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly long _timeToLive;

    public PersonalDataKeyRing(IPersonalDataKeyStore store, TimeProvider? clock = null)
    {
        _store = store;
        _clock = clock ?? TimeProvider.System;
        _timeToLive = (long)(TimeToLive.TotalSeconds * _clock.TimestampFrequency);
    }

    /// <summary>Now, on the ring's clock: what a read passes to <see cref="TryGet(Guid, out PersonalDataKey, long)"/> as its start.</summary>
    public long Timestamp => _clock.GetTimestamp();

    public bool TryGet(Guid subject, out PersonalDataKey key) => TryGet(subject, out key, _clock.GetTimestamp());

    /// <summary>
    /// The subject's key if it was fresh (loaded within <see cref="TimeToLive"/>) at <paramref name="asOf"/>, or loaded
    /// since. A read of many events passes its own start: a key that expires while the read is loading others is still
    /// the key the read began with, so a read that meets many new keys ends instead of chasing expiries pass after pass.
    /// </summary>
    public bool TryGet(Guid subject, out PersonalDataKey key, long asOf)
    {
        if (_cache.TryGetValue(subject, out var entry) && (entry.Key.Erased || Math.Min(asOf, _clock.GetTimestamp()) - entry.LoadedAt < _timeToLive))
        {
            key = entry.Key;
            return true;
        }
        key = null!;
        return false;
    }

    /// <summary>Before an append: the subjects' keys, created where missing.</summary>
    public async Task EnsureForWriteAsync(IEnumerable<Guid> subjects, CancellationToken cancellationToken = default)
    {
        var missing = subjects.Distinct().Where(s => !TryGet(s, out _)).ToList();
        if (missing.Count == 1)
        {
            Remember(await _store.GetOrCreateAsync(missing[0], cancellationToken));
        }
        else if (missing.Count > 1)
        {
            // Many new subjects at once (a bulk registration): created in batched table writes.
            foreach (var key in await _store.GetOrCreateManyAsync(missing, cancellationToken))
            {
                Remember(key);
            }
        }
    }

    /// <summary>
    /// Before a read: the subjects' keys as they are. <paramref name="foundInEvents"/> says the subjects were
    /// named by encrypted values already stored, so one without any key row was erased; otherwise (a stream
    /// about to be read, maybe before its first personal data) a subject without a key is simply not cached.
    /// </summary>
    public async Task LoadAsync(IEnumerable<Guid> subjects, bool foundInEvents, CancellationToken cancellationToken = default)
    {
        var missing = subjects.Distinct().Where(s => !TryGet(s, out _)).ToList();
        if (missing.Count == 1)
        {
            await LoadOneAsync(missing[0], foundInEvents, cancellationToken);
        }
        else if (missing.Count > 1)
        {
            // A whole-store read (a rebuild's page, an audit replay) meets thousands of keys it has not loaded: one table
            // read each, one after another, made a person-match rebuild of a store of test-suite size take minutes.
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = LoadParallelism, CancellationToken = cancellationToken },
                (subject, token) => new ValueTask(LoadOneAsync(subject, foundInEvents, token)));
        }
    }

    /// <summary>
    /// Before a read of (nearly) every person's events, a rebuild's, that needs about <paramref name="needed"/> keys:
    /// loads them in one pass over the key table, a thousand rows a request, instead of one request per person as the
    /// read meets them (a person-match rebuild over 21,000 persons spent 12 of its 14 s so). Nothing when that many keys
    /// are cached and fresh already; never more than twice as many as needed (the table may hold others), nor more
    /// than fits beside what is cached: the ring is not emptied for it. Answers how many keys it loaded; the read loads
    /// any others itself.
    /// </summary>
    public async Task<int> PrefetchAsync(int needed, CancellationToken cancellationToken = default)
    {
        var room = (int)Math.Min(2L * needed + 1_000, MaxEntries - _cache.Count - 1);
        if (room <= 0 || _store is not IPersonalDataKeyScan scan || FreshCount() >= needed)
        {
            return 0;
        }
        var loaded = 0;
        await foreach (var key in scan.ScanAsync(cancellationToken))
        {
            Remember(key);
            if (++loaded >= room)
            {
                break;
            }
        }
        return loaded;
    }

    /// <summary>How many keys are cached and fresh now (a rebuild right after another finds them all so, and reads no table).</summary>
    private int FreshCount()
    {
        var now = _clock.GetTimestamp();
        return _cache.Count(e => e.Value.Key.Erased || now - e.Value.LoadedAt < _timeToLive);
    }

    /// <summary>How many keys a read loads at once from the key table.</summary>
    internal const int LoadParallelism = 16;

    private async Task LoadOneAsync(Guid subject, bool foundInEvents, CancellationToken cancellationToken)
    {
        if (await _store.FindAsync(subject, cancellationToken) is { } key)
        {
            Remember(key);
        }
        else if (foundInEvents)
        {
            Remember(new PersonalDataKey(subject, null));
        }
    }

    public async Task DestroyAsync(Guid subject, CancellationToken cancellationToken = default)
    {
        await _store.DestroyAsync(subject, cancellationToken);
        Remember(new PersonalDataKey(subject, null));
    }

    private void Remember(PersonalDataKey key)
    {
        if (_cache.Count >= MaxEntries)
        {
            _cache.Clear();
        }
        _cache[key.Subject] = (key, _clock.GetTimestamp());
    }
}

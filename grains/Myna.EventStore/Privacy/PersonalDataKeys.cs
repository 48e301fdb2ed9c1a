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

/// <summary>
/// Keys in an Azure Storage table (one row per person, partitioned by the id's first hex digits), each wrapped by
/// the key-encryption key (envelope encryption): the row holds <c>WrappedKey</c> and the <c>KekVersion</c> it is
/// wrapped under, never the key itself. Destroying a key replaces the row with a tombstone, after the destruction is
/// in the forward-only journal (invariant 23: a key table restored from a backup is destroyed again). A store built
/// without a journal (tools and tests that only read) refuses to destroy.
/// </summary>
public sealed class AzureTablePersonalDataKeyStore(
    TableServiceClient tables, IKeyEncryptionKeys keks, string tableName = AzureTablePersonalDataKeyStore.DefaultTable,
    Myna.EventStore.Recovery.IForwardJournal? journal = null) : IPersonalDataKeyStore
{
    public const string DefaultTable = "mynapersonaldatakeys";

    private readonly TableClient _table = tables.GetTableClient(tableName);
    private volatile bool _created;

    internal TableClient Table => _table;

    internal static string Partition(Guid subject) => subject.ToString("N")[..3];

    private static string Row(Guid subject) => subject.ToString("N");

    public async Task<PersonalDataKey> GetOrCreateAsync(Guid subject, CancellationToken cancellationToken = default)
    {
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
    /// that already has a row (a retry, or a tombstone) is answered as <see cref="GetOrCreateAsync"/> does.
    /// </summary>
    public async Task<IReadOnlyList<PersonalDataKey>> GetOrCreateManyAsync(IReadOnlyList<Guid> subjects, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var kek = await keks.CurrentAsync(cancellationToken);
        var made = new System.Collections.Concurrent.ConcurrentDictionary<Guid, PersonalDataKey>();
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
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(subject), Row(subject), cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is null)
        {
            return null;
        }
        return new PersonalDataKey(subject, await UnwrapAsync(subject, row.Value, cancellationToken));
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
        await WriteTombstoneAsync(subject, cancellationToken);
    }

    /// <summary>The reconciliation's tombstone: reads the row first and says whether a live key was there (idempotent).</summary>
    internal async Task<bool> TombstoneAsync(Guid subject, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(subject), Row(subject), cancellationToken: cancellationToken);
        var wasLive = row.HasValue && row.Value is not null && (row.Value.ContainsKey("WrappedKey") || row.Value.ContainsKey("Key"));
        if (row.HasValue && row.Value is not null && !wasLive)
        {
            return false;
        }
        await WriteTombstoneAsync(subject, cancellationToken);
        return wasLive;
    }

    /// <summary>Replace drops the key columns: what is left is a tombstone saying when.</summary>
    private Task WriteTombstoneAsync(Guid subject, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(Partition(subject), Row(subject)) { ["ErasedAt"] = DateTimeOffset.UtcNow },
            TableUpdateMode.Replace, cancellationToken);

    internal async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
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
        foreach (var subject in subjects.Distinct())
        {
            if (TryGet(subject, out _))
            {
                continue;
            }
            if (await _store.FindAsync(subject, cancellationToken) is { } key)
            {
                Remember(key);
            }
            else if (foundInEvents)
            {
                Remember(new PersonalDataKey(subject, null));
            }
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

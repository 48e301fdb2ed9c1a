using System.Collections.Concurrent;
using Marten;
using Myna.Domain.Persons;
using Myna.EventStore.Configuration;
using Myna.EventStore.Insurance;
using Myna.EventStore.Maintenance;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;
using Npgsql;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Level 2: the person-match index rebuilt from the person streams, its rows compared with the folded ones (bulk
/// COPY into a temporary table) and made equal in one transaction, against real PostgreSQL: the rows are those the live path writes, readers never see the index
/// empty, and rows written live while the rebuild runs are kept.
/// </summary>
public sealed class PersonMatchRebuildTests : IAsyncLifetime
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private readonly DocumentStore _store = TestInfrastructure.CreateStore();
    private readonly MartenEventStreamStore _streams;
    private readonly MartenPersonMatchIndex _index;

    public PersonMatchRebuildTests()
    {
        _streams = new MartenEventStreamStore(_store);
        _index = new MartenPersonMatchIndex(_store);
    }

    public Task InitializeAsync() => TestInfrastructure.EnsureSchemaAsync();

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp");

    private static BasicFourItems Items(string name) => new(name, "東京都千代田区千代田1-1", new DateOnly(1985, 2, 3), Sex.Female);

    private static PersonRegistered Registered(PersonId person, BasicFourItems items) =>
        new(person, items, Chiyoda, RegistrationReason.Birth, DateTimeOffset.UtcNow, Clerk);

    /// <summary>A registration as the person grain makes it: the event confirmed, then its row written.</summary>
    private async Task<PersonId> RegisterLiveAsync(BasicFourItems items)
    {
        var person = new PersonId(Guid.NewGuid());
        await _streams.AppendAsync(StreamRef.For(person).Key, 0, [Registered(person, items)], Metadata());
        await _index.RecordAsync(person, items);
        return person;
    }

    /// <summary>Many registrations in one session, without rows: the rebuild is what writes them.</summary>
    private Task<List<PersonId>> RegisterEventsOnlyAsync(int count) => RegisterEventsOnlyAsync(_store, count);

    private static async Task<List<PersonId>> RegisterEventsOnlyAsync(IDocumentStore store, int count)
    {
        var persons = Enumerable.Range(0, count).Select(_ => new PersonId(Guid.NewGuid())).ToList();
        var events = persons.Select(p => Registered(p, Items("照合 " + p.Value.ToString("N")[..8]))).ToList();
        await store.PersonalData().PrepareAppendAsync(events);
        await using var session = store.LightweightSession();
        foreach (var e in events)
        {
            session.Events.StartStream(StreamRef.For(e.PersonId).Key, e);
        }
        await session.SaveChangesAsync();
        return persons;
    }

    private async Task<(string Data, string? Type)?> RowAsync(PersonId person)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select data::text, mt_dotnet_type from {TestInfrastructure.Schema}.mt_doc_personmatchrecord where id = @id", connection);
        command.Parameters.AddWithValue("id", person.Value);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    private async Task<int> CountAsync()
    {
        await using var query = _store.QuerySession();
        return await query.Query<PersonMatchRecord>().CountAsync();
    }

    [Fact]
    public async Task The_rebuild_writes_the_rows_the_live_path_writes_folds_moves_and_renames_and_forgets_the_erased()
    {
        var kept = await RegisterLiveAsync(Items("照合 保持"));
        var live = await RowAsync(kept);
        var renamed = "照合 変更後 " + Guid.NewGuid().ToString("N")[..8];
        var changed = await RegisterLiveAsync(Items("照合 変更前"));
        await _streams.AppendAsync(StreamRef.For(changed).Key, 1,
            [new PersonMoved(changed, "大阪府大阪市北区1-1", Chiyoda, new DateOnly(2026, 4, 1), DateTimeOffset.UtcNow, Clerk),
             new PersonRenamed(changed, renamed, Chiyoda, DateTimeOffset.UtcNow, Clerk)], Metadata());
        var erased = await RegisterLiveAsync(Items("照合 消去"));
        await _streams.AppendAsync(StreamRef.For(erased).Key, 1, [new PersonalDataErased(erased, "test", DateTimeOffset.UtcNow, Clerk)], Metadata());
        await _store.PersonalData().Ring.DestroyAsync(erased.Value);
        var stray = new PersonId(Guid.NewGuid());
        await _index.RecordAsync(stray, Items("照合 事象なし"));

        var rows = await _index.RebuildAsync();

        Assert.True(rows >= 2, $"{rows} rows");
        Assert.Equal(live, await RowAsync(kept));
        Assert.Equal(typeof(PersonMatchRecord).FullName, (await RowAsync(changed))?.Type);
        await using var query = _store.QuerySession();
        var row = await query.LoadAsync<PersonMatchRecord>(changed.Value);
        var expected = MartenPersonMatchIndex.ToRecord(changed.Value, new BasicFourItems(renamed, "大阪府大阪市北区1-1", new DateOnly(1985, 2, 3), Sex.Female));
        Assert.Equal((expected.NameKey, expected.AddressKey, expected.DateOfBirth, expected.Sex), (row?.NameKey, row?.AddressKey, row?.DateOfBirth, row?.Sex));
        Assert.Null(await RowAsync(erased));
        Assert.Null(await RowAsync(stray));
        Assert.Contains(changed, await _index.FindCandidatesAsync(new BasicFourItems(renamed, "大阪府大阪市北区1-1", new DateOnly(1985, 2, 3), Sex.Female)));
    }

    /// <summary>The transaction that last wrote the person's row (PostgreSQL's xmin): a row rewritten gets a new one.</summary>
    private async Task<string?> WriterOfRowAsync(PersonId person)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select xmin::text from {TestInfrastructure.Schema}.mt_doc_personmatchrecord where id = @id", connection);
        command.Parameters.AddWithValue("id", person.Value);
        return (string?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_rebuild_beside_another_process_that_keeps_registering_new_persons_ends_and_keeps_every_row()
    {
        // Another process (its own store and key ring) appends new persons' events all the while, writing no rows: each
        // is a key this rebuild's ring has never loaded.
        using var other = TestInfrastructure.CreateStore();
        var otherStreams = new MartenEventStreamStore(other);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var before = await RegisterLiveAsync(Items("照合 以前 " + suffix));
        // The keys there now, read in one pass: the scan is then short, and the other process adds few persons during it.
        await _store.PersonalData().PrefetchKeysAsync(200_000);
        const int MaxAppends = 5_000;
        var appended = 0;
        using var stop = new CancellationTokenSource();
        // Eight appends at a time: a new person every few milliseconds, faster than one pass of the top-up's read.
        var appender = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref appended) < MaxAppends)
            {
                var person = new PersonId(Guid.NewGuid());
                await otherStreams.AppendAsync(StreamRef.For(person).Key, 0, [Registered(person, Items("照合 並行 " + suffix))], Metadata());
                Interlocked.Increment(ref appended);
            }
        })));
        int rows;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Volatile.Read(ref appended) < 20 && !appender.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
            Assert.True(Volatile.Read(ref appended) >= 20, "the other process appended nothing");

            // Its top-up under the lock folds what was there once the lock was held: it ends, however fast the other
            // process goes on appending (before, it met new keys on every pass and gave up after five).
            rows = await _index.RebuildAsync();
        }
        finally
        {
            stop.Cancel();
            await appender;
        }

        Assert.True(rows > 0);
        Assert.Equal(MartenPersonMatchIndex.ToRecord(before.Value, Items("照合 以前 " + suffix)).NameKey,
            (await _store.QuerySession().LoadAsync<PersonMatchRecord>(before.Value))?.NameKey);
    }

    [Fact]
    public async Task A_rebuild_rewrites_only_the_rows_that_differ_and_refills_rows_that_were_lost()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var intact = await RegisterLiveAsync(Items("照合 無傷 " + suffix));
        var damaged = await RegisterLiveAsync(Items("照合 破損 " + suffix));
        var lost = await RegisterLiveAsync(Items("照合 欠落 " + suffix));
        await _index.RebuildAsync();
        var intactWriter = await WriterOfRowAsync(intact);
        var intactRow = await RowAsync(intact);
        await _index.RecordAsync(damaged, Items("照合 別人"));
        await _index.RemoveAsync(lost);

        await _index.RebuildAsync();

        Assert.Equal(intactWriter, await WriterOfRowAsync(intact));
        Assert.Equal(intactRow, await RowAsync(intact));
        await using var query = _store.QuerySession();
        Assert.Equal(MartenPersonMatchIndex.ToRecord(damaged.Value, Items("照合 破損 " + suffix)).NameKey, (await query.LoadAsync<PersonMatchRecord>(damaged.Value))?.NameKey);
        Assert.Equal(MartenPersonMatchIndex.ToRecord(lost.Value, Items("照合 欠落 " + suffix)).NameKey, (await query.LoadAsync<PersonMatchRecord>(lost.Value))?.NameKey);
        Assert.Equal(typeof(PersonMatchRecord).FullName, (await RowAsync(lost))?.Type);
        // By name and date of birth at another address: the refilled row is found again.
        Assert.Contains(lost, await _index.FindCandidatesAsync(new BasicFourItems("照合 欠落 " + suffix, "北海道札幌市中央区" + suffix, new DateOnly(1985, 2, 3), Sex.Female)));
    }

    [Fact]
    public async Task Rows_written_live_while_the_rebuild_runs_are_kept_and_readers_never_see_the_index_empty()
    {
        // More than one page of events (2,000 a page), so that the rebuild takes several queries.
        var seeded = await RegisterEventsOnlyAsync(2_500);
        await _index.RebuildAsync();
        var before = await CountAsync();
        Assert.True(before >= seeded.Count, $"{before} rows after the first rebuild");

        var rebuild = _index.RebuildAsync();
        var counts = new ConcurrentBag<int>();
        var reader = Task.Run(async () =>
        {
            do
            {
                counts.Add(await CountAsync());
            }
            while (!rebuild.IsCompleted);
        });
        var written = new List<(PersonId Person, BasicFourItems Items)>();
        var moved = new List<PersonId>();
        // Writers go on until the rebuild has committed, and a few more after it.
        for (var i = 0; !rebuild.IsCompleted || i < 5; i++)
        {
            var items = Items($"並行 {i:D4}");
            written.Add((await RegisterLiveAsync(items), items));
            var person = seeded[i % seeded.Count];
            var address = $"東京都千代田区並行{i}";
            await _streams.AppendAsync(StreamRef.For(person).Key, 1,
                [new PersonMoved(person, address, Chiyoda, new DateOnly(2026, 4, 1), DateTimeOffset.UtcNow, Clerk)], Metadata());
            await _index.RecordAsync(person, Items("照合 " + person.Value.ToString("N")[..8]) with { Address = address });
            moved.Add(person);
        }
        var rows = await rebuild;
        await reader;

        Assert.True(rows >= seeded.Count, $"{rows} rows");
        Assert.NotEmpty(counts);
        Assert.All(counts, c => Assert.True(c >= seeded.Count, $"a reader saw {c} rows during the rebuild"));
        await using var query = _store.QuerySession();
        foreach (var (person, items) in written)
        {
            var row = await query.LoadAsync<PersonMatchRecord>(person.Value);
            Assert.True(row is not null, $"the live row of {person.Value} was replaced away");
            Assert.Equal(MartenPersonMatchIndex.ToRecord(person.Value, items).NameKey, row.NameKey);
        }
        foreach (var person in moved.Distinct())
        {
            var row = await query.LoadAsync<PersonMatchRecord>(person.Value);
            var last = moved.FindLastIndex(p => p == person);
            Assert.Equal(MartenPersonMatchIndex.ToRecord(person.Value, Items("x") with { Address = $"東京都千代田区並行{last}" }).AddressKey, row?.AddressKey);
        }
    }

    /// <summary>Whether a rebuild started since <paramref name="since"/> is waiting for the appends under way at its start.</summary>
    private async Task<bool> RebuildIsSettlingAsync(DateTime since)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like @marker and query_start >= @since",
            connection);
        command.Parameters.AddWithValue("marker", MartenIndexRebuilder.SettleMarker + "%");
        command.Parameters.AddWithValue("since", since);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    [Fact]
    public async Task Appends_that_took_their_sequence_before_the_rebuild_started_and_commit_after_it_are_folded()
    {
        // A registration and an erasure whose sequence numbers are taken, in a transaction still open, before a later
        // registration commits: when the rebuild starts, the store's last event lies beyond both, which are not yet
        // visible. The live path writes their rows once they commit (the erased person's row removed).
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var erased = await RegisterLiveAsync(Items("照合 遅消去 " + suffix));
        var late = new PersonId(Guid.NewGuid());
        var lateItems = Items("照合 遅登録 " + suffix);
        var pending = new object[] { Registered(late, lateItems), new PersonalDataErased(erased, "test", DateTimeOffset.UtcNow, Clerk) };
        await _store.PersonalData().PrepareAppendAsync(pending);
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var session = _store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false)))
        {
            session.Events.StartStream(StreamRef.For(late).Key, pending[0]);
            session.Events.Append(StreamRef.For(erased).Key, 2, pending[1]);
            await session.SaveChangesAsync();
        }
        var after = await RegisterLiveAsync(Items("照合 後登録 " + suffix));
        DateTime started;
        await using (var clock = new NpgsqlCommand("select clock_timestamp()", connection, transaction))
        {
            started = (DateTime)(await clock.ExecuteScalarAsync())!;
        }

        var rebuild = _index.RebuildAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await RebuildIsSettlingAsync(started))
        {
            Assert.False(rebuild.IsCompleted, "the rebuild finished without waiting for the appends under way when it started");
            Assert.True(DateTime.UtcNow < deadline, "the rebuild never waited for the appends under way when it started");
            await Task.Delay(10);
        }
        Assert.False(rebuild.IsCompleted);
        await transaction.CommitAsync();
        await _index.RecordAsync(late, lateItems);
        await _index.RemoveAsync(erased);
        await _store.PersonalData().Ring.DestroyAsync(erased.Value);
        await rebuild;

        await using var query = _store.QuerySession();
        Assert.Equal(MartenPersonMatchIndex.ToRecord(late.Value, lateItems).NameKey, (await query.LoadAsync<PersonMatchRecord>(late.Value))?.NameKey);
        Assert.Null(await RowAsync(erased));
        Assert.NotNull(await RowAsync(after));
    }

    /// <summary>
    /// An index found empty under the lock is filled by COPY straight into its table: one commit (a reader sees no row or
    /// every row, never some), every row as the live path writes it and readable as a document; a full index is still
    /// compared, not filled again.
    /// </summary>
    [Fact]
    public async Task An_empty_index_is_filled_in_one_commit_and_a_full_one_is_compared_not_filled_again()
    {
        using var store = TestInfrastructure.CreateStoreInOwnSchema("match_");
        var schema = store.Options.DatabaseSchemaName;
        await using var admin = NpgsqlDataSource.Create(TestInfrastructure.Postgres);
        try
        {
            await SchemaMigration.ApplyAsync(store);
            var registered = await RegisterEventsOnlyAsync(store, 30);
            var index = new MartenPersonMatchIndex(store);

            Assert.Equal(registered.Count, await index.RebuildAsync());
            await using (var query = store.QuerySession())
            {
                foreach (var person in registered)
                {
                    var expected = MartenPersonMatchIndex.ToRecord(person.Value, Items("照合 " + person.Value.ToString("N")[..8]));
                    var row = await query.LoadAsync<PersonMatchRecord>(person.Value);
                    Assert.Equal((expected.NameKey, expected.AddressKey, expected.DateOfBirth, expected.Sex), (row?.NameKey, row?.AddressKey, row?.DateOfBirth, row?.Sex));
                }
            }
            var table = $"{schema}.mt_doc_personmatchrecord";
            Assert.Equal(0L, await admin.CreateCommand(
                $"select count(*) from {table} where mt_dotnet_type is distinct from '{typeof(PersonMatchRecord).FullName}' or mt_version is null or mt_last_modified is null")
                .ExecuteScalarAsync());

            // Emptied, then filled with many rows while a reader counts them.
            await admin.CreateCommand($"delete from {table}").ExecuteNonQueryAsync();
            var rows = Enumerable.Range(0, 5_000).Select(i => MartenPersonMatchIndex.ToRecord(Guid.NewGuid(), Items($"一括 {i:D5}"))).ToArray();
            var counts = new ConcurrentBag<long>();
            var filling = IndexReplacement.ReplaceAsync<PersonMatchRecord, Guid>(store, r => r.Id, _ => Task.FromResult<IReadOnlyCollection<PersonMatchRecord>>(rows), CancellationToken.None);
            do
            {
                counts.Add((long)(await admin.CreateCommand($"select count(*) from {table}").ExecuteScalarAsync())!);
            }
            while (!filling.IsCompleted);
            var filled = await filling;

            Assert.Equal(new IndexReplacement.Changes(rows.Length, 0, 0, rows.Length), filled);
            Assert.All(counts, c => Assert.True(c == 0 || c == rows.Length, $"a reader saw {c} rows"));
            Assert.Equal((long)rows.Length, (long)(await admin.CreateCommand($"select count(*) from {table}").ExecuteScalarAsync())!);

            // Full: one row changed and one dropped are all that is written.
            var changed = rows.Take(rows.Length - 1).Select((r, i) => i == 0 ? MartenPersonMatchIndex.ToRecord(r.Id, Items("一括 変更")) : r).ToArray();
            Assert.Equal(new IndexReplacement.Changes(changed.Length, 1, 1, 0),
                await IndexReplacement.ReplaceAsync<PersonMatchRecord, Guid>(store, r => r.Id, _ => Task.FromResult<IReadOnlyCollection<PersonMatchRecord>>(changed), CancellationToken.None));
        }
        finally
        {
            await admin.CreateCommand($"drop schema if exists {schema} cascade").ExecuteNonQueryAsync();
        }
    }
}

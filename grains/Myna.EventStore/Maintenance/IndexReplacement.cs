using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Myna.EventStore.Maintenance;

/// <summary>
/// Replaces every row of an index's document table in one transaction with the rows a rebuild folded, writing only
/// what differs. The folded rows go by bulk COPY into a temporary table (no WAL, no fsync), which PostgreSQL then
/// compares with the index: rows no longer derived are deleted, changed rows updated, missing rows inserted. An
/// intact index is rebuilt without rewriting it, so a rebuild's commit does not push tens of megabytes of WAL in
/// front of the reception desks' own commits (F7); a damaged one is rewritten as far as it differs, and an empty one
/// (found so under the lock) is filled by COPY straight into the table, with nothing to compare.
/// Readers see the old rows until the commit and the new ones after it, never an empty or half-written index
/// (PostgreSQL's snapshots: the delete, updates and inserts become visible together).
/// <para>
/// Rows written live while the events were scanned are not lost: the table is locked against writers
/// (<c>share row exclusive</c>: readers go on) before the rows are taken, and the caller's top-up, run under the
/// lock, folds the events committed after its last page. A writer that comes later waits for the commit and
/// writes its row over the new index, as it would have over the old one.
/// </para>
/// </summary>
internal static class IndexReplacement
{
    /// <summary>What a replacement changed (an intact index: all zero).</summary>
    public readonly record struct Changes(int Rows, int Deleted, int Updated, int Inserted);

    /// <summary>A temporary table of the index's shape with one row per id (unique on id), and how many rows it holds.</summary>
    public readonly record struct Staged(string Table, int Rows);

    /// <summary>Locks the table, asks for the rows (the top-up runs then), makes the table hold exactly them; says what it changed.</summary>
    public static async Task<Changes> ReplaceAsync<T, TId>(IDocumentStore store, Func<T, TId> id, Func<CancellationToken, Task<IReadOnlyCollection<T>>> rowsUnderLock,
        CancellationToken cancellationToken)
        where T : notnull
        where TId : notnull
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return await ReplaceAsync(store, connection, id, rowsUnderLock, null, cancellationToken);
    }

    /// <summary>
    /// The same on the caller's connection, where <paramref name="staged"/> (when given) names a temporary table of the
    /// index's shape with one row per id (<see cref="LastPerIdAsync"/>), filled during the scan: the table is made to
    /// hold the rows asked for under the lock and, for every other id, its staged row.
    /// </summary>
    public static async Task<Changes> ReplaceAsync<T, TId>(IDocumentStore store, NpgsqlConnection connection, Func<T, TId> id,
        Func<CancellationToken, Task<IReadOnlyCollection<T>>> rowsUnderLock, Staged? staged, CancellationToken cancellationToken)
        where T : notnull
        where TId : notnull
    {
        var table = TableOf<T>(store);
        // The index table's statistics as it is now, before the lock (writers do not wait for it): the comparisons below
        // are planned on them. In F4 at 4b4e92f the first person-match rebuild after 71,000 bulk registrations failed, its
        // insert past the 30 s command timeout, planned on statistics from before those registrations (the key prefetch
        // had made the scan before it much shorter than in earlier runs, the likely reason it came before autovacuum).
        await ExecuteAsync(connection, $"analyze {table}", cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"lock table {table} in share row exclusive mode", cancellationToken);
        var rows = await rowsUnderLock(cancellationToken);
        if (staged is null && !await ScalarAsync<bool>(connection, $"select exists (select 1 from {table})", cancellationToken))
        {
            // An empty index (emptied, or never filled): there is nothing to compare, so the rows go straight in by COPY,
            // without the temporary table, its index and the anti-join. Readers saw it empty before the lock and see it
            // empty until the commit, then whole; writers wait on the lock as they would for the comparison.
            await CopyAsync(store, connection, table, id, rows, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Changes(rows.Count, 0, 0, rows.Count);
        }
        // The folded rows, in a table of the index's own shape that lives only as long as this transaction.
        await ExecuteAsync(connection, $"create temporary table myna_rebuilt (like {table} including defaults) on commit drop", cancellationToken);
        await CopyAsync(store, connection, "myna_rebuilt", id, rows, cancellationToken);
        // Indexed on id, so the anti-joins below are cheap whatever plan they get. Without it, an index table whose
        // statistics still said "empty" (it was emptied, analysed, then filled again) got a nested loop that scanned all
        // the folded rows once per index row: the delete of an intact person-match rebuild (61,000 rows) ran past the
        // 30 s command timeout, writers waiting on the lock all the while, and the rebuild failed.
        await ExecuteAsync(connection, "create index on myna_rebuilt (id)", cancellationToken);
        await ExecuteAsync(connection, "analyze myna_rebuilt", cancellationToken);
        var (target, total) = ("myna_rebuilt", rows.Count);
        if (staged is { } s)
        {
            // The rows asked for under the lock are newer than any staged row of theirs. The staged rows are read where
            // they are (a view over both), not copied again while writers wait: the lock lasts as long as the diff.
            await ExecuteAsync(connection,
                "create temporary view myna_target as select id, data, mt_dotnet_type from myna_rebuilt union all "
                + $"select s.id, s.data, s.mt_dotnet_type from {s.Table} s where not exists (select 1 from myna_rebuilt r where r.id = s.id)",
                cancellationToken);
            target = "myna_target";
            total += s.Rows - await ScalarAsync<int>(connection,
                $"select count(*)::int from myna_rebuilt r where exists (select 1 from {s.Table} s where s.id = r.id)", cancellationToken);
        }
        var deleted = await ExecuteAsync(connection,
            $"delete from {table} t where not exists (select 1 from {target} r where r.id = t.id)", cancellationToken);
        // jsonb compares by content, so a row serialised with other whitespace or key order is not rewritten.
        // The modification time and version take the table's defaults, as a fresh insert's do.
        var updated = await ExecuteAsync(connection,
            $"update {table} t set data = r.data, mt_dotnet_type = r.mt_dotnet_type, mt_last_modified = default, mt_version = default from {target} r "
            + "where r.id = t.id and (t.data is distinct from r.data or t.mt_dotnet_type is distinct from r.mt_dotnet_type)", cancellationToken);
        var inserted = await ExecuteAsync(connection,
            $"insert into {table} (id, data, mt_dotnet_type) select r.id, r.data, r.mt_dotnet_type from {target} r "
            + $"where not exists (select 1 from {table} t where t.id = r.id)", cancellationToken);
        if (staged is not null)
        {
            // The view depends on the transaction's own table, which is dropped at the commit.
            await ExecuteAsync(connection, "drop view myna_target", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new Changes(total, deleted, updated, inserted);
    }

    /// <summary>Creates, on this connection, the session's temporary staging table for an index's rows (see <see cref="ReplaceAsync{T, TId}(IDocumentStore, NpgsqlConnection, Func{T, TId}, Func{CancellationToken, Task{IReadOnlyCollection{T}}}, string?, CancellationToken)"/>).</summary>
    public static async Task<string> CreateStagingAsync<T>(IDocumentStore store, NpgsqlConnection connection, CancellationToken cancellationToken)
        where T : notnull
    {
        const string staged = "myna_staged";
        await ExecuteAsync(connection, $"drop table if exists {staged}", cancellationToken);
        await ExecuteAsync(connection, $"create temporary table {staged} (like {TableOf<T>(store)} including defaults)", cancellationToken);
        await ExecuteAsync(connection, $"alter table {staged} add column myna_order bigserial", cancellationToken);
        return staged;
    }

    /// <summary>
    /// After the scan, before the lock: keeps of the staged rows the one written last per id (the row of the id's last
    /// event), in a temporary table of its own, unique on id, so that neither the sort nor the index is paid while
    /// writers wait.
    /// </summary>
    public static async Task<Staged> LastPerIdAsync(NpgsqlConnection connection, string staged, CancellationToken cancellationToken)
    {
        const string last = "myna_staged_last";
        await ExecuteAsync(connection, $"drop table if exists {last}", cancellationToken);
        await ExecuteAsync(connection,
            $"create temporary table {last} as select distinct on (id) id, data, mt_dotnet_type from {staged} order by id, myna_order desc", cancellationToken);
        await ExecuteAsync(connection, $"drop table {staged}", cancellationToken);
        await ExecuteAsync(connection, $"create unique index on {last} (id)", cancellationToken);
        await ExecuteAsync(connection, $"analyze {last}", cancellationToken);
        return new Staged(last, await ScalarAsync<int>(connection, $"select count(*)::int from {last}", cancellationToken));
    }

    /// <summary>Bulk-copies rows into a table of the index's shape (a temporary one: not WAL-logged).</summary>
    public static async Task CopyAsync<T, TId>(IDocumentStore store, NpgsqlConnection connection, string into, Func<T, TId> id, IEnumerable<T> rows,
        CancellationToken cancellationToken)
        where T : notnull
        where TId : notnull
    {
        var serializer = store.Options.Serializer();
        var type = typeof(T).FullName;
        await using var copy = await connection.BeginBinaryImportAsync($"copy {into} (id, data, mt_dotnet_type) from stdin (format binary)", cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            // The id as its CLR type maps (a Guid to uuid, a string to text, which a varchar column takes as is).
            await copy.WriteAsync(id(row), cancellationToken);
            await copy.WriteAsync(serializer.ToJson(row), NpgsqlDbType.Jsonb, cancellationToken);
            await copy.WriteAsync(type, NpgsqlDbType.Varchar, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    private static string TableOf<T>(IDocumentStore store) => store.Options.FindOrResolveDocumentType(typeof(T)).TableName.QualifiedName;

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Myna.EventStore.Maintenance;

/// <summary>
/// Replaces every row of an index's document table in one transaction, the new rows written by bulk COPY.
/// Readers see the old rows until the commit and the new ones after it, never an empty or half-written index
/// (PostgreSQL's snapshots: the delete and the copy become visible together).
/// <para>
/// Rows written live while the events were scanned are not lost: the table is locked against writers
/// (<c>share row exclusive</c>: readers go on) before the rows are taken, and the caller's top-up, run under the
/// lock, folds the events committed after its last page. A writer that comes later waits for the commit and
/// writes its row over the new index, as it would have over the old one.
/// </para>
/// </summary>
internal static class IndexReplacement
{
    /// <summary>Locks the table, asks for the rows (the top-up runs then), replaces the table's rows with them; returns how many.</summary>
    public static async Task<int> ReplaceAsync<T, TId>(IDocumentStore store, Func<T, TId> id, Func<CancellationToken, Task<IReadOnlyCollection<T>>> rowsUnderLock,
        CancellationToken cancellationToken)
        where T : notnull
        where TId : notnull
    {
        var table = store.Options.FindOrResolveDocumentType(typeof(T)).TableName.QualifiedName;
        var serializer = store.Options.Serializer();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"lock table {table} in share row exclusive mode", cancellationToken);
        var rows = await rowsUnderLock(cancellationToken);
        await ExecuteAsync(connection, $"delete from {table}", cancellationToken);
        // The version and the modification time take the table's defaults, as Marten's own bulk insert leaves them.
        await using (var copy = await connection.BeginBinaryImportAsync($"copy {table} (id, data, mt_dotnet_type) from stdin (format binary)", cancellationToken))
        {
            var type = typeof(T).FullName;
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
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

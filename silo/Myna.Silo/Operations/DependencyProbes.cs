using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Myna.EventStore.Configuration;
using Myna.Grains.Health;
using Npgsql;

namespace Myna.Silo.Operations;

/// <summary>PostgreSQL answers a trivial query on a fresh connection (the pool would hide a dead server).</summary>
internal sealed class PostgresProbe(IOptions<EventStoreOptions> eventStore) : IDependencyProbe
{
    public string Name => "postgres";

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(eventStore.Value.ConnectionString) { Pooling = false, Timeout = 2 };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            return $"PostgreSQL {builder.Host}:{builder.Port} unreachable ({ex.GetType().Name})";
        }
    }
}

/// <summary>Azure Table storage (membership, snapshots, reminders) lists one table.</summary>
internal sealed class AzureTableProbe(TableServiceClient tables) : IDependencyProbe
{
    public string Name => "azure-storage";

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var pages = tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync();
            return null;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            return $"Azure Table storage {tables.Uri.Host}:{tables.Uri.Port} unreachable ({ex.GetType().Name})";
        }
    }
}

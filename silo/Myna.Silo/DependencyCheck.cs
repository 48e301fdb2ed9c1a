using Azure.Data.Tables;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.EventStore.Configuration;
using Npgsql;

namespace Myna.Silo;

/// <summary>
/// Runs before Orleans starts: a silo that cannot reach PostgreSQL or Azure Storage refuses to start
/// with a message naming the store (never its password), instead of failing later inside a grain call.
/// Then it checks Marten's schema (Development brings it up to date instead).
/// </summary>
internal sealed class DependencyCheck(
    IOptions<EventStoreOptions> eventStore,
    IDocumentStore documents,
    IConfiguration configuration,
    ILogger<DependencyCheck> logger) : IHostedService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);

        var pg = new NpgsqlConnectionStringBuilder(eventStore.Value.ConnectionString);
        try
        {
            await using var connection = new NpgsqlConnection(eventStore.Value.ConnectionString);
            await connection.OpenAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL at {pg.Host}:{pg.Port} (database '{pg.Database}') is unreachable: {ex.Message}", ex);
        }

        var tables = new TableServiceClient(SiloSetup.AzureStorageConnectionString(configuration));
        try
        {
            await tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages().GetAsyncEnumerator(timeout.Token).MoveNextAsync();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            throw new InvalidOperationException($"Azure Table storage at {tables.Uri} is unreachable: {ex.Message}", ex);
        }
        if (eventStore.Value.UpdateSchemaOnStart)
        {
            // Development: create or update Marten's tables once, here, so that no grain call pays for it.
            await SchemaMigration.ApplyAsync(documents);
        }
        else
        {
            // Elsewhere the migration step applied the schema at deploy time; a silo of another version refuses to start.
            await SchemaMigration.VerifyAsync(documents, timeout.Token);
        }
        logger.LogInformation("PostgreSQL {Host}:{Port} and Azure Storage {Uri} are reachable", pg.Host, pg.Port, tables.Uri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

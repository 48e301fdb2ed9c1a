using JasperFx;
using Marten;

namespace Myna.EventStore.Configuration;

/// <summary>
/// The database schema (Marten's tables, indexes and functions) as a deploy-time step: applied once by
/// <c>dotnet Myna.Silo.dll migrate</c> (deploy/run.sh, deploy/cluster.sh, the compose and Kubernetes
/// migration jobs), verified by every silo as it starts.
/// </summary>
public static class SchemaMigration
{
    /// <summary>Creates or updates every configured schema object.</summary>
    public static Task ApplyAsync(IDocumentStore store) =>
        store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);

    /// <summary>Throws <see cref="SchemaNotMigratedException"/> when the database differs from the configuration.</summary>
    public static async Task VerifyAsync(IDocumentStore store, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex.GetType().Name == "DatabaseValidationException")
        {
            throw new SchemaNotMigratedException(ex);
        }
    }
}

/// <summary>The database schema is not the one this version expects: the migration step has not run.</summary>
public sealed class SchemaNotMigratedException(Exception inner) : Exception(
    "The PostgreSQL schema does not match this version: run the migration step first (dotnet Myna.Silo.dll migrate).", inner);

using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Myna.EventStore.Configuration;

namespace Myna.Silo;

/// <summary><c>dotnet Myna.Silo.dll migrate</c>: applies the PostgreSQL schema with the silo's own configuration, then exits.</summary>
internal static class SiloMigration
{
    public static async Task RunAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Myna.Silo.Migration");
        var store = services.GetRequiredService<IDocumentStore>();
        await SchemaMigration.ApplyAsync(store);
        await SchemaMigration.VerifyAsync(store);
        logger.LogInformation("The PostgreSQL schema '{Schema}' is up to date", store.Options.DatabaseSchemaName);
    }
}

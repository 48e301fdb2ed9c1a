using Microsoft.AspNetCore.Builder;
using Myna.Silo.Operations;

namespace Myna.Silo;

public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var migrate = args is ["migrate", ..];
        var builder = WebApplication.CreateBuilder(migrate ? args[1..] : args);
        builder.AddMynaSilo();
        var app = builder.Build();
        if (migrate)
        {
            // The deploy-time step: apply the database schema, then exit without starting the silo.
            await SiloMigration.RunAsync(app.Services);
            return;
        }
        app.UseMynaSiloEndpoints();
        await app.RunAsync();
    }
}

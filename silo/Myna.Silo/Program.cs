using Microsoft.AspNetCore.Builder;
using Myna.Silo.Operations;

namespace Myna.Silo;

public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var migrate = args is ["migrate", ..];
        var recovery = args is [var first, ..] && RecoveryCommands.Names.Contains(first) ? args[..Math.Min(args.Length, RecoveryCommands.Arity(first))] : null;
        var builder = WebApplication.CreateBuilder(migrate ? args[1..] : recovery is not null ? args[recovery.Length..] : args);
        builder.AddMynaSilo();
        var app = builder.Build();
        if (recovery is not null)
        {
            // Backup and restore steps (deploy/backup.sh, deploy/restore.sh): run, then exit without starting the silo.
            Environment.ExitCode = await RecoveryCommands.RunAsync(recovery, app.Services);
            return;
        }
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

using Microsoft.AspNetCore.Builder;
using Myna.Silo.Operations;

namespace Myna.Silo;

public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddMynaSilo();
        var app = builder.Build();
        app.UseMynaSiloEndpoints();
        await app.RunAsync();
    }
}

using Microsoft.Extensions.Hosting;

namespace Myna.Silo;

public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddMynaSilo();
        await builder.Build().RunAsync();
    }
}

using Microsoft.Extensions.Hosting;
using Myna.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddMynaSilo();
await builder.Build().RunAsync();

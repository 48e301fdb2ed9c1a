using Myna.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMynaApi();

var app = builder.Build();
app.UseMynaApi();
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the API tests.</summary>
public partial class Program;

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Myna.Api.Commands;
using Myna.Api.Health;
using Myna.GrainInterfaces.Common;
using Myna.Observability;
using Orleans.Configuration;

namespace Myna.Api.Hosting;

/// <summary>What an operator needs from the API: telemetry, /health over stores and membership, correlation ids in logs.</summary>
public static class ApiOperations
{
    public static WebApplicationBuilder AddMynaApiOperations(this WebApplicationBuilder builder)
    {
        builder.AddMynaTelemetry("myna-api");
        // How long a grain call may take before the caller gets 503 service.unavailable (Orleans default 30 s).
        builder.Services.Configure<ClientMessagingOptions>(builder.Configuration.GetSection(OrleansClientOptions.Section + ":Messaging"));
        builder.Services.AddHealthChecks()
            .AddCheck<MembershipHealthCheck>("membership", tags: ["ready"])
            .Add(new HealthCheckRegistration("postgres",
                sp => new StoreHealthCheck(sp.GetRequiredService<IClusterClient>(), "postgres"), null, ["ready"]))
            .Add(new HealthCheckRegistration("azure-storage",
                sp => new StoreHealthCheck(sp.GetRequiredService<IClusterClient>(), "azure-storage"), null, ["ready"]));
        return builder;
    }

    /// <summary>
    /// Every request gets a correlation id (X-Correlation-Id, else a new one): in the log scope of everything
    /// the request logs, echoed in the response, and carried to the silos in Orleans' request context.
    /// </summary>
    public static WebApplication UseMynaApiOperations(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Myna.Api.Requests");
        app.Use(async (http, next) =>
        {
            var header = http.Request.Headers[CommandContextFactory.CorrelationHeader].ToString();
            if (!Guid.TryParse(header, out var correlation))
            {
                correlation = Guid.CreateVersion7();
                // CommandContextFactory reads the header: the command's correlation id is this one.
                http.Request.Headers[CommandContextFactory.CorrelationHeader] = correlation.ToString("D");
            }
            var id = correlation.ToString("D");
            http.Response.Headers[CommandContextFactory.CorrelationHeader] = id;
            RequestContext.Set(RequestContextKeys.CorrelationId, id);
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            {
                await next(http);
            }
        });
        app.MapMynaMetrics();
        return app;
    }
}

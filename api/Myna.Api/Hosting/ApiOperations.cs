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
    /// <summary>The client's own correlation id, echoed apart from the server's.</summary>
    public const string ClientCorrelationHeader = "X-Client-Correlation-Id";

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
    /// Every request gets a correlation id of the server's own (X-Correlation-Id in the response): in the log
    /// scope of everything the request logs, on its events, and carried to the silos in Orleans' request
    /// context. A client's own X-Correlation-Id is kept apart (echoed as X-Client-Correlation-Id and logged as
    /// ClientCorrelationId): a chosen id never attaches a request to someone else's trail in the audit views.
    /// </summary>
    public static WebApplication UseMynaApiOperations(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Myna.Api.Requests");
        app.Use(async (http, next) =>
        {
            // Answers carry personal data (a record, a number revealed, an access log): no browser or proxy keeps them,
            // unless the route says otherwise (the JWKS, the portal's own files); and none is read as another type.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.OnStarting(NotStoredUnlessSaid, http.Response);
            var given = http.Request.Headers[CommandContextFactory.CorrelationHeader].ToString();
            var client = given.Length is > 0 and <= 100 && given.All(c => c is >= '!' and <= '~') ? given : null;
            var id = Guid.CreateVersion7().ToString("D");
            // CommandContextFactory reads the header: the command's correlation id is the server's.
            http.Request.Headers[CommandContextFactory.CorrelationHeader] = id;
            http.Response.Headers[CommandContextFactory.CorrelationHeader] = id;
            var scope = new Dictionary<string, object> { ["CorrelationId"] = id };
            if (client is not null)
            {
                http.Response.Headers[ClientCorrelationHeader] = client;
                scope["ClientCorrelationId"] = client;
            }
            RequestContext.Set(RequestContextKeys.CorrelationId, id);
            using (logger.BeginScope(scope))
            {
                await next(http);
            }
        });
        app.MapMynaMetrics();
        return app;
    }

    private static Task NotStoredUnlessSaid(object state)
    {
        var headers = ((HttpResponse)state).Headers;
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = "no-store";
        }
        return Task.CompletedTask;
    }
}

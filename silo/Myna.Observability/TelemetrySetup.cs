using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Myna.Observability;

/// <summary>
/// Traces and metrics for ASP.NET Core, Orleans and Npgsql/Marten, exported by OTLP, to the console or at
/// /metrics (Prometheus), as configured in the "Telemetry" section.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>Orleans 10's activity sources (grain calls, lifecycle, storage) and its runtime meter.</summary>
    public static readonly string[] OrleansSources =
        ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage"];

    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Npgsql emits its own ActivitySource and Meter named "Npgsql"; Marten's are named "Marten".</summary>
    public static readonly string[] DatabaseSources = ["Npgsql", "Marten"];

    public static IHostApplicationBuilder AddMynaTelemetry(this IHostApplicationBuilder builder, string defaultServiceName)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddSingleton(options);
        var serviceName = string.IsNullOrWhiteSpace(options.ServiceName) ? defaultServiceName : options.ServiceName;
        var otlp = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? null : new Uri(options.OtlpEndpoint);
        var protocol = string.Equals(options.OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId));

        telemetry.WithTracing(tracing =>
        {
            tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(options.TraceSampleRatio, 0, 1))))
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    // Probes and scrapes every few seconds would drown the traces that matter.
                    !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/alive")
                    && !http.Request.Path.StartsWithSegments("/metrics"))
                .AddSource(OrleansSources)
                .AddSource(DatabaseSources);
            if (otlp is not null)
            {
                tracing.AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (otlp, protocol));
            }
            if (options.Console)
            {
                tracing.AddConsoleExporter();
            }
        });

        telemetry.WithMetrics(metrics =>
        {
            // http.server.request.duration is a histogram per route: the per-endpoint latency.
            metrics.AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OrleansMeter)
                .AddMeter(DatabaseSources);
            if (otlp is not null)
            {
                metrics.AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (otlp, protocol));
            }
            if (options.Console)
            {
                metrics.AddConsoleExporter();
            }
            if (options.Prometheus)
            {
                metrics.AddPrometheusExporter();
            }
        });

        if (otlp is not null)
        {
            // Logs go to the collector too, with their scopes (correlation id, grain, path).
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
                o.AddOtlpExporter(e => (e.Endpoint, e.Protocol) = (otlp, protocol));
            });
        }
        return builder;
    }

    /// <summary>Maps /metrics when Prometheus is on.</summary>
    public static IEndpointRouteBuilder MapMynaMetrics(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<TelemetryOptions>().Prometheus)
        {
            endpoints.MapPrometheusScrapingEndpoint("/metrics");
        }
        return endpoints;
    }
}

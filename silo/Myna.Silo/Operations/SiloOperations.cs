using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Myna.Grains.Health;
using Myna.Observability;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Myna.Silo.Operations;

/// <summary>Bound from the "Dashboard" section.</summary>
public sealed class SiloDashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Null: on in Development, off elsewhere (Production shows no grain internals unless asked).</summary>
    public bool? Enabled { get; set; }

    /// <summary>Where the dashboard is served on the silo's HTTP port.</summary>
    public string Path { get; set; } = "/dashboard";
}

/// <summary>What an operator needs on every silo: probes, telemetry, dashboard, Kubernetes hosting.</summary>
public static class SiloOperations
{
    public const string ReadyTag = "ready";

    internal static bool DashboardEnabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetSection(SiloDashboardOptions.Section).Get<SiloDashboardOptions>()?.Enabled ?? environment.IsDevelopment();

    /// <summary>Services: store probes, health checks, OpenTelemetry.</summary>
    public static IHostApplicationBuilder AddMynaSiloOperations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(_ => new TableServiceClient(SiloSetup.AzureStorageConnectionString(builder.Configuration)));
        services.AddSingleton<IDependencyProbe, PostgresProbe>();
        services.AddSingleton<IDependencyProbe, AzureTableProbe>();
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("postgres",
                sp => new DependencyHealthCheck(sp.GetServices<IDependencyProbe>().Single(p => p.Name == "postgres")), null, [ReadyTag]))
            .Add(new HealthCheckRegistration("azure-storage",
                sp => new DependencyHealthCheck(sp.GetServices<IDependencyProbe>().Single(p => p.Name == "azure-storage")), null, [ReadyTag]))
            .AddCheck<MembershipHealthCheck>("membership", tags: [ReadyTag]);
        builder.AddMynaTelemetry("myna-silo");
        return builder;
    }

    /// <summary>Orleans part: correlation scope and outage mapping on every call, membership timing, dashboard, Kubernetes.</summary>
    /// <param name="servesHttp">False for a silo inside another host (tests): no dashboard without an HTTP endpoint to show it.</param>
    public static ISiloBuilder ConfigureMynaSiloOperations(this ISiloBuilder silo, IConfiguration configuration, MynaSiloOptions options, IHostEnvironment environment, bool servesHttp = true)
    {
        silo.AddActivityPropagation();
        silo.AddIncomingGrainCallFilter<OperationsCallFilter>();
        // Failure detection timing (probe timeout, missed probes) is tunable per deployment.
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(MynaSiloOptions.Section + ":Membership"));
        if (servesHttp && DashboardEnabled(configuration, environment))
        {
            silo.AddDashboard(o =>
            {
                o.HideTrace = true; // the live log stream is not for a browser tab
                configuration.GetSection(SiloDashboardOptions.Section).Bind(o);
            });
        }
        if (options.KubernetesHosting)
        {
            // Pod name, IP and namespace from the downward API; dead pods are removed from membership.
            silo.UseKubernetesHosting();
        }
        return silo;
    }

    /// <summary>The silo's HTTP endpoints: /health (ready: stores + membership), /alive, /metrics, the dashboard.</summary>
    public static WebApplication UseMynaSiloEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
        app.MapMynaMetrics();
        if (DashboardEnabled(app.Configuration, app.Environment))
        {
            var path = app.Configuration.GetSection(SiloDashboardOptions.Section).Get<SiloDashboardOptions>()?.Path ?? "/dashboard";
            app.MapOrleansDashboard(routePrefix: path);
        }
        return app;
    }
}

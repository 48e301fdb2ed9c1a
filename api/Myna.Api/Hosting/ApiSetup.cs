using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.Configuration;
using Myna.Api.Agencies;
using Myna.Api.Audit;
using Myna.Api.Auth;
using Myna.Api.Cards;
using Myna.Api.Clinics;
using Myna.Api.Insurance;
using Myna.Api.Kiosks;
using Myna.Api.Income;
using Myna.Api.Medical;
using Myna.Api.Disasters;
using Myna.Api.Procedures;
using Myna.Api.Errors;
using Myna.Api.Health;
using Myna.Api.Operations;
using Myna.Api.Persons;
using Myna.Api.Portal;
using Scalar.AspNetCore;
using Myna.Api.Campaigns;
using Myna.Api.Commands;

namespace Myna.Api.Hosting;

public static class ApiSetup
{
    /// <summary>Authentication, authorization, errors, OpenAPI, health and the Orleans client.</summary>
    public static WebApplicationBuilder AddMynaApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // The answer does not name the server software.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            c.ProblemDetails.Extensions.TryAdd(ApiProblems.CodeExtension, ApiProblems.DefaultCodeFor(status));
            c.ProblemDetails.Title ??= ApiProblems.TitleFor(status);
            ProblemLanguages.Localise(c.HttpContext, c.ProblemDetails);
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Malformed JSON becomes a BadHttpRequestException, which the handler maps to 400 request.malformed.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new ListedNameEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            o.SerializerOptions.Converters.Add(new ControlCharacterRejectingStringConverter());
            // One value per field: with duplicates, what one reader (a gateway, a log, a validator) takes for the
            // field need not be what the binder takes ({"municipality":"131016","municipality":"271004"}).
            o.SerializerOptions.AllowDuplicateProperties = false;
        });

        services.AddOptions<Myna.Api.Commands.CommandIdOptions>().Bind(configuration.GetSection(Myna.Api.Commands.CommandIdOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(Myna.Observability.SecretPolicy.Validator<Myna.Api.Commands.CommandIdOptions>(builder.Environment, ("Commands:IdKey", o => o.IdKey)));
        services.AddSingleton(TimeProvider.System);
        builder.AddMynaAuthentication();
        services.AddAuthorizationBuilder().AddMynaPolicies();

        services.AddOpenApi(o => o.AddExamples().AddMynaDocument());
        services.AddOptions<Myna.Api.Audit.AuditReplayOptions>().Bind(configuration.GetSection(Myna.Api.Audit.AuditReplayOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PortalOptions>().Bind(configuration.GetSection(PortalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddPortalCors();
        services.AddPortalRateLimiting();
        services.AddAbuseLimits(configuration);
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("orleans", tags: ["ready"]);
        builder.AddMynaOrleansClient();
        builder.AddMynaApiOperations();
        return builder;
    }

    private static void AddMynaOrleansClient(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrleansClientOptions.Section).Get<OrleansClientOptions>() ?? new();
        builder.Services.AddSingleton(options);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            // Mutual TLS to the silos' gateways, when Cluster:Tls is enabled.
            Myna.Observability.ClusterTls.UseMynaTls(client, builder.Configuration);
            if (string.Equals(options.Clustering, "AzureTable", StringComparison.OrdinalIgnoreCase))
            {
                var connection = builder.Configuration.GetConnectionString("AzureStorage");
                if (string.IsNullOrWhiteSpace(connection))
                {
                    throw new OptionsValidationException("ConnectionStrings:AzureStorage", typeof(string),
                        ["ConnectionStrings:AzureStorage is not set: Azure Table clustering needs it."]);
                }
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
            }
            else
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            }
            client.UseConnectionRetryFilter<StartupConnectionRetry>();
            client.AddActivityPropagation();
        });
    }

    /// <summary>Middleware and endpoints, in order.</summary>
    public static WebApplication UseMynaApi(this WebApplication app)
    {
        // Client addresses from configured proxies only (RateLimits:KnownProxies): per-IP limits count residents, not the ingress.
        if (app.Services.GetRequiredService<IOptions<AbuseLimitOptions>>().Value.KnownProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }
        app.UseMynaApiOperations();
        app.UsePortalStaticFiles();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UsePortalCors();
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseUnknownRoleGate();
        app.UseAuthorization();
        app.UseRateLimiter();

        // The API's own description is for developers: open in Development, for auditors and operators elsewhere.
        var openApi = app.MapOpenApi();
        var reference = app.MapScalarApiReference();
        if (!app.Environment.IsDevelopment())
        {
            openApi.RequireAuthorization(Policies.AuditorOrOperator);
            reference.RequireAuthorization(Policies.AuditorOrOperator);
        }
        app.MapHealthChecks("/health", new() { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = Myna.Observability.HealthReportWriter.WriteAsync });
        app.MapHealthChecks("/alive", new() { Predicate = _ => false });
        app.MapJwks();

        // Every API endpoint behind the one filter that turns a call into a command (Idempotency-Key, correlation, caller),
        // and the one that refuses an enumerated value outside its list (a guard behind the JSON reader, which takes names only).
        var api = app.MapGroup(string.Empty).WithCommandContext().WithDefinedEnums();
        api.MapPersonEndpoints();
        api.MapBulkRegistrationEndpoints();
        api.MapAuditEndpoints();
        api.MapAgencyEndpoints();
        api.MapCardEndpoints();
        api.MapCertificateAuthenticationEndpoints();
        api.MapCampaignEndpoints();
        api.MapInsuranceEndpoints();
        api.MapClinicEndpoints();
        api.MapPortalSessionEndpoints();
        api.MapPortalEndpoints();
        api.MapAppEndpoints();
        api.MapKioskEndpoints();
        api.MapMedicalEndpoints();
        api.MapDisasterEndpoints();
        api.MapProcedureEndpoints();
        api.MapIncomeEndpoints();
        api.MapRebuildJobEndpoints();
        api.MapKeyRotationEndpoints();
        if (app.Environment.IsDevelopment() && app.Services.GetRequiredService<IOptions<JwtOptions>>().Value.DevTokens)
        {
            app.MapDevTokenEndpoints();
        }
        return app;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Insurance;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;

namespace Myna.Api.Portal;

public sealed record RegisterAppRequest(string? Name, IReadOnlyList<AppItem>? AllowedItems);

public sealed record AppResponse(string AppId, string Name, IReadOnlyList<AppItem> AllowedItems, DateTimeOffset RegisteredAt)
{
    public static AppResponse From(AppView v) => new(v.AppId, v.Name, v.AllowedItems, v.RegisteredAt);
}

/// <summary>What an app receives: the item asked for under its own code for the resident; never the number or the person id.</summary>
public sealed record AppDataResponse(
    string AppUserCode, AppItem Item, BasicFourItems? BasicFourItems, IReadOnlyList<QualificationResponse>? Qualifications,
    IReadOnlyList<DisabilityCertificateResponse>? DisabilityCertificates, IReadOnlyList<IncomeSummaryView>? IncomeSummaries);

/// <summary>Third-party apps: an operator registers them; an app reads a resident's data only while a consent covers it.</summary>
public static class AppEndpoints
{
    public static IEndpointRouteBuilder MapAppEndpoints(this IEndpointRouteBuilder app)
    {
        var apps = app.MapGroup("/v1/apps").WithTags("Resident portal: third-party apps");
        apps.MapPost("/{appId}", Register).WithName("RegisterApp").RequireAuthorization(Policies.Operator)
            .WithSummary("Register a third-party app with the items it may ever ask residents for (operator)")
            .WithExamples(new RegisterAppRequest("家計簿アプリ", [AppItem.InsuranceQualifications, AppItem.IncomeSummary]), Examples.App);
        apps.MapGet("/{appId}", Get).WithName("GetApp").RequireAuthorization()
            .WithSummary("A registered app: name and allowed items (for the consent screen)")
            .WithExamples(null, Examples.App);

        app.MapGet("/v1/app-access/residents/{code}/{item}", Read).WithName("ReadResidentDataAsApp").WithTags("Resident portal: third-party apps")
            .RequireAuthorization(Policies.Apps).WithMetadata(PortalReadMetadata.Instance).RequireRateLimiting(PortalRateLimiting.Reads)
            .WithSummary("An app reads one item of a resident under its app user code, while a consent covers it")
            .WithDescription("The code is the appUserCode from the resident's consent. Every read, allowed or refused (403 app.consent-missing), is on the resident's access ledger. item: basic-four-items, insurance-qualifications, disability-certificates, income-summary.")
            .WithExamples(null, Examples.AppData);
        return app;
    }

    private static async Task<Results<Created<AppResponse>, ProblemHttpResult>> Register(string appId, RegisterAppRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Name, "name");
        if (request.AllowedItems is not { Count: > 0 })
        {
            errors.Add("allowedItems", "One or more of: basic-four-items, insurance-qualifications, disability-certificates, income-summary.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetApp(appId).Register(context, new RegisterApp(request.Name!, request.AllowedItems!));
        return result.IsSuccess ? TypedResults.Created($"/v1/apps/{appId}", AppResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AppResponse>, ProblemHttpResult>> Get(string appId, IClusterClient grains)
    {
        var result = await grains.GetApp(appId).Get();
        return result.IsSuccess ? TypedResults.Ok(AppResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AppDataResponse>, ProblemHttpResult>> Read(string code, string item, HttpContext http, IClusterClient grains)
    {
        if (!AgencyCode.IsWellFormed(code))
        {
            return DomainError.Validation("app-code.invalid", "An app user code has 32 lower-case letters and digits.").ToProblem();
        }
        if (!ListedNames.TryParse<AppItem>(item, kebab: true, out var parsed))
        {
            return DomainError.Validation("app.invalid-item", "item is basic-four-items, insurance-qualifications, disability-certificates or income-summary.").ToProblem();
        }
        var context = http.CommandContext();
        var appId = http.User.FindFirstValue(Auth.MynaClaims.AppId)!;
        var result = await grains.GetAppGateway().Read(context, appId, new AgencyCode(code), parsed);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var v = result.Value!;
        return TypedResults.Ok(new AppDataResponse(v.Code.Value, v.Item, v.BasicFourItems,
            v.Qualifications?.Select(QualificationResponse.From).ToList(),
            v.DisabilityCertificates?.Select(c => new DisabilityCertificateResponse(c.CertificateNumber, c.Kind, c.Grade, c.Issuer, c.ValidFrom, c.ValidUntil, c.Expired)).ToList(),
            v.IncomeSummaries));
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Agencies;

public sealed record AgencyCodeRequest(string? IndividualNumber);

public sealed record AgencyCodeResponse(string AgencyCode);

public sealed record AgencyIdentityVerificationRequest(string? AgencyCode, string? Procedure, List<PresentedDocumentRequest>? Documents, string? HelpedBy);

public sealed record AgencyDataRequest(string? AgencyCode, DataItem? Item, string? Procedure);

/// <summary>What an agency gets back: the item it asked for under its own code. Never the Individual Number.</summary>
public sealed record AgencyDataResponse(
    string AgencyCode,
    DataItem Item,
    BasicFourItems? BasicFourItems,
    IReadOnlyList<DisabilityCertificateView>? DisabilityCertificates,
    IReadOnlyList<IncomeSummaryView>? IncomeSummaries);

/// <summary>The information-sharing gateway for agencies (claim "agency" names which one).</summary>
public static class AgencyEndpoints
{
    public static IEndpointRouteBuilder MapAgencyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/agency")
            .WithTags("Information sharing")
            .RequireAuthorization(Policies.Agency);
        group.MapPost("/codes", IssueCode).WithName("IssueAgencyCode");
        group.MapPost("/requests", RequestData).WithName("RequestPersonData");
        group.MapPost("/identity-verifications", VerifyIdentity).WithName("AgencyVerifyIdentity");
        return app;
    }

    private static async Task<Results<Ok<AgencyCodeResponse>, ProblemHttpResult>> IssueCode(
        AgencyCodeRequest request, HttpContext http, IClusterClient grains)
    {
        if (!ApiProblems.TryParseNumber(request.IndividualNumber, out var number, out var invalid))
        {
            return invalid;
        }
        var context = http.CommandContext();
        var result = await grains.GetAgencyGateway().IssueCode(context, Agency(http.User), number);
        return result.IsSuccess ? TypedResults.Ok(new AgencyCodeResponse(result.Value.Value)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AgencyDataResponse>, ProblemHttpResult>> RequestData(
        AgencyDataRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (!AgencyCode.IsWellFormed(request.AgencyCode))
        {
            errors.Add("agencyCode", "An agency code is 32 lower-case letters and digits.");
        }
        errors.Require(request.Item, "item");
        errors.Require(request.Procedure, "procedure");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var code = new AgencyCode(request.AgencyCode!);
        var result = await grains.GetAgencyGateway().Request(context, code, new ProvideData(Agency(http.User), request.Item!.Value, request.Procedure!));
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var data = result.Value!;
        return TypedResults.Ok(new AgencyDataResponse(data.Code.Value, data.Item, data.BasicFourItems, data.DisabilityCertificates, data.IncomeSummaries));
    }

    private static async Task<Results<Ok<IdentityVerificationResponse>, ProblemHttpResult>> VerifyIdentity(
        AgencyIdentityVerificationRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (!AgencyCode.IsWellFormed(request.AgencyCode))
        {
            errors.Add("agencyCode", "An agency code is 32 lower-case letters and digits.");
        }
        var command = new IdentityVerificationRequest(request.Procedure, request.Documents, request.HelpedBy).ToCommand(errors);
        if (command is null)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetAgencyGateway().VerifyIdentity(context, Agency(http.User), new AgencyCode(request.AgencyCode!), command);
        return result.IsSuccess ? TypedResults.Ok(IdentityVerificationResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static string Agency(ClaimsPrincipal user) => user.FindFirstValue(MynaClaims.Agency) ?? string.Empty;
}

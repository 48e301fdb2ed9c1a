using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Medical;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Disasters;

namespace Myna.Api.Disasters;

public sealed record DeclareDisasterRequest(string? Name, IReadOnlyList<string>? Municipalities, DateTimeOffset? From, DateTimeOffset? Until);

public sealed record EndDisasterRequest(string? Reason);

public sealed record DisasterResponse(Guid DisasterId, string Name, IReadOnlyList<string> Municipalities, DateTimeOffset From, DateTimeOffset Until, DateTimeOffset? EndedAt, bool InEffect, long Version)
{
    public static DisasterResponse Of(DisasterView v) =>
        new(v.DisasterId, v.Name, v.Municipalities.Select(m => m.Value).ToList(), v.From, v.Until, v.EndedAt, v.InEffect, v.Version);
}

public sealed record DisasterLookupHttpRequest(string? Name, string? Address, DateOnly? DateOfBirth, Sex? Sex, bool? IncludeMedication);

/// <summary>The answer at a clinic in disaster mode: no number and no person id, flagged as a disaster-mode lookup.</summary>
public sealed record DisasterLookupResponse(
    Guid LookupId, Guid DisasterId, bool DisasterMode, bool Eligible, string? Reason, string PatientName, DateOnly DateOfBirth,
    string? InsurerNumber, string? Symbol, string? InsuredNumber, string? Branch, DateOnly? ValidFrom, DateOnly? ValidUntil,
    IReadOnlyList<MedicalRecordResponse> Medications);

/// <summary>Disaster mode: operators declare an area and period; clinics there check patients without the card.</summary>
public static class DisasterEndpoints
{
    public static IEndpointRouteBuilder MapDisasterEndpoints(this IEndpointRouteBuilder app)
    {
        var disasters = app.MapGroup("/v1/disasters").WithTags("Disaster mode").RequireAuthorization(Policies.Operator);
        disasters.MapPost("/", Declare).WithName("DeclareDisaster");
        disasters.MapGet("/{disasterId:guid}", Get).WithName("GetDisaster");
        disasters.MapPost("/{disasterId:guid}/end", End).WithName("EndDisaster");

        app.MapPost("/v1/disaster-lookups", Lookup).WithTags("Disaster mode").WithName("DisasterLookup").RequireAuthorization(Policies.Terminal);
        return app;
    }

    private static async Task<Results<Created<DisasterResponse>, ProblemHttpResult>> Declare(DeclareDisasterRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Name, "name");
        errors.Require(request.From, "from");
        errors.Require(request.Until, "until");
        if (request.Municipalities is not { Count: > 0 } || request.Municipalities.Any(m => !MunicipalityCode.IsValid(m)))
        {
            errors.Add("municipalities", "One or more 6-digit municipality codes.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        // The disaster's id derives from the command id: a retried declaration lands on the same disaster.
        var id = CommandContext.DerivedId(context.CommandId, "disaster");
        var declared = await grains.GetDisaster(id).Declare(context, new DeclareDisaster(request.Name!,
            request.Municipalities!.Select(m => new MunicipalityCode(m)).ToList(), request.From!.Value, request.Until!.Value));
        return declared.IsSuccess
            ? TypedResults.Created($"/v1/disasters/{id:D}", DisasterResponse.Of(declared.Value!))
            : declared.Error!.ToProblem();
    }

    private static async Task<Results<Ok<DisasterResponse>, ProblemHttpResult>> Get(Guid disasterId, IClusterClient grains)
    {
        var found = await grains.GetDisaster(disasterId).Get();
        return found.IsSuccess ? TypedResults.Ok(DisasterResponse.Of(found.Value!)) : found.Error!.ToProblem();
    }

    private static async Task<Results<Ok<DisasterResponse>, ProblemHttpResult>> End(Guid disasterId, EndDisasterRequest request, HttpContext http, IClusterClient grains)
    {
        var context = http.CommandContext();
        var ended = await grains.GetDisaster(disasterId).End(context, new EndDisaster(request.Reason ?? string.Empty));
        return ended.IsSuccess ? TypedResults.Ok(DisasterResponse.Of(ended.Value!)) : ended.Error!.ToProblem();
    }

    private static async Task<Results<Ok<DisasterLookupResponse>, ProblemHttpResult>> Lookup(DisasterLookupHttpRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Name, "name");
        errors.Require(request.Address, "address");
        errors.Require(request.DateOfBirth, "dateOfBirth");
        errors.Require(request.Sex, "sex");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var answer = await grains.GetDisasterLookup().Lookup(context,
            http.User.FindFirstValue(MynaClaims.Institution)!, http.User.FindFirstValue(MynaClaims.Terminal)!,
            new DisasterLookupRequest(context.CommandId, new BasicFourItems(request.Name!, request.Address!, request.DateOfBirth!.Value, request.Sex!.Value),
                request.IncludeMedication ?? false));
        if (!answer.IsSuccess)
        {
            return answer.Error!.ToProblem();
        }
        var a = answer.Value!;
        var q = a.Qualification;
        return TypedResults.Ok(new DisasterLookupResponse(a.LookupId, a.DisasterId, true, a.Eligible, a.Reason, a.PatientName, a.DateOfBirth,
            q?.Insurer.Value, q?.Insured.Symbol, q?.Insured.Number, q?.Insured.Branch, q?.ValidFrom, q?.ValidUntil,
            a.Medications.Select(m => MedicalRecordResponse.From(m)).ToList()));
    }
}

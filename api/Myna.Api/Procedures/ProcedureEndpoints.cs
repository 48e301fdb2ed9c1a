using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Procedures;

namespace Myna.Api.Procedures;

public sealed record ProcedureDefinitionResponse(ProcedureKind Kind, string Title, string Agency, IReadOnlyList<DataItem> Items);

public sealed record StartProcedureRequest(ProcedureKind? Kind);

public sealed record ReturnProcedureRequest(string? Reason);

public sealed record DecideProcedureRequest(ProcedureOutcome? Outcome, string? Note);

public sealed record AttachmentResponse(DataItem Item, BasicFourItems? BasicFourItems, IReadOnlyList<DisabilityCertificateView>? DisabilityCertificates, IReadOnlyList<IncomeSummaryView>? IncomeSummaries);

/// <summary>A submission: the agency sees the person only under its own code; never the number or the person id.</summary>
public sealed record ProcedureResponse(
    Guid SubmissionId, ProcedureKind Kind, string Agency, string AgencyCode, ProcedureStatus Status, IReadOnlyList<AttachmentResponse> Attachments,
    DateTimeOffset SubmittedAt, string? ReturnedBecause, ProcedureOutcome? Outcome, string? DecisionNote, long Version)
{
    public static ProcedureResponse From(ProcedureView v) =>
        new(v.SubmissionId, v.Kind, v.Agency, v.Code.Value, v.Status,
            v.Attachments.Select(a => new AttachmentResponse(a.Item, a.BasicFourItems, a.DisabilityCertificates, a.IncomeSummaries)).ToList(),
            v.SubmittedAt, v.ReturnedBecause, v.Outcome, v.DecisionNote, v.Version);
}

public sealed record ProcedureListingResponse(Guid SubmissionId, ProcedureKind Kind, string AgencyCode, ProcedureStatus Status, DateTimeOffset SubmittedAt);

/// <summary>
/// Online procedures without attachments: the resident starts one, the needed items are pulled from the
/// records (each on the ledger), the receiving agency handles it under its own code for the person.
/// </summary>
public static class ProcedureEndpoints
{
    public static IEndpointRouteBuilder MapProcedureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/procedures/catalogue", Catalogue).WithTags("Online procedures").WithName("ProcedureCatalogue").AllowAnonymous();

        var own = app.MapGroup("/v1/persons/{personId:guid}/procedures").WithTags("Online procedures").RequireAuthorization(Policies.Holders);
        own.MapPost("/", Start).WithName("StartProcedure");
        own.MapGet("/", OwnList).WithName("ListOwnProcedures");
        own.MapGet("/{submissionId:guid}", OwnGet).WithName("GetOwnProcedure");
        own.MapPost("/{submissionId:guid}/resubmission", Resubmit).WithName("ResubmitProcedure");

        var agency = app.MapGroup("/v1/agency-procedures").WithTags("Online procedures").RequireAuthorization(Policies.Agency);
        agency.MapGet("/", Inbox).WithName("AgencyProcedureInbox");
        agency.MapGet("/{submissionId:guid}", AgencyGet).WithName("GetAgencyProcedure");
        agency.MapPost("/{submissionId:guid}/acceptance", Accept).WithName("AcceptProcedure");
        agency.MapPost("/{submissionId:guid}/return", Return).WithName("ReturnProcedure");
        agency.MapPost("/{submissionId:guid}/decision", Decide).WithName("DecideProcedure");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ProcedureDefinitionResponse>>> Catalogue(IClusterClient grains) =>
        TypedResults.Ok<IReadOnlyList<ProcedureDefinitionResponse>>((await grains.GetProcedureDirectory().Catalogue())
            .Select(d => new ProcedureDefinitionResponse(d.Kind, d.Title, d.Agency, d.Items)).ToList());

    private static async Task<Results<Created<ProcedureResponse>, ProblemHttpResult>> Start(PersonId personId, StartProcedureRequest request, HttpContext http, IClusterClient grains)
    {
        if (NotOwn(personId, http) is { } refused)
        {
            return refused;
        }
        if (request.Kind is null || !Enum.IsDefined(request.Kind.Value))
        {
            return DomainError.Validation("request.invalid", "kind is one of the catalogue's procedures.").ToProblem();
        }
        var context = http.CommandContext();
        // The submission id derives from the command id: a retried start lands on the same submission.
        var id = CommandContext.DerivedId(context.CommandId, "procedure");
        var started = await grains.GetProcedure(id).Submit(context, new SubmitProcedure(personId, request.Kind.Value));
        return started.IsSuccess
            ? TypedResults.Created($"/v1/persons/{personId}/procedures/{id:D}", ProcedureResponse.From(started.Value!))
            : started.Error!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<ProcedureListingResponse>>, ProblemHttpResult>> OwnList(PersonId personId, HttpContext http, IClusterClient grains)
    {
        if (NotOwn(personId, http) is { } refused)
        {
            return refused;
        }
        var rows = await grains.GetProcedureDirectory().ForPerson(personId, 100);
        return TypedResults.Ok(Listing(rows));
    }

    private static async Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> OwnGet(PersonId personId, Guid submissionId, HttpContext http, IClusterClient grains)
    {
        if (NotOwn(personId, http) is { } refused)
        {
            return refused;
        }
        return ToResponse(await grains.GetProcedure(submissionId).GetForPerson(personId));
    }

    private static async Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> Resubmit(PersonId personId, Guid submissionId, HttpContext http, IClusterClient grains)
    {
        if (NotOwn(personId, http) is { } refused)
        {
            return refused;
        }
        var context = http.CommandContext();
        return ToResponse(await grains.GetProcedure(submissionId).Resubmit(context, new ResubmitProcedure(personId)));
    }

    private static async Task<Results<Ok<IReadOnlyList<ProcedureListingResponse>>, ProblemHttpResult>> Inbox(string? status, HttpContext http, IClusterClient grains)
    {
        ProcedureStatus? wanted = null;
        if (status is not null)
        {
            if (!ListedNames.TryParse<ProcedureStatus>(status, kebab: false, out var parsed))
            {
                return DomainError.Validation("request.invalid", "status is submitted, accepted, returned or decided.").ToProblem();
            }
            wanted = parsed;
        }
        var rows = await grains.GetProcedureDirectory().ForAgency(Agency(http.User), wanted, 100);
        return TypedResults.Ok(Listing(rows));
    }

    private static async Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> AgencyGet(Guid submissionId, HttpContext http, IClusterClient grains) =>
        ToResponse(await grains.GetProcedure(submissionId).GetForAgency(Agency(http.User)));

    private static Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> Accept(Guid submissionId, HttpContext http, IClusterClient grains) =>
        OnSubmission(http, (context, agency) => grains.GetProcedure(submissionId).Accept(context, new AcceptProcedure(agency)));

    private static Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> Return(Guid submissionId, ReturnProcedureRequest request, HttpContext http, IClusterClient grains) =>
        OnSubmission(http, (context, agency) => grains.GetProcedure(submissionId).Return(context, new ReturnProcedure(agency, request.Reason ?? string.Empty)));

    private static async Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> Decide(Guid submissionId, DecideProcedureRequest request, HttpContext http, IClusterClient grains)
    {
        if (request.Outcome is null)
        {
            return DomainError.Validation("request.invalid", "outcome is approved or rejected.").ToProblem();
        }
        return await OnSubmission(http, (context, agency) =>
            grains.GetProcedure(submissionId).Decide(context, new DecideProcedure(agency, request.Outcome.Value, request.Note)));
    }

    private static async Task<Results<Ok<ProcedureResponse>, ProblemHttpResult>> OnSubmission(
        HttpContext http, Func<CommandContext, string, Task<Result<ProcedureView>>> call)
    {
        var context = http.CommandContext();
        return ToResponse(await call(context, Agency(http.User)));
    }

    private static Results<Ok<ProcedureResponse>, ProblemHttpResult> ToResponse(Result<ProcedureView> result) =>
        result.IsSuccess ? TypedResults.Ok(ProcedureResponse.From(result.Value!)) : result.Error!.ToProblem();

    private static IReadOnlyList<ProcedureListingResponse> Listing(IEnumerable<ProcedureListingView> rows) =>
        rows.Select(r => new ProcedureListingResponse(r.SubmissionId, r.Kind, r.Code.Value, r.Status, r.SubmittedAt)).ToList();

    private static string Agency(ClaimsPrincipal user) => user.FindFirstValue(MynaClaims.Agency) ?? string.Empty;

    private static ProblemHttpResult? NotOwn(PersonId personId, HttpContext http) =>
        http.User.FindFirstValue(MynaClaims.PersonId) == personId.ToString()
            ? null
            : DomainError.NotFound("person.not-found", "No record of yours exists under this id.").ToProblem();
}

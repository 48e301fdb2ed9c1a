using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Insurance;

public sealed record RegisterInsurerRequest(string? Name);

public sealed record InsurerStatusRequest(string? Reason);

public sealed record MergeInsurerRequest(string? Into);

public sealed record InsuredIdRequest(string? Symbol, string? Number, string? Branch);

public sealed record BasicFourRequest(string? Name, string? Address, DateOnly? DateOfBirth, Sex? Sex);

/// <summary>An enrolment: the member's number as they gave it, or all four basic items (never both).</summary>
public sealed record EnrolmentRequest(
    string? IndividualNumber, BasicFourRequest? BasicFourItems, InsuredIdRequest? Insured,
    DateOnly? ValidFrom, DateOnly? ValidUntil, string? CeilingCategory);

public sealed record DisenrolmentRequest(DateOnly? LastDay, string? Reason);

public sealed record VoidingRequest(string? Reason);

public sealed record VoidingResponse(Guid QualificationId, string Insurer, bool Voided);

public sealed record CeilingCategoryRequest(string? Category);

public sealed record InsurerResponse(string InsurerNumber, string Name, InsurerStatus Status, string? MergedInto, string? SuspendedBecause, long Version)
{
    public static InsurerResponse From(InsurerView v) =>
        new(v.Number.Value, v.Name, v.Status, v.MergedInto?.Value, v.SuspendedBecause, v.Version);
}

public sealed record EnrolmentResponse(Guid QualificationId, LinkBasis LinkedBy, DateOnly ValidFrom, DateOnly? ValidUntil);

public sealed record QualificationResponse(
    Guid QualificationId, string InsurerNumber, string Symbol, string InsuredNumber, string Branch,
    DateOnly ValidFrom, DateOnly? ValidUntil, string CeilingCategory, LinkBasis LinkedBy, string? EndedBecause)
{
    public static QualificationResponse From(InsuranceQualificationView q) =>
        new(q.QualificationId, q.Insurer.Value, q.Insured.Symbol, q.Insured.Number, q.Insured.Branch,
            q.ValidFrom, q.ValidUntil, CeilingCategoryNames.KebabName(q.Ceiling), q.LinkedBy, q.EndedBecause);
}

public sealed record ConfirmationDocumentRequest(ConfirmationDocumentReason? Reason);

public sealed record ConfirmationDocumentResponse(string DocumentNumber, Guid QualificationId, string InsurerNumber, DateOnly IssuedOn, DateOnly ValidUntil, ConfirmationDocumentReason Reason)
{
    public static ConfirmationDocumentResponse From(ConfirmationDocumentView d) =>
        new(d.DocumentNumber, d.QualificationId, d.Insurer.Value, d.IssuedOn, d.ValidUntil, d.Reason);
}

public sealed record InsuranceResponse(
    string Name, DateOnly DateOfBirth, bool RecordClosed, IReadOnlyList<QualificationResponse> Qualifications,
    IReadOnlyList<ConfirmationDocumentResponse> ConfirmationDocuments);

public sealed record CeilingLimitResponse(string Category, long TotalMedicalCostYen, int PriorQualifyingMonths, long HouseholdLimitYen, long? OutpatientLimitYen, bool ReducedRate);

/// <summary>
/// Health insurers: registration by the operator; enrolment, loss of qualification and ceiling categories by
/// the insurer itself (its token names its insurer number); the resident's own view; the public ceiling table.
/// </summary>
public static class InsuranceEndpoints
{
    public static IEndpointRouteBuilder MapInsuranceEndpoints(this IEndpointRouteBuilder app)
    {
        var insurers = app.MapGroup("/v1/insurers").WithTags("Health insurers");
        insurers.MapPost("/{insurerNumber}", Register).WithName("RegisterInsurer").RequireAuthorization(Policies.Operator);
        insurers.MapPost("/{insurerNumber}/suspension", Suspend).WithName("SuspendInsurer").RequireAuthorization(Policies.Operator);
        insurers.MapPost("/{insurerNumber}/resumption", Resume).WithName("ResumeInsurer").RequireAuthorization(Policies.Operator);
        insurers.MapPost("/{insurerNumber}/merger", Merge).WithName("MergeInsurer").RequireAuthorization(Policies.Operator);
        insurers.MapGet("/{insurerNumber}", Get).WithName("GetInsurer").RequireAuthorization(Policies.InsurerRegistry);
        insurers.MapPost("/{insurerNumber}/enrolments", Enrol).WithName("EnrolMember").RequireAuthorization(Policies.Insurer);
        insurers.MapPost("/{insurerNumber}/qualifications/{qualificationId:guid}/loss", Disenrol).WithName("DisenrolMember").RequireAuthorization(Policies.Insurer);
        insurers.MapPost("/{insurerNumber}/qualifications/{qualificationId:guid}/voiding", VoidQualification).WithName("VoidQualification").RequireAuthorization(Policies.Insurer);
        insurers.MapPost("/{insurerNumber}/qualifications/{qualificationId:guid}/confirmation-documents", IssueDocument).WithName("IssueConfirmationDocument").RequireAuthorization(Policies.Insurer);
        insurers.MapPut("/{insurerNumber}/qualifications/{qualificationId:guid}/ceiling-category", ChangeCeiling).WithName("ChangeCeilingCategory").RequireAuthorization(Policies.Insurer);

        app.MapGet("/v1/persons/{personId:guid}/insurance", OwnInsurance).WithTags("Health insurers").WithName("GetOwnInsurance").RequireAuthorization(Policies.Holders);
        app.MapGet("/v1/high-cost-ceilings/{category}", Ceiling).WithTags("Health insurers").WithName("HighCostCeiling").AllowAnonymous();
        return app;
    }

    private static Task<Results<Created<InsurerResponse>, Ok<InsurerResponse>, ProblemHttpResult>> Register(string insurerNumber, RegisterInsurerRequest request, HttpContext http) =>
        OnInsurer(insurerNumber, http, created: true, errors => errors.Require(request.Name, "name"),
            (grain, context) => grain.Register(context, new RegisterInsurer(request.Name!)));

    private static Task<Results<Created<InsurerResponse>, Ok<InsurerResponse>, ProblemHttpResult>> Suspend(string insurerNumber, InsurerStatusRequest request, HttpContext http) =>
        OnInsurer(insurerNumber, http, created: false, errors => errors.Require(request.Reason, "reason"),
            (grain, context) => grain.Suspend(context, new SuspendInsurer(request.Reason!)));

    private static Task<Results<Created<InsurerResponse>, Ok<InsurerResponse>, ProblemHttpResult>> Resume(string insurerNumber, InsurerStatusRequest request, HttpContext http) =>
        OnInsurer(insurerNumber, http, created: false, errors => errors.Require(request.Reason, "reason"),
            (grain, context) => grain.Resume(context, new ResumeInsurer(request.Reason!)));

    private static Task<Results<Created<InsurerResponse>, Ok<InsurerResponse>, ProblemHttpResult>> Merge(string insurerNumber, MergeInsurerRequest request, HttpContext http)
    {
        InsurerNumber into = default;
        return OnInsurer(insurerNumber, http, created: false,
            errors =>
            {
                if (!InsurerNumber.TryParse(request.Into, out into, out var why))
                {
                    errors.Add("into", why.Length > 0 ? why : "Required.");
                }
            },
            (grain, context) => grain.Merge(context, new MergeInsurer(into)));
    }

    private static async Task<Results<Ok<InsurerResponse>, ProblemHttpResult>> Get(string insurerNumber, HttpContext http, IClusterClient grains)
    {
        if (Scoped(insurerNumber, http, requireOwn: http.User.IsInRole(Roles.Insurer)) is { } refused)
        {
            return refused;
        }
        var result = await grains.GetInsurer(new InsurerNumber(insurerNumber)).Get();
        return result.IsSuccess ? TypedResults.Ok(InsurerResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Created<EnrolmentResponse>, Ok<EnrolmentResponse>, ProblemHttpResult>> Enrol(
        string insurerNumber, EnrolmentRequest request, HttpContext http, IClusterClient grains)
    {
        if (Scoped(insurerNumber, http, requireOwn: true) is { } refused)
        {
            return refused;
        }
        var errors = new RequestErrors();
        IndividualNumber? number = null;
        if (request.IndividualNumber is not null)
        {
            if (!ApiProblems.TryParseNumber(request.IndividualNumber, out var parsed, out var numberProblem))
            {
                return numberProblem;
            }
            number = parsed;
        }
        BasicFourItems? items = null;
        if (request.BasicFourItems is { } four)
        {
            errors.Require(four.Name, "basicFourItems.name");
            errors.Require(four.Address, "basicFourItems.address");
            errors.Require(four.DateOfBirth, "basicFourItems.dateOfBirth");
            errors.Require(four.Sex, "basicFourItems.sex");
            if (!errors.Any)
            {
                items = new BasicFourItems(four.Name!, four.Address!, four.DateOfBirth!.Value, four.Sex!.Value);
            }
        }
        if ((request.IndividualNumber is null) == (request.BasicFourItems is null))
        {
            errors.Add("individualNumber", "Give either the member's Individual Number or basicFourItems (all four), not both.");
        }
        if (request.Insured is null)
        {
            errors.Add("insured", "Required: symbol, number and 2-digit branch.");
        }
        errors.Require(request.ValidFrom, "validFrom");
        if (!CeilingCategoryNames.TryParse(request.CeilingCategory, out var category))
        {
            errors.Add("ceilingCategory", "One of the high-cost ceiling categories, e.g. under-seventy-c.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var insured = new InsuredId(request.Insured!.Symbol ?? string.Empty, request.Insured.Number ?? string.Empty, request.Insured.Branch ?? string.Empty);
        var result = await grains.GetInsurer(new InsurerNumber(insurerNumber)).Enrol(context,
            new EnrolMember(number, items, insured, request.ValidFrom!.Value, request.ValidUntil, category));
        // The enrolment's match (by number or basic four) is recorded: a match as the enrolment on the person's stream,
        // and every outcome in the lookup audit log.
        Myna.Api.Commands.LookupAudit.Record(http, items is null ? "enrolment-number" : "enrolment-basic-four",
            result.IsSuccess ? "matched" : result.Error!.Code);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var body = new EnrolmentResponse(result.Value!.QualificationId, result.Value.LinkedBy, result.Value.ValidFrom, result.Value.ValidUntil);
        return TypedResults.Created($"/v1/insurers/{insurerNumber}/qualifications/{body.QualificationId}", body);
    }

    private static async Task<Results<Ok<QualificationResponse>, ProblemHttpResult>> Disenrol(
        string insurerNumber, Guid qualificationId, DisenrolmentRequest request, HttpContext http, IClusterClient grains)
    {
        if (Scoped(insurerNumber, http, requireOwn: true) is { } refused)
        {
            return refused;
        }
        var errors = new RequestErrors();
        errors.Require(request.LastDay, "lastDay");
        errors.Require(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetInsurer(new InsurerNumber(insurerNumber))
            .Disenrol(context, new DisenrolMember(qualificationId, request.LastDay!.Value, request.Reason!));
        return result.IsSuccess ? TypedResults.Ok(QualificationResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    /// <summary>A correction: the qualification was linked to the wrong person and never applied to them.</summary>
    private static async Task<Results<Ok<VoidingResponse>, ProblemHttpResult>> VoidQualification(
        string insurerNumber, Guid qualificationId, VoidingRequest request, HttpContext http, IClusterClient grains)
    {
        if (Scoped(insurerNumber, http, requireOwn: true) is { } refused)
        {
            return refused;
        }
        var errors = new RequestErrors();
        errors.Require(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetInsurer(new InsurerNumber(insurerNumber))
            .VoidQualification(context, new VoidMemberQualification(qualificationId, request.Reason!));
        return result.IsSuccess
            ? TypedResults.Ok(new VoidingResponse(result.Value!.QualificationId, result.Value.Insurer.Value, true))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<QualificationResponse>, ProblemHttpResult>> ChangeCeiling(
        string insurerNumber, Guid qualificationId, CeilingCategoryRequest request, HttpContext http, IClusterClient grains)
    {
        if (Scoped(insurerNumber, http, requireOwn: true) is { } refused)
        {
            return refused;
        }
        if (!CeilingCategoryNames.TryParse(request.Category, out var category))
        {
            var errors = new RequestErrors();
            errors.Add("category", "One of the high-cost ceiling categories, e.g. under-seventy-c.");
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetInsurer(new InsurerNumber(insurerNumber))
            .ChangeCeiling(context, new ChangeCeilingCategory(qualificationId, category));
        return result.IsSuccess ? TypedResults.Ok(QualificationResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Created<ConfirmationDocumentResponse>, ProblemHttpResult>> IssueDocument(
        string insurerNumber, Guid qualificationId, ConfirmationDocumentRequest request, HttpContext http, IClusterClient grains)
    {
        if (Scoped(insurerNumber, http, requireOwn: true) is { } refused)
        {
            return refused;
        }
        if (request.Reason is null)
        {
            var errors = new RequestErrors();
            errors.Add("reason", "no-registered-card or requested.");
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetInsurer(new InsurerNumber(insurerNumber))
            .IssueConfirmationDocument(context, new IssueConfirmationDocument(qualificationId, request.Reason.Value));
        return result.IsSuccess
            ? TypedResults.Created($"/v1/insurers/{insurerNumber}/qualifications/{qualificationId}/confirmation-documents/{result.Value!.DocumentNumber}",
                ConfirmationDocumentResponse.From(result.Value))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<InsuranceResponse>, ProblemHttpResult>> OwnInsurance(PersonId personId, HttpContext http, IClusterClient grains)
    {
        if (http.User.FindFirstValue(MynaClaims.PersonId) != personId.ToString())
        {
            return DomainError.NotFound("person.not-found", "No record of yours exists under this id.").ToProblem();
        }
        var result = await grains.GetPerson(personId).GetInsurance();
        return result.IsSuccess
            ? TypedResults.Ok(new InsuranceResponse(result.Value!.Name, result.Value.DateOfBirth, result.Value.RecordClosed,
                result.Value.Qualifications.Select(QualificationResponse.From).ToList(),
                result.Value.Documents.Select(ConfirmationDocumentResponse.From).ToList()))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CeilingLimitResponse>, ProblemHttpResult>> Ceiling(string category, long? totalMedicalCost, int? priorQualifyingMonths, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (!CeilingCategoryNames.TryParse(category, out var parsed))
        {
            errors.Add("category", "One of the high-cost ceiling categories, e.g. under-seventy-c.");
        }
        if (totalMedicalCost is null or < 0 or > 10_000_000_000)
        {
            errors.Add("totalMedicalCost", "The month's total medical cost in yen, 0 to 10,000,000,000.");
        }
        if (priorQualifyingMonths is < 0 or > 11)
        {
            errors.Add("priorQualifyingMonths", "How many of the previous 11 months already reached the ceiling (0 to 11).");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var prior = priorQualifyingMonths ?? 0;
        var limit = await grains.GetCeilingCalculator().MonthlyLimit(parsed, totalMedicalCost!.Value, prior);
        return TypedResults.Ok(new CeilingLimitResponse(CeilingCategoryNames.KebabName(parsed), totalMedicalCost.Value, prior,
            limit.HouseholdLimitYen, limit.OutpatientLimitYen, limit.ReducedRate));
    }

    private static async Task<Results<Created<InsurerResponse>, Ok<InsurerResponse>, ProblemHttpResult>> OnInsurer(
        string insurerNumber, HttpContext http, bool created, Action<RequestErrors> validate,
        Func<IInsurerGrain, CommandContext, Task<Result<InsurerView>>> call)
    {
        if (!InsurerNumber.TryParse(insurerNumber, out var number, out var why))
        {
            return DomainError.Validation("insurer.invalid-number", why).ToProblem();
        }
        var errors = new RequestErrors();
        validate(errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await call(http.RequestServices.GetRequiredService<IClusterClient>().GetInsurer(number), context);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        return created
            ? TypedResults.Created($"/v1/insurers/{number}", InsurerResponse.From(result.Value!))
            : TypedResults.Ok(InsurerResponse.From(result.Value!));
    }

    /// <summary>A valid insurer number in the route and, for an insurer's token, its own number.</summary>
    private static ProblemHttpResult? Scoped(string insurerNumber, HttpContext http, bool requireOwn)
    {
        if (!InsurerNumber.TryParse(insurerNumber, out _, out var why))
        {
            return DomainError.Validation("insurer.invalid-number", why).ToProblem();
        }
        return requireOwn && http.User.FindFirstValue(MynaClaims.Insurer) != insurerNumber
            ? DomainError.Forbidden("insurer.other-insurer", "An insurer acts only on its own members.").ToProblem()
            : null;
    }
}

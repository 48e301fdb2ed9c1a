using Myna.Api.Hosting;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Medical;

namespace Myna.Api.Medical;

public sealed record MedicalFeedLineRequest(
    Guid? QualificationId, string? RecordId, MedicalRecordKind? Kind, DateOnly? On, string? Item, string? Detail, long? AmountYen, string? Provider);

public sealed record MedicalFeedRequest(string? BatchId, IReadOnlyList<MedicalFeedLineRequest>? Lines);

public sealed record MedicalFeedResponse(string BatchId, int Persons, int Lines, int NewRecords);

public sealed record MedicalRecordResponse(string RecordId, MedicalRecordKind Kind, DateOnly On, string Item, string? Detail, long? AmountYen, string? Provider, string? Insurer)
{
    public static MedicalRecordResponse From(MedicalRecord r, InsurerNumber? insurer = null) =>
        new(r.RecordId, r.Kind, r.On, r.Item, r.Detail, r.AmountYen, r.Provider, insurer?.Value);
}

public sealed record ClinicMedicalReadRequest(IReadOnlyList<ClinicConsentScope>? Items);

public sealed record ClinicMedicalResponse(Guid CheckId, IReadOnlyList<ClinicConsentScope> Items, IReadOnlyList<MedicalRecordResponse> Records, DateTimeOffset ConsentValidUntil);

/// <summary>
/// Medical information: insurers' claims feeds (idempotent batches), the resident's own view, and the
/// clinic's read under the consent its eligibility check recorded (every read on the patient's ledger).
/// </summary>
public static class MedicalEndpoints
{
    public static IEndpointRouteBuilder MapMedicalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/insurers/{insurerNumber}/medical-feeds", Feed).WithFeedBodyLimit()
            .WithTags("Medical information").WithName("FeedMedicalRecords").RequireAuthorization(Policies.Insurer);
        app.MapGet("/v1/persons/{personId:guid}/medical-information", Own)
            .WithTags("Medical information").WithName("GetOwnMedicalInformation").RequireAuthorization(Policies.Holders);
        app.MapPost("/v1/eligibility-checks/{checkId:guid}/medical-information-reads", ClinicRead)
            .WithTags("Medical information").WithName("ReadMedicalInformationAtClinic").RequireAuthorization(Policies.Terminal);
        return app;
    }

    private static async Task<Results<Ok<MedicalFeedResponse>, ProblemHttpResult>> Feed(string insurerNumber, MedicalFeedRequest request, HttpContext http, IClusterClient grains, TimeProvider clock)
    {
        if (!InsurerNumber.TryParse(insurerNumber, out var insurer, out var why))
        {
            return DomainError.Validation("insurer.invalid-number", why).ToProblem();
        }
        if (http.User.FindFirstValue(MynaClaims.Insurer) != insurerNumber)
        {
            return DomainError.Forbidden("insurer.other-insurer", "An insurer acts only on its own members.").ToProblem();
        }
        var errors = new RequestErrors();
        errors.RequireBatch(request.BatchId, request.Lines?.Count, MedicalFeeds.MaxBatchLines);
        var lines = new List<MedicalFeedLine>();
        var now = clock.GetUtcNow();
        foreach (var (line, i) in (request.Lines ?? []).Select((l, i) => (l, i)))
        {
            if (line.QualificationId is null || line.Kind is null || line.On is null)
            {
                errors.Add($"lines[{i}]", "qualificationId, kind and on are required.");
                continue;
            }
            var record = new MedicalRecord(line.RecordId ?? string.Empty, line.Kind.Value, line.On.Value, line.Item?.Trim() ?? string.Empty,
                line.Detail?.Trim(), line.AmountYen, line.Provider?.Trim());
            if (MedicalFeeds.Problem(record, now) is { } problem)
            {
                errors.Add($"lines[{i}]", problem);
                continue;
            }
            lines.Add(new MedicalFeedLine(line.QualificationId.Value, record));
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var accepted = await grains.GetMedicalFeed().Accept(context, insurer, request.BatchId!, lines);
        return accepted.IsSuccess
            ? TypedResults.Ok(new MedicalFeedResponse(accepted.Value!.BatchId, accepted.Value.Persons, accepted.Value.Lines, accepted.Value.NewRecords))
            : accepted.Error!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<MedicalRecordResponse>>, ProblemHttpResult>> Own(PersonId personId, string? kind, HttpContext http, IClusterClient grains)
    {
        if (http.User.FindFirstValue(MynaClaims.PersonId) != personId.ToString())
        {
            return DomainError.NotFound("person.not-found", "No record of yours exists under this id.").ToProblem();
        }
        MedicalRecordKind? wanted = null;
        if (kind is not null)
        {
            // The same kebab-case names as in the JSON bodies (medication-dispensed, …).
            if (!ListedNames.TryParse<MedicalRecordKind>(kind, kebab: true, out var parsed))
            {
                return DomainError.Validation("request.invalid", "kind is medication-dispensed, health-check-result or monthly-medical-expense.").ToProblem();
            }
            wanted = parsed;
        }
        var records = await grains.GetMedicalRecords(personId).GetRecords();
        return TypedResults.Ok<IReadOnlyList<MedicalRecordResponse>>(records
            .Where(r => wanted is null || r.Record.Kind == wanted)
            .Select(r => MedicalRecordResponse.From(r.Record, r.Insurer))
            .ToList());
    }

    private static async Task<Results<Ok<ClinicMedicalResponse>, ProblemHttpResult>> ClinicRead(Guid checkId, ClinicMedicalReadRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (request.Items is not { Count: > 0 } items || items.Any(i => !Enum.IsDefined(i) || !MedicalFeeds.IsReadableByClinics(i)))
        {
            errors.Add("items", "One or more of medication-history, health-check-results.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var read = await grains.GetClinicMedicalReader().Read(context, checkId,
            http.User.FindFirstValue(MynaClaims.Institution)!, http.User.FindFirstValue(MynaClaims.Terminal)!, request.Items!.Distinct().ToList());
        if (!read.IsSuccess)
        {
            return read.Error!.ToProblem();
        }
        var view = read.Value!;
        return TypedResults.Ok(new ClinicMedicalResponse(view.CheckId, view.Items, view.Records.Select(r => MedicalRecordResponse.From(r)).ToList(), view.ConsentValidUntil));
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Hosting;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Persons;

public sealed record BulkRegistrationJobResponse(
    Guid Id, string Status, int Total, int Done, double Percent, int Created, int Existing, int Refused,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int Offset, int? NextOffset, IReadOnlyList<BulkRegistrationLineResponse> Lines)
{
    public static BulkRegistrationJobResponse From(BulkRegistrationJobView v)
    {
        var next = v.Offset + v.Lines.Count;
        return new(v.JobId, v.Status.ToString().ToLowerInvariant(), v.Total, v.Done,
            v.Total == 0 ? 0 : Math.Round(100.0 * v.Done / v.Total, 1), v.Created, v.Existing, v.Refused, v.StartedAt, v.FinishedAt,
            v.Offset, v.Lines.Count > 0 && next < v.Matching ? next : null,
            v.Lines.Select(l => new BulkRegistrationLineResponse(l.Id, l.Status, l.PersonId, l.Code)).ToList());
    }
}

/// <summary>
/// Bulk registration jobs: up to 100,000 persons in one request (JSON array or NDJSON), registered in the
/// background in chunks of 1,000 lines through the same path as <c>/v1/persons/bulk-registrations</c>. The
/// answer is 202 with the job's address; polling it gives the progress and, page by page, each line's outcome.
/// The job's id comes from the Idempotency-Key: the same request sent again is the same job (and resumes it
/// where it stopped, had its silo gone away).
/// </summary>
public static class BulkRegistrationJobEndpoints
{
    public const string Route = "/v1/persons/bulk-registration-jobs";

    public const int DefaultPage = 100;

    public static IEndpointRouteBuilder MapBulkRegistrationJobEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, Start)
            .WithTags("Persons").WithName("StartBulkRegistrationJob").RequireAuthorization(Policies.Municipality)
            .WithSummary("Register up to 100,000 persons with their Individual Numbers in the background (JSON array or NDJSON): 202 and the job's address")
            .Accepts<BulkRegistrationLineRequest[]>("application/json", "application/x-ndjson")
            .WithBodyLimit(BodyLimits.JobFeed);
        app.MapGet(Route + "/{jobId:guid}", Progress)
            .WithTags("Persons").WithName("GetBulkRegistrationJob").RequireAuthorization(Policies.Municipality)
            .WithSummary("A bulk registration job's progress and a page of its lines' outcomes (?offset=&limit= up to 1,000, ?status=refused for the refused lines only)");
        return app;
    }

    private static async Task<Results<Accepted<BulkRegistrationJobResponse>, ProblemHttpResult>> Start(
        HttpContext http, IClusterClient grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IOptions<CommandIdOptions> ids)
    {
        var errors = new RequestErrors();
        var lines = await BulkRegistrationEndpoints.ReadBatchAsync(http, json.Value.SerializerOptions, IBulkRegistrationJobGrain.MaxLines, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (context, municipality, commands) = BulkRegistrationEndpoints.Commands(http, lines, ids.Value);
        var id = CommandContext.DerivedId(context.CommandId, "bulk-registration-job");
        var result = await grains.GetBulkRegistrationJob(id).Start(context, municipality, lines.Select(l => l.Id!).ToList(), commands);
        return result.IsSuccess
            ? TypedResults.Accepted($"{Route}/{id}", BulkRegistrationJobResponse.From(result.Value!))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<BulkRegistrationJobResponse>, ProblemHttpResult>> Progress(
        Guid jobId, int? offset, int? limit, string? status, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (offset is < 0)
        {
            errors.Add("offset", "0 or more.");
        }
        if (limit is < 0 or > IBulkRegistrationJobGrain.MaxPage)
        {
            errors.Add("limit", $"0 to {IBulkRegistrationJobGrain.MaxPage:N0} lines.");
        }
        if (status is not (null or BulkRegistrationJobLine.Created or BulkRegistrationJobLine.Existing or BulkRegistrationJobLine.Refused))
        {
            errors.Add("status", "created, existing or refused.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var result = await grains.GetBulkRegistrationJob(jobId).GetProgress(http.CommandContext(), offset ?? 0, limit ?? DefaultPage, status);
        return result.IsSuccess ? TypedResults.Ok(BulkRegistrationJobResponse.From(result.Value!)) : result.Error!.ToProblem();
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Operations;

namespace Myna.Api.Operations;

public sealed record StartRebuildRequest(string? Index);

public sealed record RebuildJobResponse(
    Guid Id, string Index, string Status, long Processed, long Total, double Percent, double? EtaSeconds, int? Rows,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public static RebuildJobResponse From(RebuildJobView v) => new(
        v.JobId, v.Index, v.Status.ToString().ToLowerInvariant(), v.Processed, v.Total, v.Percent,
        v.EstimatedRemaining is { } eta ? Math.Round(eta.TotalSeconds, 1) : null, v.Rows, v.StartedAt, v.FinishedAt, v.Error);
}

/// <summary>Operators and auditors rebuild any read model from the event store in the background and watch its progress.</summary>
public static class RebuildJobEndpoints
{
    public static IEndpointRouteBuilder MapRebuildJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/operations/rebuild-jobs")
            .WithTags("Operations")
            .RequireAuthorization(Policies.AuditorOrOperator);
        group.MapPost("/", Start).WithName("StartRebuildJob");
        group.MapGet("/{jobId:guid}", Progress).WithName("GetRebuildJob");
        return app;
    }

    private static async Task<Results<Accepted<RebuildJobResponse>, ProblemHttpResult>> Start(StartRebuildRequest request, HttpContext http, IClusterClient grains)
    {
        if (request.Index is not { } index || !IIndexMaintenanceGrain.Indexes.Contains(index))
        {
            return DomainError.NotFound("index.not-found", "Rebuildable indexes: " + string.Join(", ", IIndexMaintenanceGrain.Indexes) + ".").ToProblem();
        }
        var context = http.CommandContext();
        // A retried start (same Idempotency-Key) is the same job; one job per index runs at a time.
        var id = CommandContext.DerivedId(context.CommandId, "rebuild-job");
        var job = await grains.GetIndexRebuildLock(index).Start(id);
        if (job.JobId != id)
        {
            return DomainError.Conflict("rebuild.already-running",
                $"A rebuild of {index} is already running: /v1/operations/rebuild-jobs/{job.JobId}. Poll it, then start another if still needed.").ToProblem(new Dictionary<string, object?> { ["jobId"] = job.JobId });
        }
        return TypedResults.Accepted($"/v1/operations/rebuild-jobs/{id}", RebuildJobResponse.From(job));
    }

    private static async Task<Results<Ok<RebuildJobResponse>, ProblemHttpResult>> Progress(Guid jobId, IClusterClient grains)
    {
        var job = await grains.GetRebuildJob(jobId).GetProgress();
        return job.Status == RebuildJobStatus.NotStarted
            ? DomainError.NotFound("rebuild-job.not-found", "No rebuild job with this id is running or recently finished.").ToProblem()
            : TypedResults.Ok(RebuildJobResponse.From(job));
    }
}

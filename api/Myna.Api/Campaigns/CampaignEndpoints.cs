using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Campaigns;

namespace Myna.Api.Campaigns;

public sealed record StartCampaignRequest(string? ChipBatch, string? Reason, List<Guid>? ExemptCardIds);

public sealed record CampaignResponse(Guid Id, string ChipBatch, string Reason, int Targets, int Processed, int Suspended, int Skipped, bool Completed,
    bool AwaitingApproval, string? RequestedBy)
{
    public static CampaignResponse From(CampaignProgress p) =>
        new(p.CampaignId, p.ChipBatch, p.Reason, p.Targets, p.Processed, p.Suspended, p.Skipped, p.Completed, p.AwaitingApproval, p.RequestedBy);
}

public sealed record IndexRebuildResponse(string Index, int Rows);

/// <summary>Operator tooling: mass suspension of a chip batch, with progress to watch.</summary>
public static class CampaignEndpoints
{
    public static IEndpointRouteBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/operations/suspension-campaigns")
            .WithTags("Operations")
            .RequireAuthorization(Policies.Operator);
        group.MapPost("/", Start).WithName("StartSuspensionCampaign");
        group.MapGet("/{campaignId:guid}", Progress).WithName("GetSuspensionCampaign");
        group.MapPost("/{campaignId:guid}/approval", Approve).WithName("ApproveSuspensionCampaign")
            .WithSummary("A second operator (not the requester) approves the requested campaign: its cards are listed and suspended");
        app.MapPost("/v1/operations/index-rebuilds/{index}", RebuildIndex)
            .WithTags("Operations").WithName("RebuildIndex").RequireAuthorization(Policies.Operator);
        return app;
    }

    /// <summary>
    /// Rebuilds a lookup index from the streams and answers the row count when done: the same job as
    /// <c>/v1/operations/rebuild-jobs</c>, under the same one-per-index lock (issue 17), waited on here.
    /// </summary>
    private static async Task<Results<Ok<IndexRebuildResponse>, ProblemHttpResult>> RebuildIndex(string index, IClusterClient grains, CancellationToken aborted)
    {
        if (!Myna.GrainInterfaces.Operations.IIndexMaintenanceGrain.Indexes.Contains(index))
        {
            return DomainError.NotFound("index.not-found", "Rebuildable indexes: " + string.Join(", ", Myna.GrainInterfaces.Operations.IIndexMaintenanceGrain.Indexes) + ".").ToProblem();
        }
        var id = Guid.NewGuid();
        var job = await grains.GetIndexRebuildLock(index).Start(id);
        if (job.JobId != id)
        {
            return DomainError.Conflict("rebuild.already-running",
                $"A rebuild of {index} is already running: /v1/operations/rebuild-jobs/{job.JobId}.").ToProblem(new Dictionary<string, object?> { ["jobId"] = job.JobId });
        }
        while (job.Status == Myna.GrainInterfaces.Operations.RebuildJobStatus.Running)
        {
            await Task.Delay(200, aborted);
            job = await grains.GetRebuildJob(id).GetProgress();
        }
        return job.Status == Myna.GrainInterfaces.Operations.RebuildJobStatus.Completed
            ? TypedResults.Ok(new IndexRebuildResponse(index, job.Rows ?? 0))
            : ApiProblems.Unavailable("rebuild.failed", $"The rebuild of {index} failed ({job.Error}).");
    }

    private static async Task<Results<Accepted<CampaignResponse>, ProblemHttpResult>> Start(StartCampaignRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.ChipBatch, "chipBatch");
        errors.Require(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        // A retried start (same Idempotency-Key) is the same campaign.
        var id = CommandContext.DerivedId(context.CommandId, "campaign");
        var exemptions = (request.ExemptCardIds ?? []).Select(c => new CardId(c)).ToList();
        var result = await grains.GetSuspensionCampaign(id).Start(context, new StartSuspensionCampaign(request.ChipBatch!, request.Reason!, exemptions));
        return result.IsSuccess
            ? TypedResults.Accepted($"/v1/operations/suspension-campaigns/{id}", CampaignResponse.From(result.Value!))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Accepted<CampaignResponse>, ProblemHttpResult>> Approve(Guid campaignId, HttpContext http, IClusterClient grains)
    {
        var context = http.CommandContext();
        var result = await grains.GetSuspensionCampaign(campaignId).Approve(context);
        return result.IsSuccess
            ? TypedResults.Accepted($"/v1/operations/suspension-campaigns/{campaignId}", CampaignResponse.From(result.Value!))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Progress(Guid campaignId, IClusterClient grains)
    {
        var result = await grains.GetSuspensionCampaign(campaignId).GetProgress();
        return result.IsSuccess ? TypedResults.Ok(CampaignResponse.From(result.Value!)) : result.Error!.ToProblem();
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Audit;

public sealed record AuditEventResponse(
    long Version, long Sequence, string Type, DateTimeOffset RecordedAt, Guid? CommandId, Guid? CorrelationId,
    string? Channel, System.Text.Json.JsonElement Data);

public sealed record AuditStreamResponse(string Stream, long StreamVersion, IReadOnlyList<AuditEventResponse> Events, long? NextFromVersion);

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit")
            .WithTags("Audit")
            .RequireAuthorization(Policies.Auditor);
        group.MapGet("/streams/{kind}/{id}/events", ReadStream).WithName("ReadStreamEvents");
        return app;
    }

    private static async Task<Results<Ok<AuditStreamResponse>, ProblemHttpResult>> ReadStream(
        string kind, string id, IClusterClient grains, long? fromVersion, int? limit)
    {
        if (!Enum.TryParse<StreamKind>(kind, ignoreCase: true, out var streamKind) || !Enum.IsDefined(streamKind)
            || string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return ApiProblems.Problem(400, "audit.invalid-stream", "A stream is person|card|insurer and an id.");
        }
        var result = await grains.GetAudit().ReadStream(new StreamRef(streamKind, id.ToLowerInvariant()), fromVersion ?? 1, limit ?? 100);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var page = result.Value!;
        return TypedResults.Ok(new AuditStreamResponse(
            page.StreamKey,
            page.StreamVersion,
            page.Events.Select(ToResponse).ToList(),
            page.NextFromVersion));
    }

    private static AuditEventResponse ToResponse(RecordedEventView e)
    {
        using var data = System.Text.Json.JsonDocument.Parse(e.Data);
        return new(e.Version, e.Sequence, e.EventType, e.RecordedAt, e.CommandId, e.CorrelationId, e.Channel, data.RootElement.Clone());
    }
}

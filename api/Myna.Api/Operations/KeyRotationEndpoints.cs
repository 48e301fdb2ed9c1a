using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Operations;

namespace Myna.Api.Operations;

public sealed record KeyRotationResponse(
    Guid Id, string Status, long KeysSeen, string? Version, long Rewrapped, long WrappedFromClear, IReadOnlyList<string> Retired,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public static KeyRotationResponse From(KeyRotationView v) => new(
        v.RotationId, v.Status.ToString().ToLowerInvariant(), v.KeysSeen, v.Version, v.Rewrapped, v.WrappedFromClear, v.Retired, v.StartedAt, v.FinishedAt, v.Error);
}

/// <summary>Operators rotate the key-encryption key of personal data: every per-person key re-wrapped, no data re-encrypted.</summary>
public static class KeyRotationEndpoints
{
    public static IEndpointRouteBuilder MapKeyRotationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/operations/key-rotations")
            .WithTags("Operations")
            .RequireAuthorization(Policies.Operator);
        group.MapPost("/", Start).WithName("StartKeyRotation");
        group.MapGet("/current", Current).WithName("GetKeyRotation");
        return app;
    }

    private static async Task<Results<Accepted<KeyRotationResponse>, ProblemHttpResult>> Start(HttpContext http, IClusterClient grains)
    {
        var context = http.CommandContext();
        // A retried start (same Idempotency-Key) is the same rotation; one runs at a time.
        var id = CommandContext.DerivedId(context.CommandId, "key-rotation");
        var rotation = await grains.GetKeyRotation().Start(id);
        if (rotation.RotationId != id)
        {
            return DomainError.Conflict("key-rotation.already-running",
                "A key rotation is already running: poll /v1/operations/key-rotations/current.").ToProblem(new Dictionary<string, object?> { ["rotationId"] = rotation.RotationId });
        }
        return TypedResults.Accepted("/v1/operations/key-rotations/current", KeyRotationResponse.From(rotation));
    }

    private static async Task<Results<Ok<KeyRotationResponse>, ProblemHttpResult>> Current(IClusterClient grains)
    {
        var rotation = await grains.GetKeyRotation().GetProgress();
        return rotation.Status == RebuildJobStatus.NotStarted
            ? DomainError.NotFound("key-rotation.not-found", "No key rotation has run since this grain was activated.").ToProblem()
            : TypedResults.Ok(KeyRotationResponse.From(rotation));
    }
}

using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>What became of one line of a bulk registration job: created, existing (registered by this line before) or refused with its code.</summary>
[GenerateSerializer, Immutable, Alias("myna.bulk-registration-job-line")]
public sealed record BulkRegistrationJobLine(
    [property: Id(0)] string Id,
    [property: Id(1)] string Status,
    [property: Id(2)] Guid? PersonId,
    [property: Id(3)] string? Code)
{
    public const string Created = "created";
    public const string Existing = "existing";
    public const string Refused = "refused";
}

/// <summary>
/// The command that starts a job: the municipality, how many lines and a digest of them (the lines themselves,
/// with their personal data, are never stored on the job's stream). A retry with the same command id and the
/// same lines answers the same job; other lines under the same id are refused (<c>idempotency.key-reused</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.start-bulk-registration-job")]
public sealed record StartBulkRegistrationJob(
    [property: Id(0)] MunicipalityCode Municipality,
    [property: Id(1)] int Lines,
    [property: Id(2)] string Digest);

[GenerateSerializer]
public enum BulkRegistrationJobStatus
{
    /// <summary>Chunks are being registered.</summary>
    Running,
    /// <summary>The job stopped before its last chunk (its silo went away): the same request sent again resumes it.</summary>
    Interrupted,
    Completed,
}

/// <summary>A job's progress and one page of its lines' outcomes (all, or those of one status), in the lines' order; <c>Matching</c>: how many lines done the page is taken from.</summary>
[GenerateSerializer, Immutable, Alias("myna.bulk-registration-job-view")]
public sealed record BulkRegistrationJobView(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] BulkRegistrationJobStatus Status,
    [property: Id(3)] int Total,
    [property: Id(4)] int Done,
    [property: Id(5)] int Created,
    [property: Id(6)] int Existing,
    [property: Id(7)] int Refused,
    [property: Id(8)] DateTimeOffset StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] int Offset,
    [property: Id(11)] IReadOnlyList<BulkRegistrationJobLine> Lines,
    [property: Id(12)] int Matching);

/// <summary>
/// A bulk registration larger than one request (issue: the national peak): its own event stream
/// (<c>bulkregistrationjob-{id}</c>) records the start and a checkpoint with the outcomes of each chunk, so a
/// silo restart loses none of the lines done. It registers through <see cref="IBulkRegistrationGrain"/>, one
/// chunk of at most <see cref="IBulkRegistrationGrain.MaxLines"/> lines at a time.
/// </summary>
public interface IBulkRegistrationJobGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    public const int MaxLines = 100_000;

    public const int MaxPage = 1_000;

    /// <summary>
    /// Starts the job, or, sent again with the same command id and lines, answers it (and resumes it when it was
    /// interrupted). Only a clerk of the municipality the persons are registered into.
    /// </summary>
    [Alias("Start"), ResponseTimeout("00:02:00")]
    Task<Result<BulkRegistrationJobView>> Start(CommandContext context, MunicipalityCode municipality, IReadOnlyList<string> lineIds, IReadOnlyList<BulkRegistrationLine> lines);

    /// <summary>
    /// Progress and the outcomes of lines [offset, offset + limit) among the lines done, or among those of one
    /// <paramref name="status"/> (<see cref="BulkRegistrationJobLine.Refused"/>…): only to a clerk of the job's municipality.
    /// </summary>
    [Alias("GetProgress"), Orleans.Concurrency.AlwaysInterleave]
    Task<Result<BulkRegistrationJobView>> GetProgress(CommandContext context, int offset, int limit, string? status);
}

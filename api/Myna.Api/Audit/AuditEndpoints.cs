using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Audit;

public sealed record AuditActor(string Subject, string Role, string? OnBehalfOf);

public sealed record AuditEventResponse(
    long Version, long Sequence, string Type, DateTimeOffset RecordedAt, Guid? CommandId, Guid? CorrelationId,
    string? Channel, AuditJson Data, string Stream, DateTimeOffset? OccurredAt, AuditActor? Actor, DateTimeOffset? EffectiveFrom);

/// <summary>
/// An event's data as the audit grain wrote it (masked, compact JSON): copied into the response as it is, never
/// parsed and written again. The bytes are those a parsed element would be written as (the same serializer
/// defaults on both sides).
/// </summary>
[JsonConverter(typeof(AuditJsonConverter))]
public readonly record struct AuditJson(string Json);

public sealed class AuditJsonConverter : JsonConverter<AuditJson>
{
    public override AuditJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new AuditJson(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, AuditJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}

/// <summary>
/// A page of a stream's events (the documented answer of the page and replay routes). It is written by
/// <see cref="AuditStreamAnswer"/>, which copies the events as the audit grain wrote them.
/// </summary>
public sealed record AuditStreamResponse(string Stream, long StreamVersion, IReadOnlyList<AuditEventResponse> Events, long? NextFromVersion);

/// <summary>
/// The envelope of an <see cref="AuditStreamResponse"/> written around events that the audit grain wrote
/// (<see cref="AuditEventsJson"/>), for a page and for a whole-stream replay alike: the events are copied between its
/// head and its tail, not read into objects and serialised again.
/// </summary>
public static class AuditStreamAnswer
{
    /// <summary>Starts a 200 answer and writes up to the opening of its events' array (flushed into the body).</summary>
    public static Utf8JsonWriter Begin(HttpContext httpContext, string streamKey, long streamVersion)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, AuditEventsJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("stream", streamKey);
        writer.WriteNumber("streamVersion", streamVersion);
        writer.WritePropertyName("events");
        writer.WriteStartArray();
        writer.Flush();
        return writer;
    }

    /// <summary>Closes the events' array and the answer, after the events were copied into the body.</summary>
    public static void End(Utf8JsonWriter writer, long? nextFromVersion)
    {
        writer.WriteEndArray();
        if (nextFromVersion is { } next)
        {
            writer.WriteNumber("nextFromVersion", next);
        }
        else
        {
            writer.WriteNull("nextFromVersion");
        }
        writer.WriteEndObject();
        writer.Flush();
    }
}

/// <summary>A page of a stream's events, copied as the audit grain wrote them into an <see cref="AuditStreamAnswer"/>.</summary>
public sealed class AuditStreamPageResult(StreamPage page) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (var writer = AuditStreamAnswer.Begin(httpContext, page.StreamKey, page.StreamVersion))
        {
            AuditEventsJson.WriteContents(httpContext.Response.BodyWriter, page.EventBlocks);
            AuditStreamAnswer.End(writer, page.NextFromVersion);
        }
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}

/// <summary>
/// A stream's events from one version to another in one answer (an <see cref="AuditStreamResponse"/>), read from the
/// audit grain a chunk at a time and written out as they come: the next chunk is read while one is written, and no
/// chunk is held longer than it takes to copy it. The first chunk was read before the answer started (so a refusal
/// is a problem, not a broken answer). A later chunk that cannot be read aborts the answer: the client sees a broken
/// transfer, never a document that looks whole but is not. <paramref name="readChunk"/> reads the chunk a query names
/// (the audit grain's <see cref="IAuditGrain.ReadStream"/>); the answer ends at <paramref name="lastVersion"/>.
/// </summary>
public sealed class AuditStreamReplayResult(
    Func<HistoryQuery, Task<Result<StreamPage>>> readChunk, StreamKind kind, StreamPage first, long fromVersion, long lastVersion, int chunkSize)
    : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var body = httpContext.Response.BodyWriter;
        using var writer = AuditStreamAnswer.Begin(httpContext, first.StreamKey, first.StreamVersion);
        var (page, from, through) = (first, fromVersion, fromVersion - 1);
        Task<Result<StreamPage>>? pending = null;
        try
        {
            while (true)
            {
                var after = from + page.EventCount;
                pending = page.EventCount > 0 && after <= lastVersion
                    ? readChunk(new HistoryQuery(after, (int)Math.Min(chunkSize, lastVersion - after + 1)))
                    : null;
                if (page.EventCount > 0)
                {
                    if (through >= fromVersion)
                    {
                        body.Write(","u8);
                    }
                    // The chunk's events go on in the answer's one array.
                    AuditEventsJson.WriteContents(body, page.EventBlocks);
                    through = after - 1;
                }
                await body.FlushAsync(httpContext.RequestAborted);
                if (pending is null)
                {
                    // A stream's versions have no gaps: a chunk that came back short of the last version is a fault.
                    if (fromVersion <= lastVersion && through < lastVersion)
                    {
                        throw new InvalidOperationException($"The replay found no events from version {through + 1} on, before version {lastVersion}.");
                    }
                    break;
                }
                var next = await pending;
                pending = null;
                if (!next.IsSuccess)
                {
                    throw new InvalidOperationException($"A chunk of the replay from version {after} was refused: {next.Error!.Code}.");
                }
                (page, from) = (next.Value!, after);
            }
        }
        catch (Exception ex)
        {
            // A client that went away ends the replay quietly; anything else breaks the answer off.
            if (!httpContext.RequestAborted.IsCancellationRequested)
            {
                httpContext.RequestServices.GetRequiredService<ILogger<AuditStreamReplayResult>>()
                    .LogWarning(ex, "The replay of a {Kind} stream broke off after version {Version}; the answer is aborted", kind, through);
                httpContext.Abort();
            }
            return;
        }
        finally
        {
            // A chunk still being read when the answer ended early is not waited for; its fault, if any, is observed.
            _ = pending?.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
        AuditStreamAnswer.End(writer, lastVersion < first.StreamVersion && fromVersion <= lastVersion ? lastVersion + 1 : null);
        await body.FlushAsync(httpContext.RequestAborted);
    }
}

public sealed record CorrelationResponse(Guid CorrelationId, IReadOnlyList<string> Streams, IReadOnlyList<AuditEventResponse> Events);

public sealed record StateResponse(string Stream, long Version, int EventsApplied, DateTimeOffset? LastRecordedAt, string Timeline, DateTimeOffset? At, JsonElement State)
{
    public static StateResponse From(StateView v) => new(
        v.StreamKey, v.Version, v.EventsApplied, v.LastRecordedAt, v.Timeline.ToString().ToLowerInvariant(), v.At, Parse(v.State));

    internal static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

public sealed record DifferenceResponse(string Path, JsonElement? Known, JsonElement? Effective);

public sealed record TimelinesResponse(DateTimeOffset At, StateResponse AsKnown, StateResponse AsEffective, IReadOnlyList<DifferenceResponse> Differences, IReadOnlyList<AuditEventResponse> Corrections);

public sealed record VerificationResponse(string Stream, bool Intact, long Events, long LegacyEvents, long? FirstBadVersion, string? Problem, string? Detail);

public sealed record StoreVerificationResponse(DateTimeOffset VerifiedAt, int StreamsChecked, int StreamsIntact, long EventsChecked, long LegacyEvents, string? CheckpointId, IReadOnlyList<VerificationResponse> Broken);

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit")
            .WithTags("Audit")
            .RequireAuthorization(Policies.Auditor);
        group.MapGet("/streams/{kind}/{id}/events", ReadStream).WithName("ReadStreamEvents").Produces<AuditStreamResponse>();
        group.MapGet("/streams/{kind}/{id}/replay", ReplayStream).WithName("ReplayStreamEvents").Produces<AuditStreamResponse>();
        group.MapGet("/streams/{kind}/{id}/state", StateAsOf).WithName("GetStreamStateAsOf");
        group.MapGet("/streams/{kind}/{id}/timelines", CompareTimelines).WithName("CompareStreamTimelines");
        group.MapGet("/streams/{kind}/{id}/verification", VerifyStream).WithName("VerifyStream");
        group.MapGet("/correlations/{correlationId:guid}/events", ReadCorrelation).WithName("ReadCorrelationEvents");
        group.MapGet("/verification", VerifyAll).WithName("VerifyAllStreams");
        app.MapPost("/v1/audit/checkpoints", WriteCheckpoint)
            .WithTags("Audit").WithName("WriteIntegrityCheckpoint").RequireAuthorization(Policies.AuditorOrOperator);
        return app;
    }

    private static async Task<Results<AuditStreamPageResult, ProblemHttpResult>> ReadStream(
        string kind, string id, HttpContext http, IClusterClient grains, long? fromVersion, int? limit, string? type, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (!TryStream(kind, id, out var stream, out var invalid))
        {
            return invalid;
        }
        var types = type?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await grains.GetAudit().ReadStream(stream, new HistoryQuery(fromVersion ?? 1, limit ?? 100, types, from, to));
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var page = result.Value!;
        if (page.StreamVersion > 0 && await RecordPersonReadAsync(stream, "history", http, grains) is { } unrecorded)
        {
            return unrecorded;
        }
        return new AuditStreamPageResult(page);
    }

    /// <summary>
    /// A stream's events from <paramref name="fromVersion"/> (1) to <paramref name="toVersion"/> (the stream's version
    /// when the replay starts) in one answer, unfiltered. Events appended meanwhile are not in it:
    /// <c>streamVersion</c> says where it stopped.
    /// </summary>
    private static async Task<Results<AuditStreamReplayResult, ProblemHttpResult>> ReplayStream(
        string kind, string id, HttpContext http, IClusterClient grains, IOptions<AuditReplayOptions> options, long? fromVersion, long? toVersion)
    {
        if (!TryStream(kind, id, out var stream, out var invalid))
        {
            return invalid;
        }
        var from = fromVersion ?? 1;
        if (from < 1 || toVersion < from)
        {
            return DomainError.Validation("audit.invalid-range", "fromVersion starts at 1 and toVersion is not below it.").ToProblem();
        }
        var chunk = options.Value.ChunkSize;
        var audit = grains.GetAudit();
        var result = await audit.ReadStream(stream, new HistoryQuery(from, toVersion is { } to ? (int)Math.Min(chunk, to - from + 1) : chunk));
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var first = result.Value!;
        if (await RecordPersonReadAsync(stream, "history", http, grains) is { } unrecorded)
        {
            return unrecorded;
        }
        return new AuditStreamReplayResult(query => audit.ReadStream(stream, query), stream.Kind, first, from,
            Math.Min(toVersion ?? first.StreamVersion, first.StreamVersion), chunk);
    }

    private static async Task<Results<Ok<CorrelationResponse>, ProblemHttpResult>> ReadCorrelation(Guid correlationId, HttpContext http, IClusterClient grains, int? limit)
    {
        var result = await grains.GetAudit().ReadCorrelation(correlationId, limit ?? 100);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var events = result.Value!;
        // The trail shows persons' events too: each person whose streams it crosses gets one entry ("correlation"). The
        // streams' owners are looked up together (a card's or a procedure's is a grain call each).
        var streamKeys = events.Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToList();
        var owners = (await Task.WhenAll(streamKeys.Select(key => TryStreamKey(key, out var stream) ? OwnerAsync(stream, grains) : Task.FromResult<PersonId?>(null))))
            .OfType<PersonId>().Distinct();
        var recorded = await Task.WhenAll(owners.Select(person => Commands.StaffReads.RecordAsync(http, grains, person, "correlation", "audit")));
        if (recorded.FirstOrDefault(r => r is not null) is { } unrecorded)
        {
            return unrecorded;
        }
        return TypedResults.Ok(new CorrelationResponse(correlationId, streamKeys, events.Select(ToResponse).ToList()));
    }

    /// <summary>The state replayed to a version, or to a moment as known then (default) or as in effect then.</summary>
    private static async Task<Results<Ok<StateResponse>, ProblemHttpResult>> StateAsOf(
        string kind, string id, HttpContext http, IClusterClient grains, long? version, DateTimeOffset? at, string? timeline)
    {
        if (!TryStream(kind, id, out var stream, out var invalid))
        {
            return invalid;
        }
        if (!TryTimeline(timeline, out var which))
        {
            return DomainError.Validation("audit.invalid-timeline", "timeline is known or effective.").ToProblem();
        }
        var result = await grains.GetAudit().StateAsOf(stream, new AsOfQuery(version, at, which));
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        return await RecordPersonReadAsync(stream, "state-as-of", http, grains) is { } unrecorded
            ? unrecorded
            : TypedResults.Ok(StateResponse.From(result.Value!));
    }

    private static async Task<Results<Ok<TimelinesResponse>, ProblemHttpResult>> CompareTimelines(
        string kind, string id, HttpContext http, IClusterClient grains, DateTimeOffset? at)
    {
        if (!TryStream(kind, id, out var stream, out var invalid))
        {
            return invalid;
        }
        if (at is null)
        {
            return DomainError.Validation("audit.invalid-moment", "Give the moment to compare at (at=ISO 8601 date and time).").ToProblem();
        }
        var result = await grains.GetAudit().CompareTimelines(stream, at.Value);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        if (await RecordPersonReadAsync(stream, "timelines", http, grains) is { } unrecorded)
        {
            return unrecorded;
        }
        var c = result.Value!;
        return TypedResults.Ok(new TimelinesResponse(
            at.Value,
            StateResponse.From(c.AsKnown),
            StateResponse.From(c.AsEffective),
            c.Differences.Select(d => new DifferenceResponse(
                d.Path, d.Known is null ? null : StateResponse.Parse(d.Known), d.Effective is null ? null : StateResponse.Parse(d.Effective))).ToList(),
            c.Corrections.Select(ToResponse).ToList()));
    }

    /// <summary>Recomputes the stream's hash chain and compares its head with the latest checkpoint.</summary>
    private static async Task<Results<Ok<VerificationResponse>, ProblemHttpResult>> VerifyStream(string kind, string id, IClusterClient grains)
    {
        if (!TryStream(kind, id, out var stream, out var invalid))
        {
            return invalid;
        }
        var result = await grains.GetAudit().VerifyStream(stream);
        return result.IsSuccess ? TypedResults.Ok(ToResponse(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Ok<StoreVerificationResponse>> VerifyAll(IClusterClient grains)
    {
        var v = await grains.GetAudit().VerifyAll();
        return TypedResults.Ok(new StoreVerificationResponse(
            v.VerifiedAt, v.StreamsChecked, v.StreamsIntact, v.EventsChecked, v.LegacyEvents, v.CheckpointId, v.Broken.Select(ToResponse).ToList()));
    }

    private static async Task<Created<CheckpointView>> WriteCheckpoint(IClusterClient grains)
    {
        var checkpoint = await grains.GetAudit().WriteCheckpoint();
        return TypedResults.Created($"/v1/audit/checkpoints/{checkpoint.Id}", checkpoint);
    }

    /// <summary>
    /// An auditor's read of a stream that is one person's goes on that person's ledger first (invariant 22), so the
    /// person sees it: their record ("history", "state-as-of", "timelines"), and their card, access ledger, portal,
    /// medical information and online procedures (the same, prefixed with the kind: "card-history", "medical-history",
    /// "procedure-history"). Repeats of the same read while nothing else is recorded are one entry
    /// (<see cref="Myna.Domain.Portal.AccessLedgerEntries.StaffReadRepeatWindow"/>), so paging through the ledger itself ends.
    /// </summary>
    private static async Task<ProblemHttpResult?> RecordPersonReadAsync(StreamRef stream, string what, HttpContext http, IClusterClient grains) =>
        await OwnerAsync(stream, grains) is { } person
            ? await Commands.StaffReads.RecordAsync(http, grains, person,
                stream.Kind == StreamKind.Person ? what : $"{stream.Kind.ToString().ToLowerInvariant()}-{what}", "audit")
            : null;

    /// <summary>The person whose data the stream holds: in its key, or a card's holder, or a procedure's submitter; none for the other kinds.</summary>
    private static async Task<PersonId?> OwnerAsync(StreamRef stream, IClusterClient grains) => stream.Kind switch
    {
        StreamKind.Person or StreamKind.Ledger or StreamKind.Portal or StreamKind.Medical =>
            PersonId.TryParse(stream.Id, out var person) ? person : null,
        StreamKind.Card when Guid.TryParse(stream.Id, out var card) =>
            await grains.GetCard(new CardId(card)).GetCard() is { IsSuccess: true, Value: { } view } ? view.PersonId : null,
        StreamKind.Procedure when Guid.TryParse(stream.Id, out var procedure) => await grains.GetProcedure(procedure).GetSubmitter(),
        _ => null,
    };

    /// <summary>Every kind the audit routes accept (each folds as of a version or a time), as the route spells it.</summary>
    private static readonly string StreamKindNames = string.Join('|', Enum.GetNames<StreamKind>().Select(n => n.ToLowerInvariant()));

    private static bool TryStream(string kind, string id, out StreamRef stream, out ProblemHttpResult problem)
    {
        if (!ListedNames.TryParse<StreamKind>(kind, kebab: false, out var streamKind)
            || string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            stream = default;
            problem = DomainError.Validation("audit.invalid-stream", $"A stream is {StreamKindNames} and an id.").ToProblem();
            return false;
        }
        stream = new StreamRef(streamKind, id.ToLowerInvariant());
        problem = null!;
        return true;
    }

    /// <summary>A stored stream key ("{kind}-{id}") as the stream it names, read as the routes read a kind and an id.</summary>
    private static bool TryStreamKey(string key, out StreamRef stream)
    {
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        stream = default;
        return dash > 0 && TryStream(key[..dash], key[(dash + 1)..], out stream, out _);
    }

    private static bool TryTimeline(string? text, out Timeline timeline)
    {
        timeline = Timeline.Known;
        return text is null || ListedNames.TryParse(text, kebab: false, out timeline);
    }

    private static VerificationResponse ToResponse(StreamVerificationView v) =>
        new(v.StreamKey, v.Intact, v.Events, v.LegacyEvents, v.FirstBadVersion, v.Problem, v.Detail);

    private static AuditEventResponse ToResponse(RecordedEventView e) => new(
        e.Version, e.Sequence, e.EventType, e.RecordedAt, e.CommandId, e.CorrelationId, e.Channel, new AuditJson(e.Data),
        e.StreamKey, e.OccurredAt, e.Actor is { } a ? new AuditActor(a.Subject, a.Role, a.OnBehalfOf) : null, e.EffectiveFrom);
}

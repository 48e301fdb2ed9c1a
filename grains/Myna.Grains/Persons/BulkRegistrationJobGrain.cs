using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Persons;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Persons;

/// <summary>
/// Runs a bulk registration larger than one request through <see cref="IBulkRegistrationGrain"/>, in chunks of
/// <see cref="IBulkRegistrationGrain.MaxLines"/> lines, <see cref="ChunksInFlight"/> side by side per timer tick
/// (progress polls are answered in between), with a checkpoint event per chunk on the job's own stream. The lines themselves, with their personal data,
/// live only in this activation's memory: after a silo restart the job is <c>interrupted</c> at its last
/// checkpoint, and the same request sent again (same Idempotency-Key, same lines) resumes it there. A chunk
/// registered but not yet checkpointed when the silo went away is registered again: its lines answer
/// <c>existing</c> under their line ids, and nobody is registered twice.
/// </summary>
public sealed class BulkRegistrationJobGrain(IEventStreamStore store, TimeProvider clock, ILogger<BulkRegistrationJobGrain> logger, IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<BulkRegistrationJobState, IBulkRegistrationJobEvent>(store, clock, logger, snapshots), IBulkRegistrationJobGrain
{
    /// <summary>Chunks registered side by side (the bulk registration grain is a stateless worker), then checkpointed in order.</summary>
    public const int ChunksInFlight = 2;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private Run? _run;
    private IGrainTimer? _timer;

    private Guid Id => this.GetPrimaryKey();

    protected override StreamRef Stream => StreamRef.ForBulkRegistrationJob(Id);

    public async Task<Result<BulkRegistrationJobView>> Start(CommandContext context, MunicipalityCode municipality, IReadOnlyList<string> lineIds, IReadOnlyList<BulkRegistrationLine> lines)
    {
        if (lineIds.Count != lines.Count)
        {
            return DomainError.Validation("registration.invalid-batch", "Each line has its own id.");
        }
        var command = new StartBulkRegistrationJob(municipality, lines.Count, Digest(lineIds, lines));
        var result = await Execute(context, command,
            state => BulkRegistrationJobRules.Authorize(state, context, municipality),
            state => BulkRegistrationJobRules.Start(state, Id, command, Now, context.Actor),
            state => Result<BulkRegistrationJobView>.Ok(View(state)));
        if (result.IsSuccess && !Current.Completed && _run is null)
        {
            // A new job, or the same request again after the job was interrupted: (re)start at the last checkpoint.
            _run = new Run(context, municipality, lineIds, lines);
            DelayDeactivation(TimeSpan.FromHours(2));
            _timer = this.RegisterGrainTimer(ProcessChunkAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Tick));
            return result with { Value = View(Current) };
        }
        return result;
    }

    public Task<Result<BulkRegistrationJobView>> GetProgress(CommandContext context, int offset, int limit, string? status)
    {
        if (!Current.Started)
        {
            return Task.FromResult<Result<BulkRegistrationJobView>>(BulkRegistrationJobRules.NotFound);
        }
        if (BulkRegistrationJobRules.Authorize(Current, context, Current.Municipality) is { } refused)
        {
            return Task.FromResult<Result<BulkRegistrationJobView>>(refused);
        }
        return Task.FromResult(Result<BulkRegistrationJobView>.Ok(
            BulkRegistrationJobRules.ToView(Current, _run is not null, Math.Max(0, offset), Math.Clamp(limit, 0, IBulkRegistrationJobGrain.MaxPage), status)));
    }

    /// <summary>The progress without lines (a start's or a checkpoint's answer).</summary>
    private BulkRegistrationJobView View(BulkRegistrationJobState state) => BulkRegistrationJobRules.ToView(state, _run is not null, 0, 0);

    private async Task ProcessChunkAsync()
    {
        if (_run is not { } run || Current.Completed)
        {
            Stop();
            return;
        }
        var first = Current.Done;
        var chunks = Enumerable.Range(0, ChunksInFlight)
            .Select(i => (First: first + i * IBulkRegistrationGrain.MaxLines, Count: Math.Min(IBulkRegistrationGrain.MaxLines, run.Lines.Count - first - i * IBulkRegistrationGrain.MaxLines)))
            .Where(c => c.Count > 0).ToList();
        try
        {
            var outcomes = await Task.WhenAll(chunks.Select(c => RegisterAsync(run, c.First, c.Count)));
            // Checkpoints in the lines' order, each under its own id: a retried tick never records a chunk twice.
            foreach (var (chunk, lines) in chunks.Zip(outcomes))
            {
                var checkpoint = run.Context with { CommandId = CommandContext.DerivedId(Id, $"chunk-{chunk.First}") };
                var recorded = await Execute(checkpoint, new BulkRegistrationJobChunk(chunk.First, chunk.Count),
                    state => BulkRegistrationJobRules.Record(state, chunk.First, lines, Now, run.Context.Actor),
                    state => Result<BulkRegistrationJobView>.Ok(View(state)));
                if (!recorded.IsSuccess)
                {
                    // Not a passing failure (those throw): stop rather than register the chunk again and again.
                    logger.LogError("Bulk registration job {Job}: the chunk from line {First} cannot be recorded ({Code}); the job stops", Id, chunk.First, recorded.Error!.Code);
                    Stop();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store or the registration did not answer: the next tick tries the same chunks again (their lines are idempotent).
            logger.LogWarning(ex, "Bulk registration job {Job}: the chunks from line {First} failed; trying again", Id, first);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        if (Current.Completed)
        {
            logger.LogInformation("Bulk registration job {Job}: {Total} lines, {Created} created, {Existing} existing, {Refused} refused",
                Id, Current.Total, Current.Created, Current.Existing, Current.Refused);
            Stop();
        }
    }

    /// <summary>
    /// One chunk through the bulk registration grain. A line the domain refuses (a date in the future, a name too
    /// long) refuses its whole chunk there, unwritten: it is recorded refused here and the rest go through again.
    /// </summary>
    private async Task<IReadOnlyList<BulkRegistrationJobLine>> RegisterAsync(Run run, int first, int count)
    {
        var lines = run.Lines.Skip(first).Take(count).ToList();
        var answers = new BulkRegistrationJobLine?[count];
        var pending = Enumerable.Range(0, count).ToList();
        while (pending.Count > 0)
        {
            var result = await GrainFactory.GetBulkRegistration().Register(run.Context, run.Municipality, pending.Select(i => lines[i]).ToList());
            if (!result.IsSuccess)
            {
                foreach (var i in pending)
                {
                    answers[i] = new BulkRegistrationJobLine(run.LineIds[first + i], BulkRegistrationJobLine.Refused, null, result.Error!.Code);
                }
                break;
            }
            var invalid = result.Value!.Any(o => o.Error is { Kind: ErrorKind.Validation });
            var retry = new List<int>();
            foreach (var (outcome, i) in result.Value!.Zip(pending))
            {
                var id = run.LineIds[first + i];
                if (invalid && outcome.Error is { Code: IBulkRegistrationGrain.BatchRefused })
                {
                    retry.Add(i);
                }
                else
                {
                    answers[i] = outcome.Error is { } error ? new BulkRegistrationJobLine(id, BulkRegistrationJobLine.Refused, null, error.Code)
                        : new BulkRegistrationJobLine(id, outcome.Created ? BulkRegistrationJobLine.Created : BulkRegistrationJobLine.Existing, outcome.Person.Value, null);
                }
            }
            pending = retry.Count < pending.Count ? retry : [];
        }
        return answers.Select((a, i) => a ?? new BulkRegistrationJobLine(run.LineIds[first + i], BulkRegistrationJobLine.Refused, null, IBulkRegistrationGrain.BatchRefused)).ToList();
    }

    private void Stop()
    {
        _timer?.Dispose();
        _timer = null;
        _run = null;
        // Keep the outcome readable for a while, then let the activation go (the stream keeps it anyway).
        DelayDeactivation(TimeSpan.FromMinutes(10));
    }

    /// <summary>What the job's command id stands for: every line's id, command id and person, in order (a hash; nothing of it is stored but the hash).</summary>
    private static string Digest(IReadOnlyList<string> lineIds, IReadOnlyList<BulkRegistrationLine> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            hash.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant(
                $"{lineIds[i]}\n{l.CommandId:N}\n{l.Items.Name}\n{l.Items.Address}\n{l.Items.DateOfBirth:yyyy-MM-dd}\n{l.Items.Sex}\n{l.Reason}\n")));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The request the job runs: in memory only.</summary>
    private sealed record Run(CommandContext Context, MunicipalityCode Municipality, IReadOnlyList<string> LineIds, IReadOnlyList<BulkRegistrationLine> Lines);
}

/// <summary>The checkpoint command of one chunk, for its idempotency fingerprint.</summary>
internal sealed record BulkRegistrationJobChunk(int FirstLine, int Lines);

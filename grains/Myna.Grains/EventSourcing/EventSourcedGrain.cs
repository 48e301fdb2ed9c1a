using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Orleans.Storage;

namespace Myna.Grains.EventSourcing;

/// <summary>
/// The one aggregate host every event-sourced grain stands on: a plain <see cref="Grain"/> whose state is
/// one Marten stream, with snapshots in Azure Storage. No framework adaptor sits between the decision and
/// the write, so what a command answers is what the stream holds.
/// <list type="bullet">
/// <item>Activation = latest snapshot + the stream's tail; a missing, stale or unreadable snapshot falls
/// back to a full replay with a warning, never a failed activation.</item>
/// <item>A command is load → authorise → decide → append with the expected version → fold. The fold
/// happens only after the append returned, so the in-memory state never holds an unwritten event.</item>
/// <item>A conflicting append (someone else wrote first) reads the new tail and <b>decides again</b> on
/// the fresh state: a decision made on a stale state is never written.</item>
/// <item>An append whose outcome is unknown (the connection dropped around the commit) reads the tail to
/// learn it: if the command's events are there the command succeeded and answers so; if they are not, or
/// the tail cannot be read, the command fails with the original error and the next command reads the
/// tail first. A retry with the same command id then answers from the stream.</item>
/// <item>Each command carries a command id; one already on the stream returns the original outcome.</item>
/// </list>
/// </summary>
public abstract class EventSourcedGrain<TState, TEvent> : Grain, IEventSourcedGrain
    where TState : class, IAggregateState<TState, TEvent>
    where TEvent : class
{
    /// <summary>2: System.Text.Json (SnapshotSerializer); 1 was the Orleans binary format, now ignored and replayed.</summary>
    private const int SnapshotSchemaVersion = 2;
    private const string SnapshotStateName = "snapshot";
    private const int MaxDecisionAttempts = 5;

    private static readonly JsonSerializerOptions FingerprintJson = new(JsonSerializerDefaults.Web);

    private readonly IEventStreamStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly int _snapshotEvery;
    private IGrainStorage? _snapshotStorage;
    private GrainState<Snapshot<TState, TEvent>>? _snapshot;
    private StreamState<TState, TEvent> _state = new();
    private long _version;
    private bool _behind;
    private long? _activatedFromSnapshot;
    private int _replayedOnActivation;
    private string? _fallbackReason;

    protected EventSourcedGrain(IEventStreamStore store, TimeProvider clock, ILogger logger, IOptions<SnapshotOptions> snapshots)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
        _snapshotEvery = Math.Max(1, snapshots.Value.Every);
    }

    /// <summary>The stream this grain owns.</summary>
    protected abstract StreamRef Stream { get; }

    /// <summary>The domain state folded from the events the stream is known to hold.</summary>
    protected TState Current => _state.Value;

    /// <summary>The stream version <see cref="Current"/> was folded up to.</summary>
    protected long Version => _version;

    /// <summary>The injectable clock: the only source of "now" for events (never read inside Apply).</summary>
    protected DateTimeOffset Now => _clock.GetUtcNow();

    private IGrainStorage SnapshotStorage =>
        _snapshotStorage ??= ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SnapshotOptions.StorageName);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken);
        }
        catch (Exception ex) when (StoreOutage.Is(ex))
        {
            // The activation fails and the caller learns why in a form it knows (503 store.unavailable);
            // the store's own exception stays in this silo's log.
            _logger.LogWarning("Stream {Stream}: not activated, a store is unavailable ({Exception})", Stream.Key, ex.GetType().Name);
            throw new StoreUnavailableException("A store is unavailable; the outcome is unknown, retry with the same Idempotency-Key.");
        }
        catch (UnknownEventTypeException)
        {
            // Not a state to decide on: the caller is told to retry (a silo of the newer version can serve it).
            _logger.LogWarning("Stream {Stream}: not activated, it holds an event of a type this version does not know", Stream.Key);
            throw FromNewerVersion();
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<StreamInfo> GetStreamInfo() =>
        Task.FromResult(new StreamInfo(Stream.Key, Version, _activatedFromSnapshot, _replayedOnActivation, _fallbackReason));

    /// <summary>
    /// True when this command id is already on the stream: a retry. Side effects a command performs before
    /// deciding (reading another grain, claiming an index row) are skipped for a retry, whose outcome is
    /// replayed by <see cref="Execute{TCommand,TReply}"/>.
    /// </summary>
    protected bool IsRetry(CommandContext context) => _state.FindReceipt(context.CommandId) is not null;

    /// <summary>The command pattern for a decision that needs nothing but the state.</summary>
    protected Task<Result<TReply>> Execute<TCommand, TReply>(
        CommandContext context,
        TCommand command,
        Func<TState, Decision<TEvent>> decide,
        Func<TState, Result<TReply>> reply)
        where TCommand : notnull =>
        Execute(context, command, state => Task.FromResult(decide(state)), reply);

    /// <summary>The command pattern with the actor authorised first, on the current state, retries included.</summary>
    protected Task<Result<TReply>> Execute<TCommand, TReply>(
        CommandContext context,
        TCommand command,
        Func<TState, DomainError?> authorize,
        Func<TState, Decision<TEvent>> decide,
        Func<TState, Result<TReply>> reply)
        where TCommand : notnull =>
        Execute(context, command, state => Task.FromResult(decide(state)), reply, authorize);

    /// <summary>
    /// The one command pattern: authorise → idempotency check → decide → append with the expected
    /// version → fold → reply. Side effects (snapshots) only after the append.
    /// </summary>
    /// <param name="authorize">
    /// Whether this actor may act on this aggregate now. It runs before the idempotency check, so a retried
    /// command id from a caller who may no longer act is refused, never answered from the stream (invariant 20).
    /// </param>
    protected async Task<Result<TReply>> Execute<TCommand, TReply>(
        CommandContext context,
        TCommand command,
        Func<TState, Task<Decision<TEvent>>> decide,
        Func<TState, Result<TReply>> reply,
        Func<TState, DomainError?>? authorize = null)
        where TCommand : notnull
    {
        var fingerprint = Fingerprint(command);
        for (var attempt = 1; attempt <= MaxDecisionAttempts; attempt++)
        {
            if (_behind)
            {
                await CatchUpAsync();
            }
            if (authorize?.Invoke(Current) is { } refused)
            {
                return refused;
            }
            if (_state.FindReceipt(context.CommandId) is { } receipt)
            {
                return receipt.Fingerprint == fingerprint
                    ? reply(Current) with { Replayed = true }
                    : DomainError.Conflict("idempotency.key-reused",
                        "This Idempotency-Key was already used for a different request.");
            }

            var decision = await decide(Current);
            if (decision.Error is { } error)
            {
                return error;
            }
            if (decision.Events.Count == 0)
            {
                return reply(Current);
            }

            AppendOutcome outcome;
            try
            {
                outcome = await AppendAsync(decision.Events, context, fingerprint);
            }
            catch (AppendRefusedException refusal)
            {
                // Nothing was written and the state is as it was: the command's answer is the refusal.
                _logger.LogInformation("Stream {Stream}: an append was refused ({Code})", Stream.Key, refusal.Error.Code);
                return refusal.Error;
            }
            switch (outcome)
            {
                case AppendOutcome.Written:
                    await SnapshotIfDueAsync();
                    return reply(Current);
                case AppendOutcome.Conflict:
                    continue; // the tail is read at the top of the loop, and the command decided again
            }
        }
        return DomainError.Conflict("stream.contention",
            "The record changed too often while this command was being decided; retry with the same Idempotency-Key.");
    }

    private enum AppendOutcome { Written, Conflict }

    private async Task<AppendOutcome> AppendAsync(IReadOnlyList<TEvent> events, CommandContext context, string fingerprint)
    {
        var expected = _version;
        try
        {
            await _store.AppendAsync(
                Stream.Key,
                expected,
                events.Cast<object>().ToList(),
                new AppendMetadata(context.CommandId, context.CorrelationId, context.Channel, fingerprint));
        }
        catch (StreamConflictException)
        {
            _logger.LogInformation("Stream {Stream} moved past version {Version}: reading it and deciding again", Stream.Key, expected);
            _behind = true;
            return AppendOutcome.Conflict;
        }
        catch (Exception appendError) when (appendError is not OperationCanceledException and not AppendRefusedException)
        {
            // The outcome is unknown: the commit may have happened before the connection failed. Read the
            // tail to learn it; until that succeeds, no command decides on this state.
            _behind = true;
            try
            {
                await CatchUpAsync();
            }
            catch (Exception readError)
            {
                _logger.LogWarning(readError, "Stream {Stream}: the outcome of an append is unknown and the tail cannot be read yet", Stream.Key);
                ExceptionDispatchInfo.Throw(appendError);
            }
            if (_state.FindReceipt(context.CommandId) is not null)
            {
                _logger.LogInformation("Stream {Stream}: an append reported {Error} but was committed", Stream.Key, appendError.GetType().Name);
                return AppendOutcome.Written;
            }
            ExceptionDispatchInfo.Throw(appendError);
        }

        if (_version == expected)
        {
            foreach (var e in events)
            {
                _state.Record(e, context.CommandId, fingerprint);
            }
            _version = expected + events.Count;
        }
        else
        {
            // A concurrent read-only call caught up meanwhile and already folded these events.
            await CatchUpAsync();
        }
        return AppendOutcome.Written;
    }

    /// <summary>Folds every event the stream holds past <see cref="Version"/> (written by another activation, or by an append whose outcome was unknown).</summary>
    private static StreamFromNewerVersionException FromNewerVersion() =>
        new("The record holds an event written by a newer version; retry once the upgrade has finished.");

    private async Task CatchUpAsync()
    {
        IReadOnlyList<StoredEvent> tail;
        try
        {
            tail = await _store.ReadAsync(Stream.Key, _version + 1);
        }
        catch (UnknownEventTypeException)
        {
            // A newer version appended to this stream (a rolling upgrade): this activation cannot fold it, so it goes,
            // and the caller is told to retry (a silo of the newer version can serve it).
            _logger.LogWarning("Stream {Stream}: a newer version appended an event of a type this version does not know; deactivating", Stream.Key);
            DeactivateOnIdle();
            throw FromNewerVersion();
        }
        Fold(tail);
        _behind = false;
    }

    private void Fold(IReadOnlyList<StoredEvent> tail)
    {
        foreach (var stored in tail)
        {
            if (stored.Version <= _version)
            {
                continue;
            }
            if (stored.Data is not TEvent domainEvent)
            {
                throw new InvalidOperationException(
                    $"Stream {Stream.Key} holds an event of type {stored.EventTypeName} that {GetType().Name} does not know.");
            }
            _state.Record(domainEvent, stored.CommandId ?? Guid.Empty, stored.Fingerprint ?? string.Empty);
            _version = stored.Version;
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var key = Stream.Key;
        // The snapshot is read in parallel with the stream's head and version (one round trip). A snapshot is only ever
        // written once a stream holds Every events, so a shorter stream (most of them, and every new one) is read whole
        // by that first read, and the snapshot, if any came back, is ignored. For a longer one the newest Every events,
        // which reach back to its latest snapshot (one is written every Every events), are read while the snapshot is
        // still on its way: the activation then costs the slower of the two, with no third read for the tail after it.
        var snapshotRead = ReadSnapshotAsync();
        var head = await _store.ReadHeadAsync(key, _snapshotEvery, cancellationToken);
        if (head.Version <= _snapshotEvery)
        {
            (_state, _version) = (new StreamState<TState, TEvent>(), 0);
            Fold(head.Events);
            _replayedOnActivation = head.Events.Count;
            return;
        }
        var windowStart = head.Version - _snapshotEvery + 1;
        var windowRead = _store.ReadAsync(key, windowStart, cancellationToken: cancellationToken);

        var snapshot = KeepSnapshot(await snapshotRead);
        var window = await windowRead;
        string? fallback = null;
        IReadOnlyList<StoredEvent> tail;
        if (snapshot is { SchemaVersion: SnapshotSchemaVersion, Version: > 0 })
        {
            // From the snapshot's own version, to prove the stream still holds what the snapshot saw.
            // Only a snapshot older than the window (its writes failed for a while) needs a read of its own; one newer
            // than the stream's newest event finds nothing and is not used.
            var events = snapshot.Version >= windowStart
                ? window.SkipWhile(e => e.Version < snapshot.Version).ToList()
                : await _store.ReadAsync(key, snapshot.Version, cancellationToken: cancellationToken);
            if (events.Count > 0 && events[0].Version == snapshot.Version
                && events[0].CommandId == snapshot.State.Receipts.LastOrDefault()?.CommandId)
            {
                (_state, _version) = (snapshot.State.Copy(), snapshot.Version);
                tail = events;
            }
            else
            {
                fallback = "snapshot does not match the stream";
                (_state, _version) = (new StreamState<TState, TEvent>(), 0);
                tail = await _store.ReadAsync(key, 1, cancellationToken: cancellationToken);
            }
        }
        else
        {
            if (snapshot is not null)
            {
                fallback = $"snapshot schema {snapshot.SchemaVersion} is not {SnapshotSchemaVersion}";
            }
            (_state, _version) = (new StreamState<TState, TEvent>(), 0);
            tail = await _store.ReadAsync(key, 1, cancellationToken: cancellationToken);
        }
        var before = _version;
        Fold(tail);

        if (fallback is not null)
        {
            _fallbackReason = fallback;
            _logger.LogWarning("Stream {Stream}: {Reason}; activated by full replay instead", key, fallback);
        }
        _activatedFromSnapshot = fallback is null && snapshot is { Version: > 0 } ? snapshot.Version : null;
        _replayedOnActivation = checked((int)(_version - before));
    }

    /// <summary>Reads the snapshot without acting on it (it may be ignored); never throws.</summary>
    private async Task<(GrainState<Snapshot<TState, TEvent>>? Holder, Exception? Error)> ReadSnapshotAsync()
    {
        var holder = new GrainState<Snapshot<TState, TEvent>>(new Snapshot<TState, TEvent>());
        try
        {
            await SnapshotStorage.ReadStateAsync(SnapshotStateName, this.GetGrainId(), holder);
            return (holder, null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    /// <summary>Keeps the snapshot read for this activation (its ETag for the next write), or notes why it is unusable.</summary>
    private Snapshot<TState, TEvent>? KeepSnapshot((GrainState<Snapshot<TState, TEvent>>? Holder, Exception? Error) read)
    {
        if (read.Error is { } ex)
        {
            _fallbackReason = "snapshot unreadable: " + ex.GetType().Name;
            _logger.LogWarning(ex, "Stream {Stream}: snapshot unreadable; activating by full replay", Stream.Key);
            _snapshot = null;
            return null;
        }
        _snapshot = read.Holder;
        return read.Holder!.RecordExists ? read.Holder.State : null;
    }

    /// <summary>Deletes this grain's snapshot (it holds the state in clear), e.g. after its personal data was erased.</summary>
    protected async Task ForgetSnapshotAsync()
    {
        var holder = new GrainState<Snapshot<TState, TEvent>>();
        await SnapshotStorage.ReadStateAsync(SnapshotStateName, this.GetGrainId(), holder);
        if (holder.RecordExists)
        {
            await SnapshotStorage.ClearStateAsync(SnapshotStateName, this.GetGrainId(), holder);
        }
        _snapshot = null;
    }

    private async Task SnapshotIfDueAsync()
    {
        var last = _snapshot is { RecordExists: true, State: { } stored } ? stored.Version : 0;
        if (Version - last < _snapshotEvery)
        {
            return;
        }
        var holder = _snapshot ?? new GrainState<Snapshot<TState, TEvent>>(new Snapshot<TState, TEvent>());
        var previous = holder.State;
        holder.State = new Snapshot<TState, TEvent> { SchemaVersion = SnapshotSchemaVersion, Version = Version, State = _state.Copy() };
        try
        {
            await SnapshotStorage.WriteStateAsync(SnapshotStateName, this.GetGrainId(), holder);
            _snapshot = holder;
        }
        catch (Exception ex)
        {
            // A snapshot is an optimisation: the stream is the truth. Forget the ETag and try next time.
            holder.State = previous;
            _snapshot = null;
            _logger.LogWarning(ex, "Stream {Stream}: snapshot at version {Version} not written", Stream.Key, Version);
            await TryReloadSnapshotEtagAsync();
        }
    }

    private async Task TryReloadSnapshotEtagAsync()
    {
        var holder = new GrainState<Snapshot<TState, TEvent>>(new Snapshot<TState, TEvent>());
        try
        {
            await SnapshotStorage.ReadStateAsync(SnapshotStateName, this.GetGrainId(), holder);
            _snapshot = holder;
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Stream {Stream}: snapshot ETag not reloaded", Stream.Key);
        }
    }

    /// <summary>What a receipt remembers of a command, so that a reused command id with another body is refused (also for streams the bulk writer starts).</summary>
    internal static string Fingerprint<TCommand>(TCommand command) where TCommand : notnull
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(command, command.GetType(), FingerprintJson);
        return Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 16)) + ":" + command.GetType().Name;
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Orleans.EventSourcing;
using Orleans.EventSourcing.CustomStorage;
using Orleans.Storage;

namespace Myna.Grains.EventSourcing;

/// <summary>
/// The mechanism every aggregate grain stands on: a <see cref="JournaledGrain{TGrainState,TEventBase}"/>
/// whose log is one Marten stream (custom-storage log consistency), with snapshots in Azure Storage.
/// <list type="bullet">
/// <item>Activation = latest snapshot + the stream's tail; a missing, stale or unreadable snapshot falls
/// back to a full replay with a warning, never a failed activation.</item>
/// <item>Appends carry the expected version; a stale one is refused by Marten, the grain re-reads and
/// <b>decides again</b> on the fresh state: a decision made on a stale state is never written.</item>
/// <item>Each command carries a command id; one already on the stream returns the original outcome.</item>
/// </list>
/// </summary>
public abstract class EventSourcedGrain<TState, TEvent> :
    JournaledGrain<StreamState<TState, TEvent>, Recorded<TEvent>>,
    ICustomStorageInterface<StreamState<TState, TEvent>, Recorded<TEvent>>,
    IEventSourcedGrain
    where TState : class, IAggregateState<TState, TEvent>
    where TEvent : class
{
    private const int SnapshotSchemaVersion = 1;
    private const string SnapshotStateName = "snapshot";
    private const int MaxDecisionAttempts = 5;

    private static readonly JsonSerializerOptions FingerprintJson = new(JsonSerializerDefaults.Web);

    private readonly IEventStreamStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly int _snapshotEvery;
    private IGrainStorage? _snapshotStorage;
    private GrainState<Snapshot<TState, TEvent>>? _snapshot;
    private bool _snapshotLoaded;
    private bool _lastWriteFailed;
    private bool _staleDecision;
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

    /// <summary>The confirmed domain state.</summary>
    protected TState Current => State.Value;

    /// <summary>The injectable clock: the only source of "now" for events (never read inside Apply).</summary>
    protected DateTimeOffset Now => _clock.GetUtcNow();

    private IGrainStorage SnapshotStorage =>
        _snapshotStorage ??= ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SnapshotOptions.StorageName);

    public Task<StreamInfo> GetStreamInfo() =>
        Task.FromResult(new StreamInfo(Stream.Key, Version, _activatedFromSnapshot, _replayedOnActivation, _fallbackReason));

    /// <summary>
    /// True when this command id is already on the stream: a retry. Side effects a command performs before
    /// deciding (reading another grain, claiming an index row) are skipped for a retry, whose outcome is
    /// replayed by <see cref="Execute{TCommand,TReply}"/>.
    /// </summary>
    protected bool IsRetry(CommandContext context) => State.FindReceipt(context.CommandId) is not null;

    /// <summary>The command pattern for a decision that needs nothing but the confirmed state.</summary>
    protected Task<Result<TReply>> Execute<TCommand, TReply>(
        CommandContext context,
        TCommand command,
        Func<TState, Decision<TEvent>> decide,
        Func<TState, Result<TReply>> reply)
        where TCommand : notnull =>
        Execute(context, command, state => Task.FromResult(decide(state)), reply);

    /// <summary>The command pattern with the actor authorised first, on the confirmed state, retries included.</summary>
    protected Task<Result<TReply>> Execute<TCommand, TReply>(
        CommandContext context,
        TCommand command,
        Func<TState, DomainError?> authorize,
        Func<TState, Decision<TEvent>> decide,
        Func<TState, Result<TReply>> reply)
        where TCommand : notnull =>
        Execute(context, command, state => Task.FromResult(decide(state)), reply, authorize);

    /// <summary>
    /// The one command pattern: authorise → idempotency check → decide on the confirmed state → raise →
    /// confirm → reply. Side effects (snapshots) only after confirmation.
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
            if (authorize?.Invoke(Current) is { } refused)
            {
                return refused;
            }
            if (State.FindReceipt(context.CommandId) is { } receipt)
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

            RaiseEvents(decision.Events.Select(e =>
                new Recorded<TEvent>(e, context.CommandId, context.CorrelationId, context.Channel, fingerprint)));
            await ConfirmEvents();

            if (!_staleDecision)
            {
                await SnapshotIfDueAsync();
                return reply(Current);
            }

            // The write met a newer stream (or an unknown outcome): re-read and decide again.
            _staleDecision = false;
            await RefreshNow();
        }
        return DomainError.Conflict("stream.contention",
            "The record changed too often while this command was being decided; retry with the same Idempotency-Key.");
    }

    protected override void TransitionState(StreamState<TState, TEvent> state, Recorded<TEvent> @event) =>
        state.Record(@event.Event, @event.CommandId, @event.Fingerprint);

    async Task<KeyValuePair<int, StreamState<TState, TEvent>>> ICustomStorageInterface<StreamState<TState, TEvent>, Recorded<TEvent>>.ReadStateFromStorage()
    {
        var key = Stream.Key;
        // A snapshot is only ever written once a stream holds Every events: a shorter stream (most of
        // them, and every new one) is read whole without asking Azure Storage for a snapshot it cannot have.
        var shortStream = _snapshotLoaded ? null : await _store.ReadAsync(key, 1, _snapshotEvery);
        if (shortStream is not null && shortStream.Count >= _snapshotEvery)
        {
            shortStream = null;
        }
        var snapshot = shortStream is null ? await LoadSnapshotOnceAsync() : null;
        var firstActivation = !_snapshotLoaded;
        _snapshotLoaded = true;

        StreamState<TState, TEvent> state;
        long version;
        IReadOnlyList<StoredEvent> tail;
        string? fallback = null;

        if (shortStream is not null)
        {
            (state, version, tail) = (new StreamState<TState, TEvent>(), 0, shortStream);
        }
        else if (snapshot is { SchemaVersion: SnapshotSchemaVersion, Version: > 0 })
        {
            // Read from the snapshot's own version to prove the stream still holds what the snapshot saw.
            var events = await _store.ReadAsync(key, snapshot.Version);
            if (events.Count > 0 && events[0].Version == snapshot.Version
                && events[0].CommandId == snapshot.State.Receipts.LastOrDefault()?.CommandId)
            {
                state = snapshot.State.Copy();
                version = snapshot.Version;
                tail = events.Skip(1).ToList();
            }
            else
            {
                fallback = "snapshot does not match the stream";
                (state, version, tail) = (new StreamState<TState, TEvent>(), 0, await _store.ReadAsync(key, 1));
            }
        }
        else
        {
            if (snapshot is not null)
            {
                fallback = $"snapshot schema {snapshot.SchemaVersion} is not {SnapshotSchemaVersion}";
            }
            (state, version, tail) = (new StreamState<TState, TEvent>(), 0, await _store.ReadAsync(key, 1));
        }

        foreach (var stored in tail)
        {
            if (stored.Data is not TEvent domainEvent)
            {
                throw new InvalidOperationException(
                    $"Stream {key} holds an event of type {stored.EventTypeName} that {GetType().Name} does not know.");
            }
            state.Record(domainEvent, stored.CommandId ?? Guid.Empty, stored.Fingerprint ?? string.Empty);
            version = stored.Version;
        }

        if (fallback is not null)
        {
            _fallbackReason = fallback;
            _logger.LogWarning("Stream {Stream}: {Reason}; activated by full replay instead", key, fallback);
        }
        if (firstActivation)
        {
            _activatedFromSnapshot = fallback is null && snapshot is { Version: > 0 } ? snapshot.Version : null;
            _replayedOnActivation = tail.Count;
        }
        return new KeyValuePair<int, StreamState<TState, TEvent>>(checked((int)version), state);
    }

    async Task<bool> ICustomStorageInterface<StreamState<TState, TEvent>, Recorded<TEvent>>.ApplyUpdatesToStorage(
        IReadOnlyList<Recorded<TEvent>> updates, int expectedVersion)
    {
        if (_lastWriteFailed)
        {
            // This batch was decided before the conflict or failure that made Orleans re-read. Writing it
            // now could double a command or break a rule the fresh state would refuse: report success
            // without writing, and Execute refreshes and decides again.
            _lastWriteFailed = false;
            _staleDecision = true;
            return true;
        }

        var first = updates[0];
        if (updates.Any(u => u.CommandId != first.CommandId))
        {
            throw new InvalidOperationException("One append carries the events of exactly one command.");
        }

        try
        {
            await _store.AppendAsync(
                Stream.Key,
                expectedVersion,
                updates.Select(u => (object)u.Event).ToList(),
                new AppendMetadata(first.CommandId, first.CorrelationId, first.Channel, first.Fingerprint));
            return true;
        }
        catch (StreamConflictException)
        {
            _logger.LogInformation("Stream {Stream} moved past version {Version}: re-reading", Stream.Key, expectedVersion);
            _lastWriteFailed = true;
            return false;
        }
        catch
        {
            // Outcome unknown (e.g. the connection dropped after commit): Orleans re-reads and retries;
            // the retry must not write this batch blindly.
            _lastWriteFailed = true;
            throw;
        }
    }

    private async Task<Snapshot<TState, TEvent>?> LoadSnapshotOnceAsync()
    {
        if (_snapshotLoaded)
        {
            return _snapshot?.State;
        }
        var holder = new GrainState<Snapshot<TState, TEvent>>(new Snapshot<TState, TEvent>());
        try
        {
            await SnapshotStorage.ReadStateAsync(SnapshotStateName, this.GetGrainId(), holder);
            _snapshot = holder;
            return holder.RecordExists ? holder.State : null;
        }
        catch (Exception ex)
        {
            _fallbackReason = "snapshot unreadable: " + ex.GetType().Name;
            _logger.LogWarning(ex, "Stream {Stream}: snapshot unreadable; activating by full replay", Stream.Key);
            _snapshot = null;
            return null;
        }
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
        holder.State = new Snapshot<TState, TEvent> { SchemaVersion = SnapshotSchemaVersion, Version = Version, State = State.Copy() };
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
            _snapshotLoaded = true;
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

    private static string Fingerprint<TCommand>(TCommand command) where TCommand : notnull
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(command, command.GetType(), FingerprintJson);
        return Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 16)) + ":" + command.GetType().Name;
    }
}

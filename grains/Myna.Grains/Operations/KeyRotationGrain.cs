using Microsoft.Extensions.Logging;
using Myna.EventStore.Privacy;
using Myna.GrainInterfaces.Operations;

namespace Myna.Grains.Operations;

/// <summary>
/// Runs one key-encryption-key rotation at a time. The table scan runs on the thread pool (a turn never holds the
/// activation); progress is one reference swap. A start while one runs answers the running one; once finished, a
/// new rotation id starts another. The outcome stays readable for an hour.
/// </summary>
public sealed class KeyRotationGrain(PersonalDataKeyRotation rotation, TimeProvider clock, ILogger<KeyRotationGrain> logger) : Grain, IKeyRotationGrain
{
    private Guid _id;
    private RebuildJobStatus _status = RebuildJobStatus.NotStarted;
    private volatile Box _seen = new(0);
    private KeyRotationResult? _result;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private string? _error;

    private sealed record Box(long Value);

    public Task<KeyRotationView> Start(Guid rotationId)
    {
        if (_status != RebuildJobStatus.Running && rotationId != _id)
        {
            _id = rotationId;
            _status = RebuildJobStatus.Running;
            _seen = new Box(0);
            _result = null;
            _error = null;
            _startedAt = clock.GetUtcNow();
            _finishedAt = null;
            _ = RunAsync();
        }
        return GetProgress();
    }

    public Task<KeyRotationView> GetProgress() => Task.FromResult(new KeyRotationView(
        _id, _status, _seen.Value, _result?.Version, _result?.Rewrapped ?? 0, _result?.WrappedFromClear ?? 0, _result?.Retired ?? [], _startedAt, _finishedAt, _error));

    private async Task RunAsync()
    {
        await Task.Yield();
        try
        {
            DelayDeactivation(TimeSpan.FromHours(2));
            var progress = new Sink(this);
            _result = await Task.Run(() => rotation.RotateAsync(progress));
            _status = RebuildJobStatus.Completed;
        }
        catch (Exception ex)
        {
            _status = RebuildJobStatus.Failed;
            _error = ex.GetType().Name;
            logger.LogError(ex, "Key rotation {Rotation} failed", _id);
        }
        finally
        {
            _finishedAt = clock.GetUtcNow();
            DelayDeactivation(TimeSpan.FromHours(1));
        }
    }

    private sealed class Sink(KeyRotationGrain grain) : IProgress<long>
    {
        public void Report(long value) => grain._seen = new Box(value);
    }
}

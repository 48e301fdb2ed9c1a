using Myna.Domain.EventSourcing;

namespace Myna.Grains.EventSourcing;

/// <summary>A command id seen on this stream, with a fingerprint of the command it carried.</summary>
[GenerateSerializer, Immutable, Alias("myna.command-receipt")]
public sealed record CommandReceipt([property: Id(0)] Guid CommandId, [property: Id(1)] string Fingerprint);

/// <summary>A domain event as the journaled grain raises it, with the metadata of the command that caused it.</summary>
[GenerateSerializer, Immutable, Alias("myna.recorded`1")]
public sealed record Recorded<TEvent>(
    [property: Id(0)] TEvent Event,
    [property: Id(1)] Guid CommandId,
    [property: Id(2)] Guid CorrelationId,
    [property: Id(3)] string Channel,
    [property: Id(4)] string Fingerprint)
    where TEvent : class;

/// <summary>
/// The journaled grain's state: the immutable domain state plus the most recent command receipts, which
/// make retries idempotent. Both are rebuilt from the stream alone (receipts from the stored command ids).
/// Orleans' log-view adaptor mutates this object in place, so snapshots take a <see cref="Copy"/>.
/// </summary>
[GenerateSerializer, Alias("myna.stream-state`2")]
public sealed class StreamState<TState, TEvent>
    where TState : class, IAggregateState<TState, TEvent>
    where TEvent : class
{
    /// <summary>Commands remembered per stream for de-duplication; older retries than this are re-decided.</summary>
    public const int ReceiptWindow = 256;

    [Id(0)] public TState Value { get; set; } = TState.Initial;
    [Id(1)] public List<CommandReceipt> Receipts { get; set; } = [];

    public void Record(TEvent @event, Guid commandId, string fingerprint)
    {
        Value = Value.Apply(@event);
        if (Receipts.Count > 0 && Receipts[^1].CommandId == commandId)
        {
            return; // several events of one command: one receipt
        }
        Receipts.Add(new CommandReceipt(commandId, fingerprint));
        if (Receipts.Count > ReceiptWindow)
        {
            Receipts.RemoveRange(0, Receipts.Count - ReceiptWindow);
        }
    }

    public CommandReceipt? FindReceipt(Guid commandId)
    {
        for (var i = Receipts.Count - 1; i >= 0; i--)
        {
            if (Receipts[i].CommandId == commandId)
            {
                return Receipts[i];
            }
        }
        return null;
    }

    public StreamState<TState, TEvent> Copy() => new() { Value = Value, Receipts = [.. Receipts] };
}

/// <summary>What is kept in Azure Storage so that a long stream activates from here plus its tail.</summary>
[GenerateSerializer, Alias("myna.snapshot`2")]
public sealed class Snapshot<TState, TEvent>
    where TState : class, IAggregateState<TState, TEvent>
    where TEvent : class
{
    /// <summary>Bump when the state's shape changes incompatibly: older snapshots are then ignored and replayed.</summary>
    [Id(0)] public int SchemaVersion { get; set; }
    [Id(1)] public long Version { get; set; }
    [Id(2)] public StreamState<TState, TEvent> State { get; set; } = new();
}

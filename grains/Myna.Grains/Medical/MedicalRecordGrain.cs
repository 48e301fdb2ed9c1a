using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;
using Myna.Domain.Medical;
using Myna.GrainInterfaces.Medical;

namespace Myna.Grains.Medical;

/// <summary>
/// A person's medical information (medicines, health checks, monthly expenses) on its own stream, so that
/// claims feeds never contend with the person's own commands.
/// </summary>
public sealed class MedicalRecordGrain(
    IEventStreamStore store,
    TimeProvider clock,
    ILogger<MedicalRecordGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<MedicalState, IMedicalEvent>(store, clock, logger, snapshots), IMedicalRecordGrain
{
    private PersonId Id => new(this.GetPrimaryKey());

    protected override StreamRef Stream => StreamRef.MedicalOf(Id);

    public Task<Result<int>> Receive(CommandContext context, ReceiveMedicalRecords command)
    {
        var before = Current.Records.Count;
        return Execute(context, command,
            state => MedicalRules.Receive(state, Id, command, Now, context.Actor),
            state => Result<int>.Ok(Math.Max(0, state.Records.Count - before)));
    }

    public Task<IReadOnlyList<MedicalRecordView>> GetRecords() =>
        Task.FromResult<IReadOnlyList<MedicalRecordView>>(Current.Records.OrderByDescending(r => r.Record.On).ToList());

    public async Task ForgetPersonalData()
    {
        await ForgetSnapshotAsync();
        DeactivateOnIdle();
    }
}

using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;
using Myna.Domain.Disasters;
using Myna.EventStore.Clinics;
using Myna.EventStore.Disasters;
using Myna.GrainInterfaces.Disasters;

namespace Myna.Grains.Disasters;

/// <summary>A declared disaster; the directory clinics' lookups read follows each confirmed change.</summary>
public sealed class DisasterGrain(
    IEventStreamStore store,
    IDisasterDirectory directory,
    TimeProvider clock,
    ILogger<DisasterGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<DisasterState, IDisasterEvent>(store, clock, logger, snapshots), IDisasterGrain
{
    private Guid Id => this.GetPrimaryKey();

    protected override StreamRef Stream => StreamRef.ForDisaster(Id);

    public Task<Result<DisasterView>> Declare(CommandContext context, DeclareDisaster command) =>
        Change(context, command, state => DisasterRules.Declare(state, Id, command, Now, context.Actor));

    public Task<Result<DisasterView>> End(CommandContext context, EndDisaster command) =>
        Change(context, command, state => DisasterRules.End(state, command, Now, context.Actor));

    public Task<Result<DisasterView>> Get() => Task.FromResult(View(Current));

    private async Task<Result<DisasterView>> Change<TCommand>(CommandContext context, TCommand command, Func<DisasterState, Decision<IDisasterEvent>> decide)
        where TCommand : notnull
    {
        var result = await Execute(context, command, _ => Access.Operator(context), decide, View);
        if (result.IsSuccess)
        {
            // After confirmation only, and idempotent: the directory is rewritten from the confirmed state.
            await directory.UpsertAsync(result.Value!);
        }
        return result;
    }

    private Result<DisasterView> View(DisasterState state) =>
        state.IsDeclared ? Result<DisasterView>.Ok(DisasterRules.ToView(state, Version, Now)) : DisasterRules.NotFound;
}

using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;
using Myna.Domain.Kiosks;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Grains.Kiosks;

/// <summary>A convenience-store kiosk: registered by an operator, withdrawn when the store stops the service.</summary>
public sealed class KioskGrain(
    IEventStreamStore store,
    TimeProvider clock,
    ILogger<KioskGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<KioskState, IKioskEvent>(store, clock, logger, snapshots), IKioskGrain
{
    private string Id => this.GetPrimaryKeyString();

    protected override StreamRef Stream => StreamRef.ForKiosk(Id);

    public Task<Result<KioskView>> Register(CommandContext context, RegisterKiosk command) =>
        Change(context, command, state => KioskRules.Register(state, Id, command, Now, context.Actor));

    public Task<Result<KioskView>> Withdraw(CommandContext context, WithdrawKiosk command) =>
        Change(context, command, state => KioskRules.Withdraw(state, command, Now, context.Actor));

    public Task<Result<KioskView>> Get() => Task.FromResult(View(Current));

    private Task<Result<KioskView>> Change<TCommand>(CommandContext context, TCommand command, Func<KioskState, Decision<IKioskEvent>> decide)
        where TCommand : notnull =>
        Execute(context, command, _ => Access.Operator(context), decide, View);

    private Result<KioskView> View(KioskState state) =>
        state.IsRegistered ? Result<KioskView>.Ok(KioskRules.ToView(state, Version)) : KioskRules.NotFound;
}

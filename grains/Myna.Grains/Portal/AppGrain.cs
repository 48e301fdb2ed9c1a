using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Portal;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Portal;

/// <summary>A registered third-party app: its name and the items it may ever ask residents for.</summary>
public sealed class AppGrain(
    IEventStreamStore store,
    TimeProvider clock,
    ILogger<AppGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<AppState, IAppEvent>(store, clock, logger, snapshots), IAppGrain
{
    private string AppId => this.GetPrimaryKeyString();

    protected override StreamRef Stream => StreamRef.ForApp(AppId);

    public Task<Result<AppView>> Register(CommandContext context, RegisterApp command) =>
        Execute(context, command,
            _ => Access.Operator(context),
            state => AppDecider.Register(state, AppId, command, Now, context.Actor),
            state => AppDecider.ToView(state, Version));

    public Task<Result<AppView>> Get() => Task.FromResult(AppDecider.ToView(Current, Version));
}

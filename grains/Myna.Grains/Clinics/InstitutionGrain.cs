using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Clinics;

/// <summary>A medical institution or pharmacy and its reception terminals; the public list is a projection of its events (InstitutionListingProjection).</summary>
public sealed class InstitutionGrain(
    IEventStreamStore store,
    TimeProvider clock,
    ILogger<InstitutionGrain> logger,
    IOptions<SnapshotOptions> snapshots,
    TerminalRegistry terminals)
    : EventSourcedGrain<InstitutionState, IInstitutionEvent>(store, clock, logger, snapshots), IInstitutionGrain
{
    private string Code => this.GetPrimaryKeyString();

    protected override StreamRef Stream => StreamRef.ForInstitution(Code);

    public Task<Result<InstitutionView>> Register(CommandContext context, RegisterInstitution command) =>
        Change(context, command, state => InstitutionDecider.Register(state, Code, command, Now, context.Actor));

    public Task<Result<InstitutionView>> SetCardAcceptance(CommandContext context, SetCardAcceptance command) =>
        Change(context, command, state => InstitutionDecider.SetCardAcceptance(state, command, Now, context.Actor));

    public Task<Result<InstitutionView>> RegisterTerminal(CommandContext context, RegisterTerminal command) =>
        Change(context, command, state => InstitutionDecider.RegisterTerminal(state, command, Now, context.Actor));

    public Task<Result<InstitutionView>> RetireTerminal(CommandContext context, RetireTerminal command) =>
        Change(context, command, state => InstitutionDecider.RetireTerminal(state, command, Now, context.Actor));

    public Task<Result<InstitutionView>> Get() => Task.FromResult(View(Current));

    private async Task<Result<InstitutionView>> Change<TCommand>(CommandContext context, TCommand command, Func<InstitutionState, Decision<IInstitutionEvent>> decide)
        where TCommand : notnull
    {
        // Institutions and their terminals are registered by operators only (invariant 16, decided here too).
        var result = await Execute(context, command, _ => Access.Operator(context), decide, View);
        // This silo's warm copy of the terminal registry asks again (the other silos' copies expire on their own).
        terminals.Forget(Code);
        return result;
    }

    private Result<InstitutionView> View(InstitutionState state) =>
        state.IsRegistered ? Result<InstitutionView>.Ok(InstitutionDecider.ToView(state, Version)) : InstitutionDecider.NotFound;
}

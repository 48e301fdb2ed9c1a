using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Numbers;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Persons;

public sealed class PersonGrain(
    IEventStreamStore store,
    INumberRegistry numbers,
    TimeProvider clock,
    ILogger<PersonGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<PersonState, IPersonEvent>(store, clock, logger, snapshots), IPersonGrain
{
    private PersonId Id => new(this.GetPrimaryKey());

    protected override StreamRef Stream => StreamRef.For(Id);

    public Task<Result<PersonProfile>> Register(CommandContext context, RegisterPerson command) =>
        Execute(context, command,
            state => Task.FromResult(PersonDecider.Register(state, Id, command, Now, context.Actor)),
            Profile);

    public Task<Result<PersonProfile>> AssignIndividualNumber(CommandContext context, AssignIndividualNumber command) =>
        Execute(context, command,
            async state =>
            {
                // Check first so that no number is reserved for a person who may not have one.
                if (PersonDecider.CanAssignNumber(state, command.Municipality) is { } refused)
                {
                    return refused;
                }
                var number = await numbers.ReserveAsync(Id);
                return PersonDecider.AssignNumber(state, number, command.Municipality, Now, context.Actor);
            },
            Profile);

    public Task<Result<PersonProfile>> RecordMove(CommandContext context, RecordMove command) =>
        Execute(context, command,
            state => Task.FromResult(PersonDecider.Move(state, command, Now, context.Actor)),
            Profile);

    public Task<Result<PersonProfile>> GetProfile() => Task.FromResult(Profile(Current));

    private Result<PersonProfile> Profile(PersonState state) =>
        state.IsRegistered ? Result<PersonProfile>.Ok(PersonDecider.ToProfile(state, Version)) : PersonErrors.NotRegistered;
}

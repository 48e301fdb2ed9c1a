using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Agencies;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.EventSourcing;
using Orleans.Concurrency;
using Myna.Domain.Procedures;
using Myna.EventStore.Clinics;
using Myna.EventStore.Procedures;
using Myna.GrainInterfaces.Procedures;

namespace Myna.Grains.Procedures;

/// <summary>
/// One online procedure submission. The items the procedure needs are pulled from the person's records
/// through information sharing (each provision on the person's ledger, under the agency's own code)
/// instead of being uploaded; the agency then accepts, returns with a reason, or decides.
/// </summary>
public sealed class ProcedureGrain(
    IEventStreamStore store,
    IAgencyCodeDirectory codes,
    IProcedureDirectory directory,
    TimeProvider clock,
    ILogger<ProcedureGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<ProcedureState, IProcedureEvent>(store, clock, logger, snapshots), IProcedureGrain
{
    private Guid Id => this.GetPrimaryKey();

    protected override StreamRef Stream => StreamRef.ForProcedure(Id);

    public async Task<Result<ProcedureView>> Submit(CommandContext context, SubmitProcedure command)
    {
        // The resident submits for themselves (or a proxy for them), before anything is pulled or recorded.
        if (Access.HolderOrProxy(context, command.Person) is { } refused)
        {
            return refused;
        }
        if (!ProcedureRules.Catalogue.TryGetValue(command.Kind, out var definition))
        {
            return DomainError.Validation("procedure.unknown-kind", "This procedure is not in the catalogue.");
        }
        if (Current.IsSubmitted)
        {
            return await Change(context, command, state => ProcedureRules.Submit(state, Id, command, state.Code, state.Attachments, Now, context.Actor));
        }
        var pulled = await PullAsync(context, command.Person, definition);
        if (!pulled.IsSuccess)
        {
            return pulled.Error!;
        }
        var (code, attachments) = pulled.Value;
        return await Change(context, command, state => ProcedureRules.Submit(state, Id, command, code, attachments, Now, context.Actor));
    }

    public async Task<Result<ProcedureView>> Resubmit(CommandContext context, ResubmitProcedure command)
    {
        if (Access.HolderOrProxy(context, command.Person) is { } refused)
        {
            return refused;
        }
        if (!Current.IsSubmitted || Current.Person != command.Person)
        {
            return ProcedureRules.NotFound;
        }
        var pulled = await PullAsync(context, command.Person, ProcedureRules.Catalogue[Current.Kind]);
        if (!pulled.IsSuccess)
        {
            return pulled.Error!;
        }
        return await Change(context, command, state => ProcedureRules.Resubmit(state, command, pulled.Value.Attachments, Now, context.Actor));
    }

    public Task<Result<ProcedureView>> Accept(CommandContext context, AcceptProcedure command) =>
        Change(context, command, state => ProcedureRules.Accept(state, command, Now, context.Actor), ReceivingAgency(context));

    public Task<Result<ProcedureView>> Return(CommandContext context, ReturnProcedure command) =>
        Change(context, command, state => ProcedureRules.Return(state, command, Now, context.Actor), ReceivingAgency(context));

    public Task<Result<ProcedureView>> Decide(CommandContext context, DecideProcedure command) =>
        Change(context, command, state => ProcedureRules.Decide(state, command, Now, context.Actor), ReceivingAgency(context));

    /// <summary>Staff of the agency the submission went to (its scope claim, not a field of the command); another agency sees no submission.</summary>
    private static Func<ProcedureState, DomainError?> ReceivingAgency(CommandContext context) =>
        state => Access.Roles(context, ActorRoles.Agency)
            ?? (!state.IsSubmitted || Access.OwnAgency(context, state.Agency) is not null ? ProcedureRules.NotFound : null);

    public Task<Result<ProcedureView>> GetForAgency(string agency) => Task.FromResult(
        Current.IsSubmitted && Current.Agency == agency
            ? Result<ProcedureView>.Ok(ProcedureRules.ToView(Current, Version))
            : Result<ProcedureView>.Fail(ProcedureRules.NotFound));

    public Task<PersonId?> GetSubmitter() => Task.FromResult(Current.IsSubmitted ? Current.Person : (PersonId?)null);

    public Task<Result<ProcedureView>> GetForPerson(PersonId person) => Task.FromResult(
        Current.IsSubmitted && Current.Person == person
            ? Result<ProcedureView>.Ok(ProcedureRules.ToView(Current, Version))
            : Result<ProcedureView>.Fail(ProcedureRules.NotFound));

    /// <summary>
    /// The agency's code for the person, then each item through the person's own grain, which records the
    /// provision on the ledger. Follow-up command ids make a retried submission pull (and record) once.
    /// </summary>
    private async Task<Result<(AgencyCode Code, IReadOnlyList<ProvidedData> Attachments)>> PullAsync(
        CommandContext context, PersonId personId, ProcedureDefinition definition)
    {
        var person = GrainFactory.GetPerson(personId);
        var code = await codes.IssueAsync(definition.Agency, personId);
        var issued = await person.RecordAgencyCodeIssued(context.FollowUp("agency-code"), definition.Agency, code);
        if (!issued.IsSuccess)
        {
            return issued.Error!;
        }
        var attachments = new List<ProvidedData>();
        foreach (var item in definition.Items)
        {
            var provided = await person.ProvideData(context.FollowUp("attach-" + item), code,
                new ProvideData(definition.Agency, item, definition.Title));
            if (!provided.IsSuccess)
            {
                return provided.Error!;
            }
            attachments.Add(provided.Value!);
        }
        return Result<(AgencyCode, IReadOnlyList<ProvidedData>)>.Ok((code, attachments));
    }

    private async Task<Result<ProcedureView>> Change<TCommand>(CommandContext context, TCommand command, Func<ProcedureState, Decision<IProcedureEvent>> decide,
        Func<ProcedureState, DomainError?>? authorize = null)
        where TCommand : notnull
    {
        var result = await Execute(context, command, authorize ?? (_ => null), decide,
            state => state.IsSubmitted ? Result<ProcedureView>.Ok(ProcedureRules.ToView(state, Version)) : ProcedureRules.NotFound);
        if (result.IsSuccess)
        {
            // After confirmation only, and idempotent: the inbox and the person's list follow the confirmed state.
            await directory.UpsertAsync(Current.Person, result.Value!);
        }
        return result;
    }
}

[StatelessWorker]
public sealed class ProcedureDirectoryGrain(IProcedureDirectory directory) : Grain, IProcedureDirectoryGrain
{
    public async Task<IReadOnlyList<ProcedureListingView>> ForAgency(string agency, ProcedureStatus? status, int limit) =>
        (await directory.ForAgencyAsync(agency, status, Math.Clamp(limit, 1, 200))).Select(ToView).ToList();

    public async Task<IReadOnlyList<ProcedureListingView>> ForPerson(PersonId person, int limit) =>
        (await directory.ForPersonAsync(person, Math.Clamp(limit, 1, 200))).Select(ToView).ToList();

    public Task<IReadOnlyList<ProcedureDefinition>> Catalogue() =>
        Task.FromResult<IReadOnlyList<ProcedureDefinition>>(ProcedureRules.Catalogue.Values.ToList());

    private static ProcedureListingView ToView(ProcedureListing row) =>
        new(row.Id, row.Kind, new AgencyCode(row.AgencyCode), row.Status, row.SubmittedAt);
}

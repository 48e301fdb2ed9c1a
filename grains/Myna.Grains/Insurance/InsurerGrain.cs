using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.EventSourcing;
using Myna.Domain.Insurance;
using Myna.Domain.Persons;
using Myna.EventStore.Insurance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Insurance;

/// <summary>
/// One insurer. Its stream holds its registration and status only; each enrolment is decided and recorded
/// on the member's person stream, so the largest insurer's activation is as cheap as the smallest one's.
/// Member commands are read-only here and interleave: one insurer's enrolments run in parallel.
/// </summary>
public sealed class InsurerGrain(
    IEventStreamStore store,
    INumberRegistry numbers,
    IPersonMatchIndex matches,
    IQualificationDirectory qualifications,
    TimeProvider clock,
    ILogger<InsurerGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<InsurerState, IInsurerEvent>(store, clock, logger, snapshots), IInsurerGrain
{
    private static readonly DomainError UnknownNumber =
        DomainError.NotFound("individual-number.not-found", "No person holds this Individual Number.");
    private static readonly DomainError ReplacedNumber =
        DomainError.Rule("individual-number.replaced", "This number was replaced after a leak; ask the member for the current one.");

    private InsurerNumber Number => new(this.GetPrimaryKeyString());

    protected override StreamRef Stream => StreamRef.ForInsurer(Number.Value);

    public Task<Result<InsurerView>> Register(CommandContext context, RegisterInsurer command) =>
        Change(context, command, state => InsurerDecider.Register(state, Number, command, Now, context.Actor));

    public Task<Result<InsurerView>> Suspend(CommandContext context, SuspendInsurer command) =>
        Change(context, command, state => InsurerDecider.Suspend(state, command, Now, context.Actor));

    public Task<Result<InsurerView>> Resume(CommandContext context, ResumeInsurer command) =>
        Change(context, command, state => InsurerDecider.Resume(state, command, Now, context.Actor));

    public Task<Result<InsurerView>> Merge(CommandContext context, MergeInsurer command) =>
        Change(context, command, state => InsurerDecider.Merge(state, command, Now, context.Actor));

    public Task<Result<InsurerView>> Get() => Task.FromResult(View(Current));

    public async Task<Result<EnrolmentReceipt>> Enrol(CommandContext context, EnrolMember command)
    {
        if ((Access.OwnInsurer(context, Number.Value) ?? InsurerDecider.CanOperate(Current)) is { } refused)
        {
            return refused;
        }
        if ((command.Number is null) == (command.Items is null))
        {
            return DomainError.Validation("insurance.invalid-link",
                "Give either the member's Individual Number or all four basic items, not both and not neither.");
        }
        if ((InsuranceRules.ValidateInsured(command.Insured) ?? InsuranceRules.ValidatePeriod(command.ValidFrom, command.ValidUntil)) is { } invalid)
        {
            return invalid;
        }

        var found = command.Number is { } number ? await ByNumberAsync(number) : await ByBasicFourAsync(command.Items!);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }
        var person = found.Value!;
        // Stable across retries of this command: the same qualification id. Its directory row is a projection
        // of the person's event, written in the same transaction.
        var qualificationId = CommandContext.DerivedId(context.CommandId, "qualification");
        var basis = command.Number is null ? LinkBasis.BasicFourItems : LinkBasis.IndividualNumber;
        var result = await GrainFactory.GetPerson(person).AcquireQualification(context.FollowUp("enrol"), new AcquireQualification(
            qualificationId, Number, command.Insured, command.ValidFrom, command.ValidUntil, command.Ceiling, basis, command.Items));
        return result.IsSuccess
            ? Result<EnrolmentReceipt>.Ok(new EnrolmentReceipt(qualificationId, basis, result.Value!.ValidFrom, result.Value.ValidUntil), result.Replayed)
            : result.Error!;
    }

    public async Task<Result<InsuranceQualificationView>> Disenrol(CommandContext context, DisenrolMember command)
    {
        if ((Access.OwnInsurer(context, Number.Value) ?? InsurerDecider.CanOperate(Current)) is { } refused)
        {
            return refused;
        }
        return await qualifications.FindAsync(command.QualificationId, Number.Value) is { } person
            ? await GrainFactory.GetPerson(person).EndQualification(context.FollowUp("disenrol"),
                new EndQualification(command.QualificationId, Number, command.LastDay, command.Reason))
            : InsuranceRules.QualificationNotFound;
    }

    public async Task<Result<QualificationVoidedReceipt>> VoidQualification(CommandContext context, VoidMemberQualification command) =>
        Access.OwnInsurer(context, Number.Value) is { } refused ? refused
        : await qualifications.FindAsync(command.QualificationId, Number.Value) is { } person
            ? await GrainFactory.GetPerson(person).VoidQualification(context.FollowUp("void"),
                new VoidQualification(command.QualificationId, Number, command.Reason))
            : InsuranceRules.QualificationNotFound;

    public async Task<Result<InsuranceQualificationView>> ChangeCeiling(CommandContext context, ChangeCeilingCategory command)
    {
        if ((Access.OwnInsurer(context, Number.Value) ?? InsurerDecider.CanOperate(Current)) is { } refused)
        {
            return refused;
        }
        return await qualifications.FindAsync(command.QualificationId, Number.Value) is { } person
            ? await GrainFactory.GetPerson(person).ChangeQualificationCeiling(context.FollowUp("ceiling"),
                new ChangeQualificationCeiling(command.QualificationId, Number, command.Category))
            : InsuranceRules.QualificationNotFound;
    }

    public async Task<Result<ConfirmationDocumentView>> IssueConfirmationDocument(CommandContext context, IssueConfirmationDocument command)
    {
        if (InsurerDecider.CanOperate(Current) is { } refused)
        {
            return refused;
        }
        if (await qualifications.FindAsync(command.QualificationId, Number.Value) is not { } person)
        {
            return InsuranceRules.QualificationNotFound;
        }
        // This insurer's staff, or the member asking for their own document (the portal, possibly as a proxy).
        if (Access.AnyOf(Access.OwnInsurer(context, Number.Value), Access.HolderOrProxy(context, person)) is { } notAllowed)
        {
            return notAllowed;
        }
        var member = GrainFactory.GetPerson(person);
        var insurance = await member.GetInsurance();
        if (!insurance.IsSuccess)
        {
            return insurance.Error!;
        }
        var registered = insurance.Value!.ActiveCard is { } card
            && await GrainFactory.GetCard(card).GetCard() is { IsSuccess: true } view
            && view.Value!.RegisteredForInsuranceVia is not null;
        var documentNumber = ConfirmationDocuments.NumberFrom(CommandContext.DerivedId(context.CommandId, "confirmation-document"));
        return await member.RecordConfirmationDocument(context.FollowUp("confirmation-document"),
            new RecordConfirmationDocument(documentNumber, command.QualificationId, Number, command.Reason, registered));
    }

    private async Task<Result<PersonId>> ByNumberAsync(IndividualNumber number)
    {
        if (await numbers.FindAsync(number) is not { } person)
        {
            return UnknownNumber;
        }
        return await GrainFactory.GetPerson(person).GetNumberStatus(number) switch
        {
            NumberStatus.Current => Result<PersonId>.Ok(person),
            NumberStatus.Replaced => ReplacedNumber,
            _ => UnknownNumber,
        };
    }

    /// <summary>
    /// Invariant 8 without a number: exactly one resident must match all four items. Candidates share at
    /// least two items; a candidate with a full match links. Anything else (nobody, a partial match, several
    /// alike) is the one answer "no match", naming nothing (no existence oracle). The person grain checks the
    /// full match again against its current record.
    /// </summary>
    private async Task<Result<PersonId>> ByBasicFourAsync(BasicFourItems claimed)
    {
        var candidates = await matches.FindCandidatesAsync(claimed);
        var compared = new List<(PersonId Person, IReadOnlyList<BasicFourItem> Mismatched)>();
        foreach (var candidate in candidates)
        {
            var summary = await GrainFactory.GetPerson(candidate).GetBasicFour();
            if (summary is not null)
            {
                compared.Add((candidate, BasicFourMatching.Mismatches(summary, claimed)));
            }
        }
        var full = compared.Where(c => c.Mismatched.Count == 0).ToList();
        return full.Count == 1 ? Result<PersonId>.Ok(full[0].Person) : InsuranceRules.NoMatch;
    }

    private Task<Result<InsurerView>> Change<TCommand>(CommandContext context, TCommand command, Func<InsurerState, Decision<IInsurerEvent>> decide)
        where TCommand : notnull =>
        Execute(context, command, _ => Access.Operator(context), decide, View);

    private Result<InsurerView> View(InsurerState state) =>
        state.Status == InsurerStatus.None ? InsurerErrors.NotFound : Result<InsurerView>.Ok(InsurerDecider.ToView(state, Version));
}

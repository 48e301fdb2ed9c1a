using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Insurance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Privacy;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.Cards;
using Myna.Grains.EventSourcing;
using Myna.Domain.Calendar;
using Myna.Domain.Income;
using Myna.Domain.Kiosks;
using Myna.EventStore.Clinics;
using Myna.EventStore.Kiosks;
using Myna.GrainInterfaces.Kiosks;
using Myna.GrainInterfaces.Medical;

namespace Myna.Grains.Persons;

public sealed class PersonGrain(
    IEventStreamStore store,
    INumberRegistry numbers,
    IPersonMatchIndex matches,
    IIssuedDocumentRegistry issuedDocuments,
    Myna.EventStore.Agencies.IAgencyCodeDirectory agencyCodes,
    PersonalDataKeyRing keys,
    TimeProvider clock,
    ILogger<PersonGrain> logger,
    IOptions<SnapshotOptions> snapshots,
    IOptions<ChallengeOptions> sealing,
    IOptions<RecordRetention> retention)
    : EventSourcedGrain<PersonState, IPersonEvent>(store, clock, logger, snapshots), IPersonGrain, IRemindable
{
    private const string CardReactionsReminder = "card-reactions";
    private static readonly Actor System = new("system", "person-reactions");

    private PersonId Id => new(this.GetPrimaryKey());

    protected override StreamRef Stream => StreamRef.For(Id);

    public async Task<Result<PersonProfile>> Register(CommandContext context, RegisterPerson command) =>
        // A clerk registers into their own municipality only: a token without that scope registers nobody (invariant 16).
        await IndexMatchAsync(await Change(context, command, state => PersonDecider.Register(state, Id, command, Now, context.Actor),
            _ => Access.ManagingMunicipality(context, command.Municipality)));

    public Task<Result<PersonProfile>> AssignIndividualNumber(CommandContext context, AssignIndividualNumber command) =>
        Execute(context, command,
            async state =>
            {
                // Check first so that no number is reserved for a person who may not have one.
                if (PersonDecider.CanAssignNumber(state, command.Municipality) is { } refused)
                {
                    return refused;
                }
                var reserved = await numbers.ReserveAsync(Id, generation: 0);
                return PersonDecider.AssignNumber(state, reserved, command.Municipality, Now, context.Actor);
            },
            Profile,
            Clerk(context, command.Municipality));

    public async Task<Result<PersonProfile>> RegisterWithNumber(CommandContext context, RegisterPersonWithNumber command) =>
        await IndexMatchAsync(await Execute(context, command,
            async state =>
            {
                // Check first so that no number is reserved for a line that is refused anyway.
                if (state.IsRegistered)
                {
                    return PersonErrors.AlreadyRegistered;
                }
                var reserved = await numbers.ReserveAsync(Id, generation: 0);
                return PersonDecider.RegisterWithNumber(state, Id, command, reserved, Now, context.Actor);
            },
            Profile,
            _ => Access.ManagingMunicipality(context, command.Municipality)));

    public Task<Result<PersonProfile>> ReplaceIndividualNumber(CommandContext context, ReplaceIndividualNumber command) =>
        Change(context, command, state => PersonDecider.RequestNumberReplacement(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public Task<Result<PersonProfile>> ApproveNumberReplacement(CommandContext context, ApproveNumberReplacement command) =>
        Execute(context, command,
            async state =>
            {
                // Check the approver first so that no number is reserved for a refused approval.
                if (PersonDecider.CanApproveNumberReplacement(state, command, context.Actor) is { } refused)
                {
                    return refused;
                }
                var reserved = await numbers.ReserveAsync(Id, generation: state.FormerNumbers.Count + 1);
                return PersonDecider.ApproveNumberReplacement(state, command, reserved, Now, context.Actor);
            },
            Profile,
            Clerk(context, command.Municipality));

    public async Task<Result<PersonProfile>> RecordMove(CommandContext context, RecordMove command) =>
        await IndexMatchAsync(await ChangeAndReact(context, command, state => PersonDecider.Move(state, command, Now, context.Actor),
            Clerk(context, command.Municipality)));

    public Task<Result<MoveOutView>> RecordMoveOut(CommandContext context, RecordMoveOut command)
    {
        // The reference is derived from the command id under the server's key: a retry gets the same one back,
        // and nothing stored (only the secret's hash is) lets anyone rebuild it.
        var transferId = CommandContext.DerivedId(context.CommandId, "transfer");
        var secret = TransferSecret(transferId);
        return Execute(context, command,
            state => Transfers.AuthorizeMoveOut(state, context),
            state => Transfers.MoveOut(state, command, transferId, Transfers.HashSecret(secret), Now, context.Actor),
            state => state.PendingMoveOut is { } pending && pending.TransferId == transferId
                ? Result<MoveOutView>.Ok(new MoveOutView(Id, TransferReference.Format(Id, secret), pending.Destination,
                    pending.ExpiresOn.AddDays(-Transfers.DaysValidAfterPlannedMove), pending.ExpiresOn))
                : Transfers.NotFound);
    }

    public Task<Result<PersonProfile>> CancelMoveOut(CommandContext context, CancelMoveOut command) =>
        Execute(context, command, Clerk(context, command.Municipality), state => Transfers.CancelMoveOut(state, Now, context.Actor), Profile);

    public async Task<Result<PersonProfile>> RecordMoveIn(CommandContext context, RecordMoveIn command)
    {
        var today = JapanCalendar.DateOf(Now);
        return await IndexMatchAsync(await ChangeAndReact(context, command, state => Transfers.MoveIn(state, command, today, Now, context.Actor),
            state => Transfers.AuthorizeMoveIn(state, context, command, today)));
    }

    public async Task<Result<PersonProfile>> Rename(CommandContext context, RenamePerson command) =>
        await IndexMatchAsync(await ChangeAndReact(context, command, state => PersonDecider.Rename(state, command, Now, context.Actor),
            Clerk(context, command.Municipality)));

    public Task<Result<InsuranceQualificationView>> AcquireQualification(CommandContext context, AcquireQualification command) =>
        Execute(context, command, _ => Access.OwnInsurer(context, command.Insurer.Value), state => InsuranceRules.Acquire(state, command, Now, context.Actor),
            state => Qualification(state, command.QualificationId));

    public Task<Result<InsuranceQualificationView>> EndQualification(CommandContext context, EndQualification command) =>
        Execute(context, command, _ => Access.OwnInsurer(context, command.Insurer.Value), state => InsuranceRules.End(state, command, Now, context.Actor),
            state => Qualification(state, command.QualificationId));

    public Task<Result<QualificationVoidedReceipt>> VoidQualification(CommandContext context, VoidQualification command) =>
        Execute(context, command, _ => Access.OwnInsurer(context, command.Insurer.Value), state => InsuranceCorrections.Void(state, command, Now, context.Actor),
            _ => Result<QualificationVoidedReceipt>.Ok(new QualificationVoidedReceipt(command.QualificationId, command.Insurer)));

    public Task<Result<InsuranceQualificationView>> ChangeQualificationCeiling(CommandContext context, ChangeQualificationCeiling command) =>
        Execute(context, command, _ => Access.OwnInsurer(context, command.Insurer.Value), state => InsuranceRules.ChangeCeiling(state, command, Now, context.Actor),
            state => Qualification(state, command.QualificationId));

    public Task<Result<ConfirmationDocumentView>> RecordConfirmationDocument(CommandContext context, RecordConfirmationDocument command) =>
        Execute(context, command,
            _ => Access.AnyOf(Access.OwnInsurer(context, command.Insurer.Value), Access.HolderOrProxy(context, Id)),
            state => InsuranceRules.IssueDocument(state, command, JapanCalendar.DateOf(Now), Now, context.Actor),
            state => state.ConfirmationDocuments.Find(d => d.DocumentNumber == command.DocumentNumber) is { } document
                ? Result<ConfirmationDocumentView>.Ok(document)
                : InsuranceRules.QualificationNotFound);

    public Task<Result<InsuranceSummary>> GetInsurance() => Task.FromResult(
        Current.IsRegistered ? Result<InsuranceSummary>.Ok(InsuranceRules.Summary(Current)) : PersonErrors.NotRegistered);

    public Task<BasicFourItems?> GetBasicFour() => Task.FromResult(Current is { IsRegistered: true, IsClosed: false } ? Current.Items : null);

    public Task<Result<PersonProfile>> CloseRecord(CommandContext context, CloseResidentRecord command) =>
        ChangeAndReact(context, command, state => PersonDecider.Close(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // Reactions recorded before a crash are still pending in the state folded from the stream:
        // carry them out soon after activation, without holding the activation up.
        if (Current.PendingCardReactions.Count > 0)
        {
            this.RegisterGrainTimer(DispatchCardReactionsAsync, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan));
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == CardReactionsReminder ? DispatchCardReactionsAsync() : Task.CompletedTask;

    public Task<Result<PersonProfile>> RecordDisabilityCertificate(CommandContext context, RecordDisabilityCertificate command) =>
        Change(context, command, state => DisabilityRules.Record(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public Task<Result<PersonProfile>> UpdateDisabilityCertificate(CommandContext context, UpdateDisabilityCertificate command) =>
        Change(context, command, state => DisabilityRules.Update(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public Task<Result<PersonProfile>> ExpireDisabilityCertificate(CommandContext context, ExpireDisabilityCertificate command) =>
        Change(context, command, state => DisabilityRules.Expire(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public Task<Result<PersonProfile>> RecordIncomeSummary(CommandContext context, RecordIncomeSummary command) =>
        Change(context, command, state => IncomeRules.Record(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    /// <summary>The request of an erasure (invariant 22): recorded, nothing erased until a second clerk approves.</summary>
    public Task<Result<PersonProfile>> ErasePersonalData(CommandContext context, ErasePersonalData command) =>
        Change(context, command, state => ErasureRules.Request(state, command, Now, context.Actor, retention.Value), Clerk(context, command.Municipality));

    /// <summary>
    /// Crypto-shredding, once a second clerk approves: the approval and erasure events first (durable), then the key
    /// destroyed, the match index row, the agency codes and the snapshot deleted, the holder's name dropped from
    /// issued documents' verification records (all of these hold personal values outside the events), and the
    /// activation dropped. A retry repeats the side effects, which are idempotent.
    /// </summary>
    public async Task<Result<PersonProfile>> ApprovePersonalDataErasure(CommandContext context, ApprovePersonalDataErasure command)
    {
        var result = await Change(context, command, state => ErasureRules.Approve(state, command, Now, context.Actor, retention.Value), Clerk(context, command.Municipality));
        if (result.IsSuccess && Current.PersonalDataErasedAt is not null)
        {
            await keys.DestroyAsync(Id.Value);
            await matches.RemoveAsync(Id);
            await agencyCodes.RemovePersonAsync(Id);
            await issuedDocuments.ForgetHolderAsync(Id);
            await GrainFactory.GetGrain<Myna.GrainInterfaces.Medical.IMedicalRecordGrain>(Id.Value).ForgetPersonalData();
            await ForgetSnapshotAsync();
            DeactivateOnIdle();
        }
        return result;
    }

    public Task<Result<PersonProfile>> RecordAssessedIncome(CommandContext context, RecordAssessedIncome command) =>
        Change(context, command, state => IncomeRules.RecordAssessed(state, command, Now, context.Actor));

    public Task<Result<IdentityVerificationResult>> VerifyIdentity(CommandContext context, VerifyIdentity command)
    {
        // The outcome is a pure function of the state and the documents, so a retried check answers the same.
        return Execute(context, command,
            state => Task.FromResult(IdentityVerificationRules.Verify(state, command, Now, context.Actor)),
            state => Result<IdentityVerificationResult>.Ok(IdentityVerificationRules.Evaluate(state, command)));
    }

    public Task<Result<AgencyCode>> RecordAgencyCodeIssued(CommandContext context, string agency, AgencyCode code) =>
        Execute(context, new AgencyCodeIssue(agency, code.Value),
            state => AgencySharing.RecordCodeIssued(state, agency, code, Now, context.Actor),
            _ => Result<AgencyCode>.Ok(code));

    public Task<Result<ProvidedData>> ProvideData(CommandContext context, AgencyCode code, ProvideData request) =>
        Execute(context, request,
            state => AgencySharing.Provide(state, request, Now, context.Actor),
            state => AgencySharing.Allows(request.Agency, request.Item)
                ? Result<ProvidedData>.Ok(AgencySharing.Answer(state, code, request.Item, JapanCalendar.DateOf(Now)))
                : AgencySharing.NotAllowed);

    public Task<Result<Myna.GrainInterfaces.Cards.ActiveCardChange>> RegisterActiveCard(CommandContext context, CardId card) =>
        Execute(context, new ActiveCardRegistration(card.Value),
            state => PersonDecider.RegisterActiveCard(state, card, Now, context.Actor),
            state => Result<Myna.GrainInterfaces.Cards.ActiveCardChange>.Ok(
                new(card, state.ActiveCard == card ? state.PreviousActiveCard : null)));

    public async Task<Result<KioskDocument>> IssueKioskCertificate(CommandContext context, IssueKioskCertificate command)
    {
        var result = await Execute(context, command,
            state => KioskIssuanceRules.Issue(state, command, Now, context.Actor),
            state => KioskIssuanceRules.Reply(state, command, Now));
        if (result.Value is { } document)
        {
            // After confirmation only, and idempotent: the public verification record for the printed code.
            await issuedDocuments.RecordAsync(KioskIssuanceRules.HashCode(document.VerificationCode), Id,
                new DocumentVerification(document.DocumentId, document.Kind, document.Holder.Name, document.IssuedBy,
                    document.IssuedAt, document.Kiosk, document.ContentDigest));
        }
        return result;
    }

    public Task<Result<PersonProfile>> StartProtectionMeasure(CommandContext context, StartProtectionMeasure command) =>
        Change(context, command, state => KioskIssuanceRules.StartProtection(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public Task<Result<PersonProfile>> EndProtectionMeasure(CommandContext context, EndProtectionMeasure command) =>
        Change(context, command, state => KioskIssuanceRules.EndProtection(state, command, Now, context.Actor), Clerk(context, command.Municipality));

    public Task<Result<PersonProfile>> GetProfile() => Task.FromResult(Profile(Current));

    public Task<NumberStatus> GetNumberStatus(IndividualNumber number) => Task.FromResult(
        Current.Number == number ? NumberStatus.Current
        : Current.FormerNumbers.Contains(number) ? NumberStatus.Replaced
        : NumberStatus.NotTheirs);

    /// <summary>
    /// A change that the person's card must follow (invariant 6, closure). The reaction is pending in the
    /// state from the moment the event is confirmed (an outbox folded from the stream); a reminder in
    /// Azure Table storage wakes this grain to retry it until <see cref="CardReactionCompleted"/> is recorded,
    /// so a silo dying in between loses nothing, and follow-up command ids make every retry apply once.
    /// </summary>
    private async Task<Result<PersonProfile>> ChangeAndReact<TCommand>(
        CommandContext context, TCommand command, Func<PersonState, Decision<IPersonEvent>> decide, Func<PersonState, DomainError?> authorize)
        where TCommand : notnull
    {
        var result = await Change(context, command, decide, authorize);
        if (Current.PendingCardReactions.Count > 0)
        {
            await this.RegisterOrUpdateReminder(CardReactionsReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            await DispatchCardReactionsAsync();
        }
        return result;
    }

    private async Task DispatchCardReactionsAsync()
    {
        foreach (var reaction in Current.PendingCardReactions.ToList())
        {
            var context = new CommandContext(
                CommandContext.DerivedId(Id.Value, $"card-reaction-{reaction.Number}"), Guid.CreateVersion7(), System, "system");
            var card = GrainFactory.GetCard(reaction.Card);
            Result<CardView> outcome;
            try
            {
                outcome = reaction.Kind switch
                {
                    CardReactionKind.RevokeSignatureCertificate => await card.RevokeSignatureCertificate(context, new RevokeSignatureCertificate(reaction.Reason)),
                    CardReactionKind.NoteMove => await card.NoteHolderMoved(context, new NoteHolderMoved(reaction.MovedOn ?? JapanCalendar.DateOf(Now))),
                    _ => await card.Abolish(context, new AbolishCard(reaction.Closure switch
                    {
                        ClosureReason.Death => AbolitionReason.Death,
                        ClosureReason.EmigratedAbroad => AbolitionReason.LeftJapan,
                        _ => AbolitionReason.RemovedFromResidentRecord,
                    })),
                };
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                logger.LogWarning(ex, "Card reaction {Reaction} of {Stream} not delivered yet; the reminder retries it", reaction.Number, Stream.Key);
                return;
            }
            if (outcome.IsSuccess || outcome.Error!.Code == CardErrors.Abolished.Code || outcome.Error.Code == CardErrors.NotFound.Code)
            {
                await Execute(context.FollowUp("completed"), new CardReactionDone(reaction.Number),
                    state => PersonDecider.CompleteCardReaction(state, reaction.Number, Now, System),
                    _ => Result<long>.Ok(reaction.Number));
            }
        }
        if (Current.PendingCardReactions.Count == 0 && await this.GetReminder(CardReactionsReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>After confirmation only: the normalised basic four items that insurers' enrolments are matched against (idempotent).</summary>
    private async Task<Result<PersonProfile>> IndexMatchAsync(Result<PersonProfile> result)
    {
        if (result.IsSuccess && Current.Items is { } items)
        {
            await matches.RecordAsync(Id, items);
        }
        return result;
    }

    private static Result<InsuranceQualificationView> Qualification(PersonState state, Guid id) =>
        state.Qualifications.Find(q => q.Id == id) is { } q
            ? Result<InsuranceQualificationView>.Ok(InsuranceRules.ToView(q))
            : InsuranceRules.QualificationNotFound;

    private Task<Result<PersonProfile>> Change<TCommand>(
        CommandContext context, TCommand command, Func<PersonState, Decision<IPersonEvent>> decide, Func<PersonState, DomainError?>? authorize = null)
        where TCommand : notnull =>
        Execute(context, command, state => Task.FromResult(decide(state)), Profile, authorize);

    /// <summary>A clerk of the municipality that manages the record now: checked before anything else, retries included.</summary>
    private static Func<PersonState, DomainError?> Clerk(CommandContext context, MunicipalityCode municipality) =>
        state => PersonDecider.AuthorizeClerk(state, context, municipality);

    /// <summary>The secret part of a transfer reference: 256 bits under the server's sealing key, from the transfer id.</summary>
    private string TransferSecret(Guid transferId)
    {
        var mac = global::System.Security.Cryptography.HMACSHA256.HashData(global::System.Text.Encoding.UTF8.GetBytes(sealing.Value.Key),
            global::System.Text.Encoding.UTF8.GetBytes($"transfer-reference\n{transferId:D}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private Result<PersonProfile> Profile(PersonState state) =>
        state.IsRegistered ? Result<PersonProfile>.Ok(PersonDecider.ToProfile(state, Version)) : PersonErrors.NotRegistered;
}

/// <summary>The command behind <see cref="PersonGrain.RecordAgencyCodeIssued"/>, for its idempotency fingerprint.</summary>
internal sealed record AgencyCodeIssue(string Agency, string Code);

internal sealed record ActiveCardRegistration(Guid Card);

internal sealed record CardReactionDone(long Reaction);

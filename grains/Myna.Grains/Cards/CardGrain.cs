using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Devices;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;
using Myna.Domain.Calendar;

namespace Myna.Grains.Cards;

public sealed class CardGrain(
    IEventStreamStore store,
    IDeviceRegistry devices,
    ChallengeSealer challenges,
    TimeProvider clock,
    ILogger<CardGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<CardState, ICardEvent>(store, clock, logger, snapshots), ICardGrain, IRemindable
{
    private const string NoticesReminder = "card-notices";
    private static readonly TimeSpan NoticeCheckPeriod = TimeSpan.FromDays(30);
    private static readonly Actor NoticeActor = new("card-notices", "system");

    private CardId Id => new(this.GetPrimaryKey());

    private DateOnly Today => JapanCalendar.DateOf(Now);

    protected override StreamRef Stream => StreamRef.For(Id);

    public async Task<Result<CardView>> Apply(CommandContext context, ApplyForCard command)
    {
        // The holder's date of birth comes from the person's own record, never from the applicant.
        var person = await GrainFactory.GetPerson(command.PersonId).GetProfile();
        if (!person.IsSuccess)
        {
            return person.Error!;
        }
        // A clerk of the municipality that manages the person now, or the person applying online (invariant 16),
        // decided before anything about the record is told.
        var managing = person.Value!.Municipality;
        if (CardAccess.Application(context, command.PersonId, managing) is { } refused)
        {
            return refused;
        }
        if (person.Value.ClosedBecause is not null && !IsRetry(context))
        {
            return PersonErrors.RecordClosed;
        }
        var dateOfBirth = person.Value.Items.DateOfBirth;
        return await Change(context, command, state => CardDecider.ApplyFor(state, Id, command, dateOfBirth, Now, context.Actor),
            _ => CardAccess.Application(context, command.PersonId, managing));
    }

    public Task<Result<CardView>> MarkProduced(CommandContext context, MarkCardProduced command) =>
        Change(context, command, state => CardDecider.Produce(state, command, Now, context.Actor), _ => CardAccess.Production(context));

    public Task<Result<CardView>> MarkReadyForPickup(CommandContext context, MarkCardReadyForPickup command) =>
        AtCounter(context, command, state => CardDecider.ReadyForPickup(state, command, Now, context.Actor));

    public async Task<Result<CardView>> HandOver(CommandContext context, HandOverCard command)
    {
        var serials = new CertificateSerials(NewSerial(), NewSerial());
        // Authorised before anything else, retries included: a refused clerk touches no other grain.
        var (managing, refusedAtCounter) = await CounterGateAsync(context,
            (command.UserAuthenticationKeyProof, ChallengePurpose.KeyProof), (command.SignatureKeyProof, ChallengePurpose.KeyProof));
        if (refusedAtCounter is not null)
        {
            return refusedAtCounter;
        }
        if (!IsRetry(context))
        {
            // Refuse early, so that a handover that cannot happen touches no other grain.
            if (CardDecider.HandOver(Current, command, serials, Now, context.Actor).Error is { } refused)
            {
                return refused;
            }
            // Invariant 2: the person's stream serialises activations across silos; the card it replaces
            // is abolished before this one is recorded active. Follow-up ids make a retry apply each once.
            var change = await GrainFactory.GetPerson(Current.PersonId).RegisterActiveCard(context.FollowUp("activate-card"), Id);
            if (!change.IsSuccess)
            {
                return change.Error!;
            }
            if (change.Value!.Previous is { } previous && previous != Id)
            {
                var abolished = await GrainFactory.GetCard(previous)
                    .Abolish(context.FollowUp("abolish-previous-card"), new AbolishCard(AbolitionReason.Reissued));
                if (!abolished.IsSuccess && abolished.Error!.Code != CardErrors.Abolished.Code)
                {
                    return abolished.Error;
                }
            }
        }
        var result = await Change(context, command, state => CardDecider.HandOver(state, command, serials, Now, context.Actor),
            _ => CardAccess.AtCounter(context, managing));
        await ScheduleNoticesOnSuccessAsync(result);
        return result;
    }

    public Task<Result<CardView>> Suspend(CommandContext context, SuspendCard command) =>
        Change(context, command, state => CardDecider.Suspend(state, command, Now, context.Actor), state => CardAccess.Suspension(context, state));

    public Task<Result<CardView>> SuspendForCampaign(CommandContext context, SuspendCardForCampaign command) =>
        Change(context, command, state => CardDecider.SuspendForCampaign(state, command, Now, context.Actor), _ => CardAccess.CampaignSuspension(context));

    public async Task<Result<CardView>> Resume(CommandContext context, ResumeCard command)
    {
        var serial = NewSerial();
        var result = await AtCounter(context, command, state => CardDecider.Resume(state, command, serial, Now, context.Actor),
            (command.Presence, ChallengePurpose.CounterPresence), (command.SignatureKeyProof, ChallengePurpose.KeyProof));
        await ScheduleNoticesOnSuccessAsync(result);
        return result;
    }

    public Task<Result<CardView>> RecordHolderIdentityVerification(CommandContext context, RecordHolderIdentityVerification command) =>
        AtCounter(context, command, state => CardDecider.RecordIdentityVerification(state, command, Now, context.Actor));

    public Task<Result<CardView>> Abolish(CommandContext context, AbolishCard command) =>
        AtCounter(context, command, state => CardDecider.Abolish(state, command, Now, context.Actor));

    public Task<Result<CardView>> ReportPinLock(CommandContext context, ReportPinLock command) =>
        AtCounter(context, command, state => CardDecider.ReportPinLock(state, command, Now, context.Actor));

    public Task<Result<CardView>> ResetPin(CommandContext context, ResetPin command) =>
        AtCounter(context, command, state => CardDecider.ResetPin(state, command, Now, context.Actor),
            (command.Presence, ChallengePurpose.CounterPresence));

    public Task<Result<CardView>> NoteHolderMoved(CommandContext context, NoteHolderMoved command) =>
        Change(context, command, state => CardDecider.NoteHolderMoved(state, command, Now, context.Actor), _ => CardAccess.Reaction(context));

    public Task<Result<CardView>> RecordAddressUpdate(CommandContext context, RecordCardAddressUpdate command) =>
        AtCounter(context, command, state => CardDecider.RecordAddressUpdate(state, command, Now, context.Actor),
            (command.Presence, ChallengePurpose.CounterPresence));

    public Task<Result<CardView>> ConvertToFaceAuthentication(CommandContext context, ConvertToFaceAuthentication command) =>
        AtCounter(context, command, state => CardDecider.ConvertToFaceAuthentication(state, command, Now, context.Actor),
            (command.Presence, ChallengePurpose.CounterPresence));

    public async Task<Result<CardView>> ConvertToPinCard(CommandContext context, ConvertToPinCard command)
    {
        var serials = new CertificateSerials(NewSerial(), NewSerial());
        var result = await AtCounter(context, command, state => CardDecider.ConvertToPinCard(state, command, serials, Now, context.Actor),
            (command.UserAuthenticationKeyProof, ChallengePurpose.KeyProof), (command.SignatureKeyProof, ChallengePurpose.KeyProof));
        await ScheduleNoticesOnSuccessAsync(result);
        return result;
    }

    public async Task<Result<CardView>> LinkSmartphone(CommandContext context, LinkSmartphone command)
    {
        if (CardRules.InvalidDevice(command.DeviceId) is { } invalid)
        {
            return invalid;
        }
        var device = MartenDeviceRegistry.Hash(command.DeviceId);
        if (CardAccess.Smartphone(context, Current) is { } forbidden)
        {
            return forbidden;
        }
        if (!IsRetry(context))
        {
            if (CardDecider.LinkSmartphone(Current, device, Now, context.Actor).Error is { } refused)
            {
                return refused;
            }
            // One person per phone: the device index refuses a phone that holds someone else's credential.
            if (!await devices.ClaimAsync(device, Current.PersonId, Id))
            {
                return DomainError.Conflict("smartphone.linked-to-another-person", "This phone already holds another person's credential.");
            }
        }
        return await Change(context, command, state => CardDecider.LinkSmartphone(state, device, Now, context.Actor),
            state => CardAccess.Smartphone(context, state));
    }

    public async Task<Result<CardView>> UnlinkSmartphone(CommandContext context, UnlinkSmartphone command)
    {
        // The same shape as a link's: an id no link could have carried is refused, not answered as a no-op.
        if (CardRules.InvalidDevice(command.DeviceId) is { } invalid)
        {
            return invalid;
        }
        var device = MartenDeviceRegistry.Hash(command.DeviceId!);
        var result = await Change(context, command, state => CardDecider.UnlinkSmartphone(state, device, Now, context.Actor),
            state => CardAccess.Smartphone(context, state));
        if (result.IsSuccess)
        {
            await devices.ReleaseAsync(device, Current.PersonId);
        }
        return result;
    }

    public Task<Result<CardView>> LinkDrivingLicence(CommandContext context, LinkDrivingLicence command) =>
        AtCounter(context, command, state => CardDecider.LinkDrivingLicence(state, command, Now, context.Actor));

    public Task<Result<CardView>> UnlinkDrivingLicence(CommandContext context, UnlinkDrivingLicence command) =>
        AtCounter(context, command, state => CardDecider.UnlinkDrivingLicence(state, Now, context.Actor));

    public async Task<Result<CardView>> RenewCertificates(CommandContext context, RenewCertificates command)
    {
        var serials = new CertificateSerials(NewSerial(), NewSerial());
        var result = await AtCounter(context, command, state => CardDecider.RenewCertificates(state, command, serials, Now, context.Actor),
            (command.Presence, ChallengePurpose.CounterPresence), (command.UserAuthenticationKeyProof, ChallengePurpose.KeyProof),
            (command.SignatureKeyProof, ChallengePurpose.KeyProof));
        await ScheduleNoticesOnSuccessAsync(result);
        return result;
    }

    public Task<Result<CardView>> RevokeSignatureCertificate(CommandContext context, RevokeSignatureCertificate command) =>
        Change(context, command, state => CardDecider.RevokeSignature(state, command, Now, context.Actor), _ => CardAccess.Reaction(context));

    public Task<Result<CardView>> RegisterForInsurance(CommandContext context, RegisterCardForInsurance command) =>
        Change(context, command, state => CardDecider.RegisterForInsurance(state, command, Today, Now, context.Actor),
            state => CardAccess.InsuranceRegistration(context, state));

    public Task<Result<CardView>> CancelInsuranceRegistration(CommandContext context, CancelCardInsuranceRegistration command) =>
        Change(context, command, state => CardDecider.CancelInsuranceRegistration(state, command, Now, context.Actor),
            state => CardAccess.InsuranceCancellation(context, state));

    public async Task<Result<CardView>> RemedyAfterCampaign(CommandContext context, RemedyAfterCampaign command)
    {
        var serials = new CertificateSerials(NewSerial(), NewSerial());
        // The campaign is asked, not the card's own word: it must exist and list this card (a legacy claim too).
        var asked = Current.CampaignToVerify;
        var covers = asked is { } campaign && await GrainFactory.GetSuspensionCampaign(campaign).Covers(Id);
        var result = await Change(context, command, state => CardDecider.RemedyAfterCampaign(state, command, serials,
            covers && state.CampaignToVerify == asked, Now, context.Actor));
        await ScheduleNoticesOnSuccessAsync(result);
        return result;
    }

    public async Task<Result<CardView>> SendDueNotices()
    {
        // One command id per card and day: a second tick the same day finds nothing new to send anyway.
        var context = new CommandContext(CommandContext.NameBased($"card-notices\n{Id}\n{Today:yyyy-MM-dd}"), Guid.CreateVersion7(), NoticeActor, "system");
        var result = await Change(context, new SendNotices(Today), state => CardDecider.SendDueNotices(state, Today, Now, NoticeActor));
        await ScheduleNoticesAsync();
        return result;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == NoticesReminder ? SendDueNotices() : Task.CompletedTask;

    public Task<Result<CardView>> GetCard() => Task.FromResult(View(Current));

    public async Task<Result<CardView>> Read(CommandContext context)
    {
        if (Current.Status == CardStatus.None)
        {
            return CardErrors.NotFound;
        }
        var managing = await ManagingMunicipalityAsync(context);
        if (!managing.IsSuccess)
        {
            return managing.Error!;
        }
        return CardAccess.Read(context, Current, managing.Value) is { } refused ? refused : ViewFor(context, Current);
    }

    public async Task<Result<CardView>> Show(CommandContext context)
    {
        var read = await Read(context);
        // Invariant 22: a clerk's or the call centre's read is on the holder's ledger before the answer leaves.
        if (read.IsSuccess && context.Actor.Role is ActorRoles.Municipality or ActorRoles.CallCentre)
        {
            var recorded = await GrainFactory.GetLedger(Current.PersonId).RecordStaffRead(context.FollowUp("staff-read"),
                new Myna.GrainInterfaces.Portal.RecordStaffRead("card", context.Actor.Role == ActorRoles.CallCentre ? "call centre" : "municipality counter"));
            if (!recorded.IsSuccess)
            {
                return recorded.Error!;
            }
        }
        return read;
    }

    public Task<Result<AuthenticatedHolder>> VerifySignature(string serial, byte[] challenge, byte[] signature)
    {
        // Invariant 4: only an active, unexpired card with a live, unexpired certificate authenticates.
        if (CardRules.CanUse(Current, CertificateKind.UserAuthentication, Today) is { } unusable)
        {
            return Task.FromResult<Result<AuthenticatedHolder>>(DomainError.Unauthenticated(unusable.Code, unusable.Message));
        }
        var certificate = Current.Live(CertificateKind.UserAuthentication)!;
        if (certificate.Serial != serial)
        {
            return Task.FromResult<Result<AuthenticatedHolder>>(DomainError.Unauthenticated("auth.certificate-revoked", "This certificate is no longer valid."));
        }
        return Task.FromResult(Verifier(certificate.PublicKey) is { } key && CertificateAuthentication.Verify(key, challenge, signature)
            ? Result<AuthenticatedHolder>.Ok(new AuthenticatedHolder(Current.PersonId, Id, serial))
            : DomainError.Unauthenticated("auth.signature-invalid", "The signature does not verify with this certificate."));
    }

    /// <summary>The live certificate's key, imported once per activation (a turn runs on one thread at a time).</summary>
    private (string PublicKey, System.Security.Cryptography.ECDsa? Key)? _verifier;

    private System.Security.Cryptography.ECDsa? Verifier(string publicKey)
    {
        if (_verifier is not { } known || known.PublicKey != publicKey)
        {
            _verifier?.Key?.Dispose();
            _verifier = known = (publicKey, CertificateAuthentication.Import(publicKey));
        }
        return known.Key;
    }

    public async Task<Result<CardForCheck>> ForEligibilityCheck(string? serial, byte[] challenge, byte[]? signature)
    {
        var view = View(Current);
        if (!view.IsSuccess)
        {
            return view.Error!;
        }
        var verified = serial is null ? null : (await VerifySignature(serial, challenge, signature ?? [])).Error;
        return Result<CardForCheck>.Ok(new CardForCheck(view.Value!, verified));
    }

    public Task<CertificateStatusView> CertificateStatus(string serial)
    {
        var certificate = Current.Certificates.Find(c => c.Serial == serial);
        return Task.FromResult(certificate is null
            ? new CertificateStatusView(serial, "unknown", null)
            : new CertificateStatusView(serial, CardRules.CertificateStatus(Current, certificate, Today), certificate.ValidUntil));
    }

    /// <summary>
    /// After a confirmed change: the expiry notices. (The serial → card index is a Marten projection, written
    /// in the append's own transaction.)
    /// </summary>
    private async Task ScheduleNoticesOnSuccessAsync(Result<CardView> result)
    {
        if (result.IsSuccess)
        {
            await ScheduleNoticesAsync();
        }
    }

    /// <summary>
    /// Expiry notices by an Azure Table reminder: it wakes the card when the next renewal window opens (or
    /// every 30 days until then, the longest wait a reminder is given here), so a notice goes out even if
    /// nobody touches the card. A card with nothing left to announce has no reminder.
    /// </summary>
    private async Task ScheduleNoticesAsync()
    {
        if (CardRules.NextNoticeDue(Current) is not { } due)
        {
            if (await this.GetReminder(NoticesReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            return;
        }
        var wait = JapanCalendar.StartOf(due) - Now;
        var dueTime = wait < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : wait > NoticeCheckPeriod ? NoticeCheckPeriod : wait;
        await this.RegisterOrUpdateReminder(NoticesReminder, dueTime, NoticeCheckPeriod);
    }

    private Task<Result<CardView>> Change<TCommand>(CommandContext context, TCommand command, Func<CardState, Decision<ICardEvent>> decide)
        where TCommand : notnull =>
        Execute(context, command, decide, state => ViewFor(context, state));

    /// <summary>A command authorised on the confirmed state before anything else, retries included (invariants 16 and 20).</summary>
    private Task<Result<CardView>> Change<TCommand>(
        CommandContext context, TCommand command, Func<CardState, Decision<ICardEvent>> decide, Func<CardState, DomainError?> authorize)
        where TCommand : notnull =>
        Execute(context, command, authorize, decide, state => ViewFor(context, state));

    /// <summary>
    /// Counter work: only a clerk of the municipality that manages the holder's person record now. The person
    /// grain is the truth (one call; none for the system, whose reactions come from that person grain).
    /// </summary>
    private async Task<Result<CardView>> AtCounter<TCommand>(
        CommandContext context, TCommand command, Func<CardState, Decision<ICardEvent>> decide, params (ChipProof? Proof, ChallengePurpose Purpose)[] proofs)
        where TCommand : notnull
    {
        var (managing, refused) = await CounterGateAsync(context, proofs);
        return refused ?? await Change(context, command, decide, _ => CardAccess.AtCounter(context, managing));
    }

    /// <summary>
    /// The gate of every counter command: the card exists, the clerk's municipality manages its holder now, and
    /// the chip proofs' challenges are consumed. Returns the managing municipality, or the refusal.
    /// </summary>
    private async Task<(MunicipalityCode? Managing, DomainError? Refused)> CounterGateAsync(
        CommandContext context, params (ChipProof? Proof, ChallengePurpose Purpose)[] proofs)
    {
        if (Current.Status == CardStatus.None)
        {
            return (null, CardErrors.NotFound);
        }
        var managing = await ManagingMunicipalityAsync(context);
        if (!managing.IsSuccess)
        {
            return (null, managing.Error);
        }
        if (CardAccess.AtCounter(context, managing.Value) is { } forbidden)
        {
            return (null, forbidden);
        }
        return (managing.Value, await ConsumeProofsAsync(context, proofs));
    }

    /// <summary>
    /// Invariant 19: each chip proof's challenge must be sealed here, for its purpose, for this clerk's counter,
    /// unexpired, and is consumed durably before the signature is judged (a wrong signature spends it too). A
    /// retry was consumed by its first attempt. The signatures themselves are verified by the decider.
    /// </summary>
    private async Task<DomainError?> ConsumeProofsAsync(CommandContext context, params (ChipProof? Proof, ChallengePurpose Purpose)[] proofs)
    {
        if (IsRetry(context))
        {
            return null;
        }
        var audience = SealedChallenge.Audiences.Counter(new MunicipalityCode(context.Scope.Municipality ?? string.Empty));
        var consumed = new List<byte[]>();
        foreach (var (proof, purpose) in proofs)
        {
            // One key-proof challenge may be signed by each new key of the same command: it is spent once.
            if (proof is null || consumed.Exists(c => c.AsSpan().SequenceEqual(proof.Challenge)))
            {
                continue;
            }
            var result = await challenges.ConsumeAsync(proof.Challenge, purpose, audience);
            if (!result.IsSuccess)
            {
                return result.Error;
            }
            consumed.Add(proof.Challenge);
        }
        return null;
    }

    /// <summary>The municipality managing the holder now, asked only when a clerk acts (null for anyone else).</summary>
    private async Task<Result<MunicipalityCode?>> ManagingMunicipalityAsync(CommandContext context)
    {
        if (context.Actor.Role != ActorRoles.Municipality || Current.Status == CardStatus.None)
        {
            return Result<MunicipalityCode?>.Ok(null);
        }
        var person = await GrainFactory.GetPerson(Current.PersonId).GetProfile();
        return person.IsSuccess ? Result<MunicipalityCode?>.Ok(person.Value!.Municipality) : person.Error!;
    }

    /// <summary>What this caller may see: the call centre never gets the holder's person id (the key to the record).</summary>
    private Result<CardView> ViewFor(CommandContext context, CardState state) =>
        View(state) is { IsSuccess: true } view && !CardAccess.SeesHolder(context)
            ? Result<CardView>.Ok(view.Value! with { PersonId = default })
            : View(state);

    private Result<CardView> View(CardState state) =>
        state.Status == CardStatus.None ? CardErrors.NotFound : Result<CardView>.Ok(CardViews.ToView(state, Today, Version));

    /// <summary>Certificate serials: 80 random bits, hex. Unique with overwhelming probability and unguessable.</summary>
    private static string NewSerial() => Convert.ToHexString(RandomNumberGenerator.GetBytes(10));
}

internal sealed record SendNotices(DateOnly Day);

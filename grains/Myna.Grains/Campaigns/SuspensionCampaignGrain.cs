using Myna.Domain.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Campaigns;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Cards;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;
using Myna.GrainInterfaces.Campaigns;

namespace Myna.Grains.Campaigns;

/// <summary>
/// Fans a mass suspension out to the card grains, one bounded chunk per timer tick (so progress queries
/// are answered in between), with a checkpoint event per chunk. A reminder in Azure Table storage, and
/// every activation, resume an unfinished campaign from its last checkpoint; follow-up command ids make
/// a card suspended twice by a resumed chunk still suspended once.
/// </summary>
public sealed class SuspensionCampaignGrain(
    IEventStreamStore store,
    IChipBatchIndex batches,
    TimeProvider clock,
    ILogger<SuspensionCampaignGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<CampaignState, ICampaignEvent>(store, clock, logger, snapshots), ISuspensionCampaignGrain, IRemindable
{
    public const int Chunk = 50;
    private const string ResumeReminder = "campaign-resume";

    private static readonly Actor FanOut = new("operator-campaign", ActorRoles.System);

    private IGrainTimer? _timer;

    private Guid Id => this.GetPrimaryKey();

    protected override StreamRef Stream => StreamRef.ForCampaign(Id);

    public Task<Result<CampaignProgress>> Start(CommandContext context, StartSuspensionCampaign command) =>
        // Mass suspension is an operator's act (invariant 16), and two operators' (invariant 22): this is the request.
        Execute(context, command,
            _ => Access.Operator(context),
            state => CampaignRules.Request(state, Id, command, Now, context.Actor),
            state => Result<CampaignProgress>.Ok(CampaignRules.ToProgress(state)));

    public async Task<Result<CampaignProgress>> Approve(CommandContext context)
    {
        if (Access.Operator(context) is { } refused)
        {
            return refused;
        }
        // The batch is looked up only for an approval that can succeed.
        var targets = !IsRetry(context) && !Current.Started && Current.Pending is { } pending && pending.RequestedBy != context.Actor.Subject
            ? await batches.CardsOfBatchAsync(Current.ChipBatch)
            : [];
        var result = await Execute(context, new CampaignApproval(Id),
            _ => Access.Operator(context),
            state => CampaignRules.Approve(state, Id, targets, Now, context.Actor),
            state => Result<CampaignProgress>.Ok(CampaignRules.ToProgress(state)));
        if (result.IsSuccess && Current.Started && !Current.Completed)
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            StartProcessing();
        }
        return result;
    }

    public Task<Result<CampaignProgress>> GetProgress() => Task.FromResult(
        Current.Started || Current.Pending is not null ? Result<CampaignProgress>.Ok(CampaignRules.ToProgress(Current))
        : DomainError.NotFound("campaign.not-found", "No campaign under this id."));

    public Task<bool> Covers(CardId card) => Task.FromResult(Current.Covers(card));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (Current.Started && !Current.Completed)
        {
            StartProcessing(); // resume after a crash or a move to another silo
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ResumeReminder && Current.Started && !Current.Completed)
        {
            StartProcessing();
        }
        return Task.CompletedTask;
    }

    private void StartProcessing() =>
        _timer ??= this.RegisterGrainTimer(ProcessChunkAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(50)));

    private async Task ProcessChunkAsync()
    {
        var chunk = Current.Remaining.Take(Chunk).ToList();
        if (chunk.Count == 0)
        {
            await FinishAsync();
            return;
        }
        var system = new Actor("operator-campaign", "operator");
        var reason = Current.Reason;
        var outcomes = await Task.WhenAll(chunk.Select(async card =>
        {
            if (Current.Exemptions.Contains(card))
            {
                return (card, suspended: false);
            }
            // The fan-out is the system acting on the operator's campaign (a reaction between grains).
            var context = new CommandContext(CommandContext.DerivedId(Id, $"suspend-{card}"), Id, FanOut, "campaign");
            var result = await GrainFactory.GetCard(card).SuspendForCampaign(context, new SuspendCardForCampaign(Id, reason));
            // Not active (never handed over, already suspended, abolished): nothing to suspend; skipped.
            return (card, suspended: result.IsSuccess);
        }));
        var checkpoint = new CommandContext(CommandContext.DerivedId(Id, $"checkpoint-{Current.Done.Count}"), Id, system, "campaign");
        await Execute(checkpoint, new CampaignCheckpoint(chunk.Select(c => c.Value).ToList()),
            _ => Task.FromResult(Decision<ICampaignEvent>.Accept(new CampaignCardsProcessed(Id,
                outcomes.Where(o => o.suspended).Select(o => o.card).ToList(),
                outcomes.Where(o => !o.suspended).Select(o => o.card).ToList(), Now, system))),
            state => Result<CampaignProgress>.Ok(CampaignRules.ToProgress(state)));
    }

    private async Task FinishAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (!Current.Completed)
        {
            var system = new Actor("operator-campaign", "operator");
            await Execute(new CommandContext(CommandContext.DerivedId(Id, "complete"), Id, system, "campaign"), new CampaignCompletion(Id),
                _ => Task.FromResult(Decision<ICampaignEvent>.Accept(new SuspensionCampaignCompleted(Id, Now, system))),
                state => Result<CampaignProgress>.Ok(CampaignRules.ToProgress(state)));
        }
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}

internal sealed record CampaignCheckpoint(IReadOnlyList<Guid> Cards);

internal sealed record CampaignCompletion(Guid Campaign);

/// <summary>The command behind <see cref="SuspensionCampaignGrain.Approve"/>, for its idempotency fingerprint.</summary>
internal sealed record CampaignApproval(Guid Campaign);

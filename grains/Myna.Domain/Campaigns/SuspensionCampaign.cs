using System.Collections.Immutable;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Campaigns;

namespace Myna.Domain.Campaigns;

public interface ICampaignEvent : IDomainEvent
{
    Guid CampaignId { get; }
}

/// <summary>An operator asked for a mass suspension of a chip batch; it waits for a second operator's approval (invariant 22).</summary>
[EventName("suspension_campaign_requested_v1")]
public sealed record SuspensionCampaignRequested(
    Guid CampaignId,
    string ChipBatch,
    string Reason,
    IReadOnlyList<CardId> Exemptions,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICampaignEvent;

/// <summary>A second, different operator approved the requested campaign (it starts in the same append).</summary>
[EventName("suspension_campaign_approved_v1")]
public sealed record SuspensionCampaignApproved(
    Guid CampaignId,
    string RequestedBy,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICampaignEvent;

[EventName("suspension_campaign_started_v1")]
public sealed record SuspensionCampaignStarted(
    Guid CampaignId,
    string ChipBatch,
    string Reason,
    IReadOnlyList<CardId> Exemptions,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICampaignEvent;

/// <summary>A chunk of the cards the campaign must go through (listed in chunks so no event grows unbounded).</summary>
[EventName("campaign_targets_listed_v1")]
public sealed record CampaignTargetsListed(
    Guid CampaignId,
    IReadOnlyList<CardId> Cards,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICampaignEvent;

/// <summary>A checkpoint: these cards were handled (suspended, or skipped as exempt or not active).</summary>
[EventName("campaign_cards_processed_v1")]
public sealed record CampaignCardsProcessed(
    Guid CampaignId,
    IReadOnlyList<CardId> Suspended,
    IReadOnlyList<CardId> Skipped,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICampaignEvent;

[EventName("suspension_campaign_completed_v1")]
public sealed record SuspensionCampaignCompleted(
    Guid CampaignId,
    DateTimeOffset OccurredAt,
    Actor Actor) : ICampaignEvent;

public sealed record CampaignState : IAggregateState<CampaignState, ICampaignEvent>
{
    public static CampaignState Initial { get; } = new();

    public bool Started { get; init; }
    public Guid Id { get; init; }
    public string ChipBatch { get; init; } = string.Empty;
    public string Reason { get; init; } = string.Empty;
    public ImmutableHashSet<CardId> Exemptions { get; init; } = [];
    public ImmutableList<CardId> Targets { get; init; } = [];
    public ImmutableHashSet<CardId> Done { get; init; } = [];
    public int Suspended { get; init; }
    public int Skipped { get; init; }
    public bool Completed { get; init; }
    public Myna.GrainInterfaces.Persons.PendingApproval? Pending { get; init; }

    public IEnumerable<CardId> Remaining => Targets.Where(c => !Done.Contains(c));

    /// <summary>The campaign exists and its own stream lists the card as a target it did not exempt.</summary>
    public bool Covers(CardId card) => Started && Targets.Contains(card) && !Exemptions.Contains(card);

    public CampaignState Apply(ICampaignEvent @event) => @event switch
    {
        SuspensionCampaignRequested e => this with
        {
            Id = e.CampaignId, ChipBatch = e.ChipBatch, Reason = e.Reason, Exemptions = [.. e.Exemptions],
            Pending = new Myna.GrainInterfaces.Persons.PendingApproval(CampaignRules.Operation, e.Reason, e.Actor.Subject, e.Actor.Role, e.OccurredAt),
        },
        SuspensionCampaignApproved => this with { Pending = null },
        SuspensionCampaignStarted e => this with
        {
            Started = true, Id = e.CampaignId, ChipBatch = e.ChipBatch, Reason = e.Reason, Exemptions = [.. e.Exemptions],
        },
        CampaignTargetsListed e => this with { Targets = Targets.AddRange(e.Cards.Where(c => !Targets.Contains(c))) },
        CampaignCardsProcessed e => this with
        {
            Done = Done.Union(e.Suspended).Union(e.Skipped),
            Suspended = Suspended + e.Suspended.Count,
            Skipped = Skipped + e.Skipped.Count,
        },
        SuspensionCampaignCompleted => this with { Completed = true },
        _ => this,
    };
}

public static class CampaignRules
{
    public const int ListChunk = 1_000;

    public const string Operation = "suspension-campaign";

    /// <summary>The request by one operator: validated and recorded; nothing is suspended yet.</summary>
    public static Decision<ICampaignEvent> Request(CampaignState state, Guid id, StartSuspensionCampaign command, DateTimeOffset now, Actor actor)
    {
        if (state.Started)
        {
            return DomainError.Conflict("campaign.already-started", "This campaign has already started.");
        }
        // A batch id is what a card's production recorded: one of another shape matches no card.
        if (!ExternalId.Fits(command.ChipBatch?.Trim(), CardDecider.MaxChipBatchLength)
            || command.Reason is null || !DisplayText.Fits(command.Reason.Trim(), 200))
        {
            return DomainError.Validation("campaign.invalid",
                $"Name the chip batch (1 to {CardDecider.MaxChipBatchLength} {ExternalId.Shape}) and give a reason (1 to 200 {DisplayText.Shape}).");
        }
        if (state.Pending is { } pending)
        {
            return pending.RequestedBy == actor.Subject ? Decision<ICampaignEvent>.Accept() : Myna.Domain.Persons.SecondApproval.AlreadyPending(pending);
        }
        return Decision<ICampaignEvent>.Accept(new SuspensionCampaignRequested(id, command.ChipBatch!.Trim(), command.Reason.Trim(), command.Exemptions, now, actor));
    }

    /// <summary>The approval by a second operator: the campaign starts with the batch's cards as they are now.</summary>
    public static Decision<ICampaignEvent> Approve(CampaignState state, Guid id, IReadOnlyList<CardId> targets, DateTimeOffset now, Actor actor)
    {
        if (state.Started)
        {
            return Decision<ICampaignEvent>.Accept();
        }
        if (state.Pending is not { } pending)
        {
            return DomainError.NotFound("campaign.not-found", "No such suspension campaign has been requested.");
        }
        if (Myna.Domain.Persons.SecondApproval.Refusal(pending, actor) is { } refused)
        {
            return refused;
        }
        var events = new List<ICampaignEvent>
        {
            new SuspensionCampaignApproved(id, pending.RequestedBy, now, actor),
            new SuspensionCampaignStarted(id, state.ChipBatch, state.Reason, [.. state.Exemptions], now, actor),
        };
        events.AddRange(targets.Chunk(ListChunk).Select(chunk => new CampaignTargetsListed(id, chunk, now, actor)));
        if (targets.Count == 0)
        {
            events.Add(new SuspensionCampaignCompleted(id, now, actor));
        }
        return Decision<ICampaignEvent>.Accept([.. events]);
    }

    public static CampaignProgress ToProgress(CampaignState s) =>
        new(s.Id, s.ChipBatch, s.Reason, s.Targets.Count, s.Done.Count, s.Suspended, s.Skipped, s.Completed, s.Pending is not null, s.Pending?.RequestedBy);
}

using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Campaigns;

public interface ICampaignEvent : IDomainEvent
{
    Guid CampaignId { get; }
}

[GenerateSerializer, Immutable, Alias("myna.ev.suspension-campaign-started.v1")]
public sealed record SuspensionCampaignStarted(
    [property: Id(0)] Guid CampaignId,
    [property: Id(1)] string ChipBatch,
    [property: Id(2)] string Reason,
    [property: Id(3)] IReadOnlyList<CardId> Exemptions,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] Actor Actor) : ICampaignEvent;

/// <summary>A chunk of the cards the campaign must go through (listed in chunks so no event grows unbounded).</summary>
[GenerateSerializer, Immutable, Alias("myna.ev.campaign-targets-listed.v1")]
public sealed record CampaignTargetsListed(
    [property: Id(0)] Guid CampaignId,
    [property: Id(1)] IReadOnlyList<CardId> Cards,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] Actor Actor) : ICampaignEvent;

/// <summary>A checkpoint: these cards were handled (suspended, or skipped as exempt or not active).</summary>
[GenerateSerializer, Immutable, Alias("myna.ev.campaign-cards-processed.v1")]
public sealed record CampaignCardsProcessed(
    [property: Id(0)] Guid CampaignId,
    [property: Id(1)] IReadOnlyList<CardId> Suspended,
    [property: Id(2)] IReadOnlyList<CardId> Skipped,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Actor Actor) : ICampaignEvent;

[GenerateSerializer, Immutable, Alias("myna.ev.suspension-campaign-completed.v1")]
public sealed record SuspensionCampaignCompleted(
    [property: Id(0)] Guid CampaignId,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] Actor Actor) : ICampaignEvent;

[GenerateSerializer, Immutable, Alias("myna.state.campaign.v1")]
public sealed record CampaignState : IAggregateState<CampaignState, ICampaignEvent>
{
    public static CampaignState Initial { get; } = new();

    [Id(0)] public bool Started { get; init; }
    [Id(1)] public Guid Id { get; init; }
    [Id(2)] public string ChipBatch { get; init; } = string.Empty;
    [Id(3)] public string Reason { get; init; } = string.Empty;
    [Id(4)] public ImmutableHashSet<CardId> Exemptions { get; init; } = [];
    [Id(5)] public ImmutableList<CardId> Targets { get; init; } = [];
    [Id(6)] public ImmutableHashSet<CardId> Done { get; init; } = [];
    [Id(7)] public int Suspended { get; init; }
    [Id(8)] public int Skipped { get; init; }
    [Id(9)] public bool Completed { get; init; }

    public IEnumerable<CardId> Remaining => Targets.Where(c => !Done.Contains(c));

    /// <summary>The campaign exists and its own stream lists the card as a target it did not exempt.</summary>
    public bool Covers(CardId card) => Started && Targets.Contains(card) && !Exemptions.Contains(card);

    public CampaignState Apply(ICampaignEvent @event) => @event switch
    {
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

    public static Decision<ICampaignEvent> Start(CampaignState state, Guid id, StartSuspensionCampaign command, IReadOnlyList<CardId> targets, DateTimeOffset now, Actor actor)
    {
        if (state.Started)
        {
            return DomainError.Conflict("campaign.already-started", "This campaign has already started.");
        }
        if (string.IsNullOrWhiteSpace(command.ChipBatch) || string.IsNullOrWhiteSpace(command.Reason) || command.Reason.Length > 200)
        {
            return DomainError.Validation("campaign.invalid", "Name the chip batch and give a reason (at most 200 characters).");
        }
        var events = new List<ICampaignEvent> { new SuspensionCampaignStarted(id, command.ChipBatch.Trim(), command.Reason.Trim(), command.Exemptions, now, actor) };
        events.AddRange(targets.Chunk(ListChunk).Select(chunk => new CampaignTargetsListed(id, chunk, now, actor)));
        if (targets.Count == 0)
        {
            events.Add(new SuspensionCampaignCompleted(id, now, actor));
        }
        return Decision<ICampaignEvent>.Accept([.. events]);
    }

    public static CampaignProgress ToProgress(CampaignState s) =>
        new(s.Id, s.ChipBatch, s.Reason, s.Targets.Count, s.Done.Count, s.Suspended, s.Skipped, s.Completed);
}

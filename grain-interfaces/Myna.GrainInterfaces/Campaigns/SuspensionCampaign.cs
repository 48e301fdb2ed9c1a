using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Campaigns;

/// <summary>Suspend every card of a chip production batch (a chip vulnerability), except the exempted ones.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.start-suspension-campaign")]
public sealed record StartSuspensionCampaign(
    [property: Id(0)] string ChipBatch,
    [property: Id(1)] string Reason,
    [property: Id(2)] IReadOnlyList<CardId> Exemptions);

[GenerateSerializer, Immutable, Alias("myna.campaign-progress")]
public sealed record CampaignProgress(
    [property: Id(0)] Guid CampaignId,
    [property: Id(1)] string ChipBatch,
    [property: Id(2)] string Reason,
    [property: Id(3)] int Targets,
    [property: Id(4)] int Processed,
    [property: Id(5)] int Suspended,
    [property: Id(6)] int Skipped,
    [property: Id(7)] bool Completed,
    [property: Id(8)] bool AwaitingApproval = false,
    [property: Id(9)] string? RequestedBy = null);

/// <summary>
/// One campaign, its own event stream: the target list, then progress checkpoints. It fans out to the
/// card grains in bounded parallel chunks and resumes from its last checkpoint after a crash.
/// </summary>
public interface ISuspensionCampaignGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    /// <summary>Requests the campaign (invariant 22): nothing is suspended until a second operator approves.</summary>
    [Alias("Start")]
    Task<Result<CampaignProgress>> Start(CommandContext context, StartSuspensionCampaign command);

    /// <summary>A second operator (not the requester) approves: the targets are listed and the suspensions begin.</summary>
    [Alias("Approve")]
    Task<Result<CampaignProgress>> Approve(CommandContext context);

    [Alias("GetProgress")]
    Task<Result<CampaignProgress>> GetProgress();

    /// <summary>
    /// Whether this campaign exists and its own stream lists the card as a target it did not exempt: the check
    /// a remote re-issue makes before it trusts a card's campaign suspension.
    /// </summary>
    [Alias("Covers"), Orleans.Concurrency.AlwaysInterleave]
    Task<bool> Covers(CardId card);
}

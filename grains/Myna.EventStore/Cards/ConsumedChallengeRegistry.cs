using Marten;

namespace Myna.EventStore.Cards;

/// <summary>One row per consumed challenge: its primary key makes a sealed challenge single-use across silos and failovers.</summary>
public sealed class ConsumedChallenge
{
    public Guid Id { get; set; }
    public string Purpose { get; set; } = string.Empty;
    /// <summary>After this the challenge is refused by its own expiry; the row may then be deleted.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>The command that consumed it: the same command's retry may consume it again (and is answered once by its aggregate).</summary>
    public Guid? ConsumedBy { get; set; }
}

public interface IConsumedChallengeRegistry
{
    /// <summary>
    /// Records the challenge as consumed; false when it already was (a replay), whichever silo took it, unless
    /// <paramref name="consumedBy"/> names the command that consumed it (that command's own retry).
    /// </summary>
    Task<bool> TryConsumeAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, Guid? consumedBy = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows of challenges that expired before <paramref name="before"/>; answers how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}

public sealed class MartenConsumedChallengeRegistry(IDocumentStore store) : IConsumedChallengeRegistry
{
    public async Task<bool> TryConsumeAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, Guid? consumedBy = null, CancellationToken cancellationToken = default)
    {
        if (await TryInsertAsync(challengeId, purpose, expiresAt, consumedBy, cancellationToken))
        {
            return true;
        }
        if (consumedBy is null)
        {
            return false;
        }
        await using var query = store.QuerySession();
        var existing = await query.LoadAsync<ConsumedChallenge>(challengeId, cancellationToken);
        return existing is not null && existing.ConsumedBy == consumedBy && existing.Purpose == purpose;
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var count = await session.Query<ConsumedChallenge>().CountAsync(c => c.ExpiresAt < before, cancellationToken);
        session.DeleteWhere<ConsumedChallenge>(c => c.ExpiresAt < before);
        await session.SaveChangesAsync(cancellationToken);
        return count;
    }

    private async Task<bool> TryInsertAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, Guid? consumedBy, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Insert(new ConsumedChallenge { Id = challengeId, Purpose = purpose, ExpiresAt = expiresAt, ConsumedBy = consumedBy });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ConsumedChallengeProjection.IsReplay(ex))
        {
            return false;
        }
    }
}

/// <summary>
/// Deletes consumed-challenge rows a day after their challenge expired (an expired challenge is refused by its own
/// expiry; the day lets a command's retry still be answered once). Every silo runs it; the deletes are idempotent.
/// </summary>
public sealed class ConsumedChallengePurge(IConsumedChallengeRegistry registry, TimeProvider clock, Microsoft.Extensions.Logging.ILogger<ConsumedChallengePurge> logger)
    : Microsoft.Extensions.Hosting.BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await registry.PurgeExpiredAsync(clock.GetUtcNow() - Grace, stoppingToken);
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "Purged {Count} expired consumed challenges", purged);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again: the rows only take space meanwhile.
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, ex, "Expired consumed challenges not purged");
            }
        }
    }
}

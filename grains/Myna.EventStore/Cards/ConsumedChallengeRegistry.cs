using JasperFx;
using Marten;
using Marten.Exceptions;
using Npgsql;

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

    private async Task<bool> TryInsertAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, Guid? consumedBy, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Insert(new ConsumedChallenge { Id = challengeId, Purpose = purpose, ExpiresAt = expiresAt, ConsumedBy = consumedBy });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is DocumentAlreadyExistsException
            or MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } })
        {
            return false;
        }
    }
}

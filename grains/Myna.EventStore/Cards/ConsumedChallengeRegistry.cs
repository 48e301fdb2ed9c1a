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
}

public interface IConsumedChallengeRegistry
{
    /// <summary>Records the challenge as consumed; false when it already was (a replay), whichever silo took it.</summary>
    Task<bool> TryConsumeAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}

public sealed class MartenConsumedChallengeRegistry(IDocumentStore store) : IConsumedChallengeRegistry
{
    public async Task<bool> TryConsumeAsync(Guid challengeId, string purpose, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Insert(new ConsumedChallenge { Id = challengeId, Purpose = purpose, ExpiresAt = expiresAt });
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

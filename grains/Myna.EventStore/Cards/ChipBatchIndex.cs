using Marten;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Cards;

/// <summary>The cards produced in a chip batch, read from the card streams themselves (no separate list to drift).</summary>
public interface IChipBatchIndex
{
    Task<IReadOnlyList<CardId>> CardsOfBatchAsync(string chipBatch, CancellationToken cancellationToken = default);
}

/// <summary>
/// Reads the stored <c>card_produced_v1</c> events. It scans that event type: fine for campaigns (rare,
/// operator-run); a national-size store would add an index on the batch or a projection (noted in #4).
/// </summary>
public sealed class MartenChipBatchIndex(IDocumentStore store) : IChipBatchIndex
{
    public async Task<IReadOnlyList<CardId>> CardsOfBatchAsync(string chipBatch, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        var ids = await query.AdvancedSql.QueryAsync<string>(
            $"select data ->> 'cardId' from {schema}.mt_events where type = 'card_produced_v1' and data ->> 'chipBatch' = ?",
            cancellationToken, chipBatch);
        return ids.Select(id => new CardId(Guid.Parse(id))).Distinct().ToList();
    }
}

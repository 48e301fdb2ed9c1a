using Marten;
using Myna.GrainInterfaces.Common;
using Myna.EventStore.Clinics;
using Myna.GrainInterfaces.Disasters;

namespace Myna.EventStore.Disasters;

/// <summary>Declared disasters, rewritten from each disaster's confirmed state; clinics' lookups find those that may be in effect.</summary>
public sealed class DisasterRecord
{
    public Guid Id { get; set; }
    public string Name { get; set; } = string.Empty;
    public List<string> Municipalities { get; set; } = [];
    public DateTimeOffset From { get; set; }
    public DateTimeOffset Until { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

public interface IDisasterDirectory
{
    Task UpsertAsync(DisasterView disaster, CancellationToken cancellationToken = default);

    /// <summary>Disasters whose period has not ended by <paramref name="now"/> (the caller decides what is in effect).</summary>
    Task<IReadOnlyList<DisasterRecord>> NotEndedAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

public sealed class MartenDisasterDirectory(IDocumentStore store) : IDisasterDirectory
{
    public async Task UpsertAsync(DisasterView disaster, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new DisasterRecord
        {
            Id = disaster.DisasterId,
            Name = disaster.Name,
            Municipalities = disaster.Municipalities.Select(m => m.Value).ToList(),
            From = disaster.From,
            Until = disaster.Until,
            EndedAt = disaster.EndedAt,
        });
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DisasterRecord>> NotEndedAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        return await query.Query<DisasterRecord>().Where(d => d.Until > now).ToListAsync(cancellationToken);
    }
}

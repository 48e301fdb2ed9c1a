using Marten;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Certificates;

/// <summary>Which card a certificate serial belongs to. Written after the card's events are confirmed.</summary>
public sealed class CertificateRecord
{
    public string Id { get; set; } = string.Empty;
    public Guid CardId { get; set; }
}

public interface ICertificateIndex
{
    Task RecordAsync(string serial, CardId card, CancellationToken cancellationToken = default);

    Task<CardId?> FindAsync(string serial, CancellationToken cancellationToken = default);
}

public sealed class MartenCertificateIndex(IDocumentStore store) : ICertificateIndex
{
    public async Task RecordAsync(string serial, CardId card, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new CertificateRecord { Id = serial, CardId = card.Value });
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<CardId?> FindAsync(string serial, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<CertificateRecord>(serial, cancellationToken);
        return record is null ? null : new CardId(record.CardId);
    }
}

using System.Collections.Concurrent;
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

/// <remarks>
/// A serial is issued once, for one card, and never moves to another, so a serial found once is
/// remembered in memory (bounded): every eligibility check by PIN looks its serial up, and the card grain
/// still checks the certificate's status and the signature itself. Misses are never remembered.
/// </remarks>
public sealed class MartenCertificateIndex(IDocumentStore store) : ICertificateIndex
{
    private const int MaxRemembered = 200_000;
    private readonly ConcurrentDictionary<string, CardId> _found = new(StringComparer.Ordinal);

    public async Task RecordAsync(string serial, CardId card, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new CertificateRecord { Id = serial, CardId = card.Value });
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<CardId?> FindAsync(string serial, CancellationToken cancellationToken = default)
    {
        if (_found.TryGetValue(serial, out var known))
        {
            return known;
        }
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<CertificateRecord>(serial, cancellationToken);
        if (record is null)
        {
            return null;
        }
        if (_found.Count >= MaxRemembered)
        {
            _found.Clear();
        }
        var card = new CardId(record.CardId);
        _found[serial] = card;
        return card;
    }
}

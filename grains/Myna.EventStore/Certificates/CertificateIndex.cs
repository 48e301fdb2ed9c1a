using System.Collections.Concurrent;
using Marten;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Certificates;

/// <summary>Which card a certificate serial belongs to: a document of <see cref="CertificateProjection"/>.</summary>
public sealed class CertificateRecord
{
    public string Id { get; set; } = string.Empty;
    public Guid CardId { get; set; }
}

public interface ICertificateIndex
{
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

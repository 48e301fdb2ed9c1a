using JasperFx.Events;
using Marten;
using Myna.Domain.Cards;
using Myna.Domain.Persons;
using Myna.EventStore.Certificates;
using Myna.EventStore.Devices;
using Myna.EventStore.Insurance;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.EventStore.Maintenance;

/// <summary>The lookup indexes that can be rebuilt from the streams, which are the truth.</summary>
public enum RebuildableIndex
{
    /// <summary>Normalised basic four items for insurers' enrolments without a number.</summary>
    PersonMatch,
    /// <summary>Certificate serial → card, for authentication and the status service.</summary>
    Certificates,
    /// <summary>Smartphone → person, "one person per phone".</summary>
    Devices,
}

public interface IIndexRebuilder
{
    /// <summary>Rewrites the index from the events; returns how many rows it holds afterwards.</summary>
    Task<int> RebuildAsync(RebuildableIndex index, CancellationToken cancellationToken = default);
}

/// <summary>
/// Rebuilds an index by paging through the events that shape it (in sequence order), then replacing its
/// rows in one transaction, so readers see the old index or the new one, never half of each.
/// </summary>
public sealed class MartenIndexRebuilder(IDocumentStore store, IPersonMatchIndex matches) : IIndexRebuilder
{
    private const int Page = 5_000;

    public async Task<int> RebuildAsync(RebuildableIndex index, CancellationToken cancellationToken = default) => index switch
    {
        RebuildableIndex.PersonMatch => await matches.RebuildAsync(cancellationToken),
        RebuildableIndex.Certificates => await RebuildCertificatesAsync(cancellationToken),
        RebuildableIndex.Devices => await RebuildDevicesAsync(cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    private async Task<int> RebuildCertificatesAsync(CancellationToken cancellationToken)
    {
        var serials = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await ScanAsync(["certificate_issued_v1"], e =>
        {
            if (e.Data is CertificateIssued issued)
            {
                serials[issued.Serial] = issued.CardId.Value;
            }
        }, cancellationToken);
        await using var session = store.LightweightSession();
        session.DeleteWhere<CertificateRecord>(_ => true);
        session.Store(serials.Select(s => new CertificateRecord { Id = s.Key, CardId = s.Value }).ToArray());
        await session.SaveChangesAsync(cancellationToken);
        return serials.Count;
    }

    private async Task<int> RebuildDevicesAsync(CancellationToken cancellationToken)
    {
        var holders = new Dictionary<Guid, Guid>();
        var devices = new Dictionary<string, DeviceRecord>(StringComparer.Ordinal);
        await ScanAsync(["card_applied_v1", "smartphone_credential_linked_v1", "smartphone_credential_unlinked_v1"], e =>
        {
            switch (e.Data)
            {
                case CardApplied applied:
                    holders[applied.CardId.Value] = applied.PersonId.Value;
                    break;
                case SmartphoneCredentialLinked linked when holders.TryGetValue(linked.CardId.Value, out var person):
                    devices[linked.DeviceHash] = new DeviceRecord { Id = linked.DeviceHash, PersonId = person, CardId = linked.CardId.Value };
                    break;
                case SmartphoneCredentialUnlinked unlinked when devices.TryGetValue(unlinked.DeviceHash, out var current) && current.CardId == unlinked.CardId.Value:
                    devices.Remove(unlinked.DeviceHash);
                    break;
            }
        }, cancellationToken);
        await using var session = store.LightweightSession();
        session.DeleteWhere<DeviceRecord>(_ => true);
        session.Store(devices.Values.ToArray());
        await session.SaveChangesAsync(cancellationToken);
        return devices.Count;
    }

    /// <summary>Pages through the events of some types in global order, never loading the whole store at once.</summary>
    internal static async Task ScanAsync(IDocumentStore store, string[] types, Action<IEvent> visit, CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            await using var query = store.QuerySession();
            var page = await query.Events.QueryAllRawEvents()
                .Where(e => types.Contains(e.EventTypeName) && e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(Page)
                .ToListAsync(cancellationToken);
            foreach (var e in page)
            {
                visit(e);
            }
            if (page.Count < Page)
            {
                return;
            }
            after = page[^1].Sequence;
        }
    }

    private Task ScanAsync(string[] types, Action<IEvent> visit, CancellationToken cancellationToken) =>
        ScanAsync(store, types, visit, cancellationToken);
}

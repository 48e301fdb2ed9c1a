using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Myna.Domain.Cards;

namespace Myna.EventStore.Certificates;

/// <summary>
/// Serial → card, a Marten projection of <see cref="CertificateIssued"/>. Registered inline, so the row is
/// written in the transaction that appends the event: a card that issued a certificate finds it at once.
/// Rebuilt by Marten's projection daemon. A serial is no personal data, and an erased person's cards keep
/// their certificates' serials (the card grain answers their status).
/// </summary>
public sealed partial class CertificateProjection : EventProjection
{
    public const string ProjectionName = "CertificateIndex";

    public CertificateProjection()
    {
        Name = ProjectionName;
        IncludeType<CertificateIssued>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is CertificateIssued issued)
        {
            operations.Store(new CertificateRecord { Id = issued.Serial, CardId = issued.CardId.Value });
        }
        return ValueTask.CompletedTask;
    }
}

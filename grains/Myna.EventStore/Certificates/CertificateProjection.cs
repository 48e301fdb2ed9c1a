using Myna.Domain.Cards;
using Myna.EventStore.Projections;

namespace Myna.EventStore.Certificates;

/// <summary>
/// Serial → card, a Marten projection of <see cref="CertificateIssued"/>. Inline, so a card that issued a
/// certificate finds it as soon as its command returns. A serial is no personal data, and an erased person's
/// cards keep their certificates' serials (the card grain answers their status).
/// </summary>
public sealed class CertificateProjection() : IndexProjection<CertificateIssued, CertificateRecord>(ProjectionName)
{
    public const string ProjectionName = "CertificateIndex";

    protected override CertificateRecord RowOf(CertificateIssued e) => new() { Id = e.Serial, CardId = e.CardId.Value };
}

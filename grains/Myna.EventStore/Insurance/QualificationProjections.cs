using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Myna.Domain.Persons;

namespace Myna.EventStore.Insurance;

/// <summary>
/// Qualification → member and insurer, a Marten projection of <see cref="InsuranceQualificationAcquired"/>.
/// Inline: written in the transaction that appends the person's event, so the insurer finds the qualification
/// as soon as the enrolment returns. Rebuilt by Marten's projection daemon. A row holds ids and the
/// insurer's number, no personal value, so an erasure leaves it: the person grain answers for an erased
/// person, as it did before.
/// </summary>
public sealed partial class QualificationProjection : EventProjection
{
    public const string ProjectionName = "QualificationIndex";

    public QualificationProjection()
    {
        Name = ProjectionName;
        IncludeType<InsuranceQualificationAcquired>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is InsuranceQualificationAcquired acquired)
        {
            operations.Store(new QualificationRecord
            {
                Id = acquired.QualificationId, PersonId = acquired.PersonId.Value, Insurer = acquired.Insurer.Value,
            });
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Confirmation document number → member, a Marten projection of <see cref="ConfirmationDocumentIssued"/>
/// (inline, rebuilt by Marten). Ids only, no personal value: an erasure leaves the row, and the person's own
/// stream decides whether the document is theirs and valid.
/// </summary>
public sealed partial class ConfirmationDocumentProjection : EventProjection
{
    public const string ProjectionName = "ConfirmationDocumentIndex";

    public ConfirmationDocumentProjection()
    {
        Name = ProjectionName;
        IncludeType<ConfirmationDocumentIssued>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is ConfirmationDocumentIssued issued)
        {
            operations.Store(new ConfirmationDocumentRecord { Id = issued.DocumentNumber, PersonId = issued.PersonId.Value });
        }
        return ValueTask.CompletedTask;
    }
}

using Myna.Domain.Persons;
using Myna.EventStore.Projections;

namespace Myna.EventStore.Insurance;

/// <summary>
/// Qualification → member and insurer, a Marten projection of <see cref="InsuranceQualificationAcquired"/>.
/// Inline: the insurer finds the qualification as soon as the enrolment returns. A row holds ids and the
/// insurer's number, no personal value, so an erasure leaves it: the person grain answers for an erased
/// person, as it did before.
/// </summary>
public sealed class QualificationProjection() : IndexProjection<InsuranceQualificationAcquired, QualificationRecord>(ProjectionName)
{
    public const string ProjectionName = "QualificationIndex";

    protected override QualificationRecord RowOf(InsuranceQualificationAcquired e) =>
        new() { Id = e.QualificationId, PersonId = e.PersonId.Value, Insurer = e.Insurer.Value };
}

/// <summary>
/// Confirmation document number → member, a Marten projection of <see cref="ConfirmationDocumentIssued"/>.
/// Ids only, no personal value: an erasure leaves the row, and the person's own stream decides whether the
/// document is theirs and valid.
/// </summary>
public sealed class ConfirmationDocumentProjection() : IndexProjection<ConfirmationDocumentIssued, ConfirmationDocumentRecord>(ProjectionName)
{
    public const string ProjectionName = "ConfirmationDocumentIndex";

    protected override ConfirmationDocumentRecord RowOf(ConfirmationDocumentIssued e) => new() { Id = e.DocumentNumber, PersonId = e.PersonId.Value };
}

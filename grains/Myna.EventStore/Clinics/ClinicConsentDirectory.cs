using Marten;
using Myna.Domain.Clinics;
using Myna.EventStore.Projections;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Clinics;

/// <summary>
/// Which person an eligibility check with consent was for, so the clinic's later reads (it never learns
/// the person's id) reach the right ledger. A hint only: the person's ledger decides whether the consent
/// is this institution's and still valid.
/// </summary>
public sealed class ClinicConsentRecord
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public string Institution { get; set; } = string.Empty;
}

/// <summary>
/// Check id → person, written by <see cref="ClinicConsentProjection"/> in the transaction that appends the patient's
/// consent to their ledger (a consent is durable with its row or not at all; the shared ledger commit carries both).
/// </summary>
public interface IClinicConsentDirectory
{
    Task<PersonId?> FindAsync(Guid checkId, CancellationToken cancellationToken = default);
}

public sealed class MartenClinicConsentDirectory(IDocumentStore store) : IClinicConsentDirectory
{
    public async Task<PersonId?> FindAsync(Guid checkId, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<ClinicConsentRecord>(checkId, cancellationToken);
        return record is null ? null : new PersonId(record.PersonId);
    }
}

/// <summary>The consent's row: its id is the check's id (<c>EligibilityRules.Record</c>), the institution it was given to.</summary>
public sealed class ClinicConsentProjection() : IndexProjection<ClinicConsentGiven, ClinicConsentRecord>(ProjectionName)
{
    public const string ProjectionName = "ClinicConsentIndex";

    protected override ClinicConsentRecord RowOf(ClinicConsentGiven e) =>
        new() { Id = e.ConsentId, PersonId = e.PersonId.Value, Institution = e.Institution };
}

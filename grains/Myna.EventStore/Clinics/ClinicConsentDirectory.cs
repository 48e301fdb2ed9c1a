using Marten;
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

public interface IClinicConsentDirectory
{
    Task RecordAsync(Guid checkId, PersonId person, string institution, CancellationToken cancellationToken = default);

    Task<PersonId?> FindAsync(Guid checkId, CancellationToken cancellationToken = default);
}

public sealed class MartenClinicConsentDirectory(IDocumentStore store) : IClinicConsentDirectory
{
    public async Task RecordAsync(Guid checkId, PersonId person, string institution, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new ClinicConsentRecord { Id = checkId, PersonId = person.Value, Institution = institution });
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<PersonId?> FindAsync(Guid checkId, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<ClinicConsentRecord>(checkId, cancellationToken);
        return record is null ? null : new PersonId(record.PersonId);
    }
}

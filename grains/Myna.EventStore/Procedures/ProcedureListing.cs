using Marten;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.EventStore.Clinics;
using Myna.GrainInterfaces.Procedures;

namespace Myna.EventStore.Procedures;

/// <summary>An agency's inbox and a person's list of submissions, rewritten from each submission's confirmed state.</summary>
public sealed class ProcedureListing
{
    public Guid Id { get; set; }
    public string Agency { get; set; } = string.Empty;
    public string AgencyCode { get; set; } = string.Empty;
    public Guid PersonId { get; set; }
    public ProcedureKind Kind { get; set; }
    public ProcedureStatus Status { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
}

public interface IProcedureDirectory
{
    Task UpsertAsync(PersonId person, ProcedureView submission, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ProcedureListing>> ForAgencyAsync(string agency, ProcedureStatus? status, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ProcedureListing>> ForPersonAsync(PersonId person, int limit, CancellationToken cancellationToken = default);
}

public sealed class MartenProcedureDirectory(IDocumentStore store) : IProcedureDirectory
{
    public async Task UpsertAsync(PersonId person, ProcedureView submission, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new ProcedureListing
        {
            Id = submission.SubmissionId,
            Agency = submission.Agency,
            AgencyCode = submission.Code.Value,
            PersonId = person.Value,
            Kind = submission.Kind,
            Status = submission.Status,
            SubmittedAt = submission.SubmittedAt,
        });
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ProcedureListing>> ForAgencyAsync(string agency, ProcedureStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var rows = query.Query<ProcedureListing>().Where(p => p.Agency == agency);
        if (status is { } wanted)
        {
            rows = rows.Where(p => p.Status == wanted);
        }
        return await rows.OrderByDescending(p => p.SubmittedAt).Take(limit).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ProcedureListing>> ForPersonAsync(PersonId person, int limit, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        return await query.Query<ProcedureListing>().Where(p => p.PersonId == person.Value)
            .OrderByDescending(p => p.SubmittedAt).Take(limit).ToListAsync(cancellationToken);
    }
}

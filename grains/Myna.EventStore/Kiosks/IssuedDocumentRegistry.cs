using Marten;
using Myna.GrainInterfaces.Common;
using Myna.EventStore.Clinics;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.EventStore.Kiosks;

/// <summary>
/// The public verification record of a printed certificate, keyed by the hash of its verification code:
/// who, what, when and where, and the content digest; never the content.
/// </summary>
public sealed class IssuedDocumentRecord
{
    public string Id { get; set; } = string.Empty;
    public Guid DocumentId { get; set; }
    public KioskDocumentKind Kind { get; set; }
    public string HolderName { get; set; } = string.Empty;
    public string IssuedBy { get; set; } = string.Empty;
    public DateTimeOffset IssuedAt { get; set; }
    public string Kiosk { get; set; } = string.Empty;
    public string ContentDigest { get; set; } = string.Empty;
    public Guid PersonId { get; set; }
}

public interface IIssuedDocumentRegistry
{
    /// <summary>Written after the issuance event is confirmed; idempotent (a retry rewrites the same record).</summary>
    Task RecordAsync(string verificationCodeHash, PersonId person, DocumentVerification document, CancellationToken cancellationToken = default);

    Task<DocumentVerification?> FindAsync(string verificationCodeHash, CancellationToken cancellationToken = default);

    /// <summary>The person the document was issued to (to check a verifier's date of birth against their record).</summary>
    Task<PersonId?> FindHolderAsync(string verificationCodeHash, CancellationToken cancellationToken = default);

    /// <summary>Erasure: the person's documents still verify (what, when, where, digest), but name no holder any more.</summary>
    Task ForgetHolderAsync(PersonId person, CancellationToken cancellationToken = default);
}

public sealed class MartenIssuedDocumentRegistry(IDocumentStore store) : IIssuedDocumentRegistry
{
    public async Task RecordAsync(string verificationCodeHash, PersonId person, DocumentVerification document, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new IssuedDocumentRecord
        {
            Id = verificationCodeHash,
            DocumentId = document.DocumentId,
            Kind = document.Kind,
            HolderName = document.HolderName ?? string.Empty,
            IssuedBy = document.IssuedBy.Value,
            IssuedAt = document.IssuedAt,
            Kiosk = document.Kiosk,
            ContentDigest = document.ContentDigest,
            PersonId = person.Value,
        });
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task ForgetHolderAsync(PersonId person, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var records = await session.Query<IssuedDocumentRecord>().Where(r => r.PersonId == person.Value).ToListAsync(cancellationToken);
        foreach (var record in records)
        {
            record.HolderName = string.Empty;
            session.Store(record);
        }
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<DocumentVerification?> FindAsync(string verificationCodeHash, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<IssuedDocumentRecord>(verificationCodeHash, cancellationToken);
        return record is null
            ? null
            : new DocumentVerification(record.DocumentId, record.Kind, record.HolderName, new MunicipalityCode(record.IssuedBy),
                record.IssuedAt, record.Kiosk, record.ContentDigest);
    }

    public async Task<PersonId?> FindHolderAsync(string verificationCodeHash, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<IssuedDocumentRecord>(verificationCodeHash, cancellationToken) is { } record
            ? new PersonId(record.PersonId)
            : null;
    }
}

using Myna.Domain.EventSourcing;
using System.Globalization;
using Marten;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.EventStore.Insurance;

/// <summary>
/// The basic four items of a person, normalised, so that an insurer's enrolment without a number can find
/// candidates. Only a hint: written after the person's events are confirmed, and every link is decided by
/// the person grain against its own current record, so a stale row can miss a match but never link the
/// wrong person.
/// </summary>
public sealed class PersonMatchRecord
{
    public Guid Id { get; set; }
    public string NameKey { get; set; } = string.Empty;
    public string AddressKey { get; set; } = string.Empty;
    public string DateOfBirth { get; set; } = string.Empty;
    public string Sex { get; set; } = string.Empty;
}

public interface IPersonMatchIndex
{
    Task RecordAsync(PersonId person, BasicFourItems items, CancellationToken cancellationToken = default);

    /// <summary>Persons who share at least two of name, address and date of birth with the claim (at most 20).</summary>
    Task<IReadOnlyList<PersonId>> FindCandidatesAsync(BasicFourItems claimed, CancellationToken cancellationToken = default);

    /// <summary>Rewrites every row from the person streams (registrations, moves, renames); returns the persons indexed.</summary>
    Task<int> RebuildAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets the person (their personal data was erased): nobody is matched to them any more.</summary>
    Task RemoveAsync(PersonId person, CancellationToken cancellationToken = default);
}

public sealed class MartenPersonMatchIndex(IDocumentStore store) : IPersonMatchIndex
{
    private const int MaxCandidates = 20;

    public async Task RecordAsync(PersonId person, BasicFourItems items, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Store(ToRecord(person.Value, items));
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PersonId>> FindCandidatesAsync(BasicFourItems claimed, CancellationToken cancellationToken = default)
    {
        var key = ToRecord(Guid.Empty, claimed);
        await using var query = store.QuerySession();
        var rows = await query.Query<PersonMatchRecord>()
            .Where(r => (r.NameKey == key.NameKey && (r.DateOfBirth == key.DateOfBirth || r.AddressKey == key.AddressKey))
                || (r.AddressKey == key.AddressKey && r.DateOfBirth == key.DateOfBirth))
            .Take(MaxCandidates)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PersonId(r.Id)).ToList();
    }

    public async Task RemoveAsync(PersonId person, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.Delete<PersonMatchRecord>(person.Value);
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The events the index folds, by stored name.</summary>
    private static readonly IReadOnlyDictionary<string, Type> SourceEvents = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [EventNames.Of<PersonRegistered>()] = typeof(PersonRegistered),
        [EventNames.Of<PersonMoved>()] = typeof(PersonMoved),
        [EventNames.Of<PersonRenamed>()] = typeof(PersonRenamed),
        [EventNames.Of<PersonalDataErased>()] = typeof(PersonalDataErased),
    };

    /// <summary>
    /// Folds the events in pages (paced while reception desks are busy), then replaces the rows in one transaction,
    /// writing only those that differ; the events committed after the last page are folded under the table's lock first, so a
    /// row written live during the scan is never replaced by an older one (<see cref="Maintenance.IndexReplacement"/>).
    /// </summary>
    public async Task<int> RebuildAsync(CancellationToken cancellationToken = default)
    {
        var current = new Dictionary<Guid, BasicFourItems>();
        void Apply(object e)
        {
            switch (e)
            {
                case PersonRegistered r:
                    current[r.PersonId.Value] = r.Items;
                    break;
                case PersonMoved m when current.TryGetValue(m.PersonId.Value, out var items):
                    current[m.PersonId.Value] = items with { Address = m.NewAddress };
                    break;
                case PersonRenamed n when current.TryGetValue(n.PersonId.Value, out var items):
                    current[n.PersonId.Value] = items with { Name = n.NewName };
                    break;
                case PersonalDataErased x:
                    current.Remove(x.PersonId.Value);
                    break;
            }
        }
        // Up to the events there at the start, every one of them (the mark is taken once the appends under way have ended):
        // a last page cannot grow with concurrent registrations; those are folded under the lock, and a row a registration
        // or an erasure writes after its event waits for the lock and lands after the replacement.
        var mark = await Maintenance.MartenIndexRebuilder.HighWaterAsync(store, cancellationToken);
        var reached = await Maintenance.MartenIndexRebuilder.ScanDataAsync(store, SourceEvents, Apply, cancellationToken, mark: mark);
        return (await Maintenance.IndexReplacement.ReplaceAsync<PersonMatchRecord, Guid>(store, r => r.Id, async locked =>
        {
            await Maintenance.MartenIndexRebuilder.TopUpAsync(store, SourceEvents, Apply, reached, locked);
            return current.Select(p => ToRecord(p.Key, p.Value)).ToArray();
        }, cancellationToken)).Rows;
    }

    /// <summary>The row for a person (a bulk registration writes it in its own transaction).</summary>
    public static PersonMatchRecord ToRecord(Guid person, BasicFourItems items) => new()
    {
        Id = person,
        NameKey = BasicFourMatching.NormaliseName(items.Name),
        AddressKey = BasicFourMatching.NormaliseAddress(items.Address),
        DateOfBirth = items.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Sex = items.Sex.ToString(),
    };
}

/// <summary>Qualification id → member, so that an insurer can end or change a qualification it enrolled (<see cref="QualificationProjection"/>).</summary>
public sealed class QualificationRecord
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public string Insurer { get; set; } = string.Empty;
}

/// <summary>Eligibility confirmation document number → member, for the reception check without a card (<see cref="ConfirmationDocumentProjection"/>).</summary>
public sealed class ConfirmationDocumentRecord
{
    public string Id { get; set; } = string.Empty;
    public Guid PersonId { get; set; }
}

public interface IQualificationDirectory
{
    /// <summary>A hint only: the person's own stream decides whether the document is theirs and valid.</summary>
    Task<PersonId?> FindDocumentAsync(string documentNumber, CancellationToken cancellationToken = default);

    /// <summary>The member of a qualification, only for the insurer that enrolled it.</summary>
    Task<PersonId?> FindAsync(Guid qualification, string insurer, CancellationToken cancellationToken = default);
}

public sealed class MartenQualificationDirectory(IDocumentStore store) : IQualificationDirectory
{
    public async Task<PersonId?> FindDocumentAsync(string documentNumber, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<ConfirmationDocumentRecord>(documentNumber, cancellationToken);
        return record is null ? null : new PersonId(record.PersonId);
    }

    public async Task<PersonId?> FindAsync(Guid qualification, string insurer, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<QualificationRecord>(qualification, cancellationToken);
        return record is not null && record.Insurer == insurer ? new PersonId(record.PersonId) : null;
    }
}

using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Numbers;

/// <summary>Reserves Individual Numbers for persons and resolves a number back to its person.</summary>
public interface INumberRegistry
{
    /// <summary>
    /// Reserves a fresh number for the <paramref name="generation"/>-th number of <paramref name="person"/>
    /// (0 = first, 1 = first replacement after a leak, …). Idempotent: asking again for the same person
    /// and generation returns the number already reserved for them.
    /// </summary>
    Task<ReservedNumber> ReserveAsync(PersonId person, int generation, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ReserveAsync"/> for many persons at once (bulk registration): their first candidates in one
    /// transaction; a person whose candidate is taken (a collision, or their own retry) goes the single path.
    /// </summary>
    Task<IReadOnlyList<ReservedNumber>> ReserveManyAsync(IReadOnlyList<PersonId> persons, int generation, CancellationToken cancellationToken = default);

    /// <summary>The person a number was reserved for, if any.</summary>
    Task<PersonId?> FindAsync(IndividualNumber number, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rebuilds the number index from the person streams (assignments and replacements), the only
    /// truth: missing rows come back, existing rows are rewritten to what the streams say. Returns how
    /// many numbers were indexed.
    /// </summary>
    Task<int> RebuildIndexAsync(CancellationToken cancellationToken = default);
}

using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Numbers;

/// <summary>Reserves Individual Numbers for persons and resolves a number back to its person.</summary>
public interface INumberRegistry
{
    /// <summary>
    /// Reserves a fresh number for <paramref name="person"/>. Idempotent: asking again for the same person
    /// returns the number already reserved for them.
    /// </summary>
    Task<IndividualNumber> ReserveAsync(PersonId person, CancellationToken cancellationToken = default);

    /// <summary>The person a number was reserved for, if any.</summary>
    Task<PersonId?> FindAsync(IndividualNumber number, CancellationToken cancellationToken = default);
}

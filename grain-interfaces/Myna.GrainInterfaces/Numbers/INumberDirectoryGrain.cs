using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Numbers;

/// <summary>The person a number belongs to, and whether it is still their current number.</summary>
[GenerateSerializer, Immutable, Alias("myna.number-lookup")]
public sealed record NumberLookup([property: Id(0)] PersonId PersonId, [property: Id(1)] NumberStatus Status);

/// <summary>
/// Resolves an Individual Number to the person it was assigned to. Stateless worker: the index lives in
/// PostgreSQL (one row per reserved number), so no grain stands between all lookups in the country.
/// </summary>
public interface INumberDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>A replaced number answers <see cref="NumberStatus.Replaced"/> and never resolves to anybody else.</summary>
    [Alias("Resolve")]
    Task<Result<NumberLookup>> Resolve(IndividualNumber number);
}

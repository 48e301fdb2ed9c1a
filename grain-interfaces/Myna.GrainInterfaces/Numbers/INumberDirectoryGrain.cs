using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Numbers;

/// <summary>
/// Resolves an Individual Number to the person it was assigned to. Stateless worker: the index lives in
/// PostgreSQL (one row per reserved number), so no grain stands between all lookups in the country.
/// </summary>
public interface INumberDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Resolve")]
    Task<Result<PersonId>> Resolve(IndividualNumber number);
}

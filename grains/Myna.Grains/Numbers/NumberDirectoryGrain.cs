using Myna.EventStore.Numbers;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Numbers;
using Myna.GrainInterfaces.Persons;
using Orleans.Concurrency;

namespace Myna.Grains.Numbers;

[StatelessWorker]
public sealed class NumberDirectoryGrain(INumberRegistry registry) : Grain, INumberDirectoryGrain
{
    private static readonly DomainError Unknown =
        DomainError.NotFound("individual-number.not-found", "No person holds this Individual Number.");

    public async Task<Result<NumberLookup>> Resolve(IndividualNumber number)
    {
        if (await registry.FindAsync(number) is not { } person)
        {
            return Unknown;
        }
        // A reservation is made just before the assignment event: trust it only once the person's own
        // stream says the number is (or was) theirs. The stream is the truth; the index only points to it.
        var status = await GrainFactory.GetPerson(person).GetNumberStatus(number);
        return status == NumberStatus.NotTheirs ? Unknown : Result<NumberLookup>.Ok(new NumberLookup(person, status));
    }
}

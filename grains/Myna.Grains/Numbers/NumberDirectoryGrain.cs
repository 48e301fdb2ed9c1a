using Myna.EventStore.Numbers;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Numbers;
using Orleans.Concurrency;

namespace Myna.Grains.Numbers;

[StatelessWorker]
public sealed class NumberDirectoryGrain(INumberRegistry registry) : Grain, INumberDirectoryGrain
{
    private static readonly DomainError Unknown =
        DomainError.NotFound("individual-number.not-found", "No person holds this Individual Number.");

    public async Task<Result<PersonId>> Resolve(IndividualNumber number)
    {
        if (await registry.FindAsync(number) is not { } person)
        {
            return Unknown;
        }
        // A reservation is made just before the assignment event: trust it only once the person's own
        // stream says the number is theirs (the stream is the truth, the index only points to it).
        var profile = await GrainFactory.GetPerson(person).GetProfile();
        return profile.Value?.IndividualNumber == number ? Result<PersonId>.Ok(person) : Unknown;
    }
}

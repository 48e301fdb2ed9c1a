using Myna.EventStore.Clinics;
using Myna.GrainInterfaces.Clinics;
using Orleans.Concurrency;

namespace Myna.Grains.Clinics;

[StatelessWorker]
public sealed class InstitutionDirectoryGrain(IInstitutionDirectory directory) : Grain, IInstitutionDirectoryGrain
{
    public async Task<IReadOnlyList<InstitutionListingView>> AcceptingCard(string prefecture, string? after, int limit)
    {
        var rows = await directory.AcceptingCardAsync(prefecture, after, Math.Clamp(limit, 1, 500));
        return rows.Select(r => new InstitutionListingView(r.Id, r.Name, r.Kind, r.Prefecture)).ToList();
    }
}

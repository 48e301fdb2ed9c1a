using Microsoft.Extensions.Logging;
using Myna.EventStore.Maintenance;
using Myna.GrainInterfaces.Operations;
using Orleans.Concurrency;

namespace Myna.Grains.Operations;

[StatelessWorker(1)]
public sealed class IndexMaintenanceGrain(IIndexRebuilder rebuilder, ILogger<IndexMaintenanceGrain> logger) : Grain, IIndexMaintenanceGrain
{
    public async Task<int> Rebuild(string index)
    {
        var which = index switch
        {
            "person-match" => RebuildableIndex.PersonMatch,
            "certificates" => RebuildableIndex.Certificates,
            "devices" => RebuildableIndex.Devices,
            _ => throw new ArgumentOutOfRangeException(nameof(index), "Unknown index."),
        };
        var rows = await rebuilder.RebuildAsync(which);
        logger.LogInformation("Index {Index} rebuilt from the streams: {Rows} rows", index, rows);
        return rows;
    }
}

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
        // Off the grain scheduler: a whole-store scan must not hold this activation for its duration.
        var which = Parse(index);
        var rows = await Task.Run(() => rebuilder.RebuildAsync(which));
        logger.LogInformation("Index {Index} rebuilt from the streams: {Rows} rows", index, rows);
        return rows;
    }

    /// <summary>The API's index names (<see cref="IIndexMaintenanceGrain.Indexes"/>) and the rebuilder's indexes.</summary>
    internal static RebuildableIndex Parse(string index) => index switch
    {
        "person-match" => RebuildableIndex.PersonMatch,
        "certificates" => RebuildableIndex.Certificates,
        "devices" => RebuildableIndex.Devices,
        "qualifications" => RebuildableIndex.Qualifications,
        "confirmation-documents" => RebuildableIndex.ConfirmationDocuments,
        "institutions" => RebuildableIndex.Institutions,
        "numbers" => RebuildableIndex.Numbers,
        "clinic-consents" => RebuildableIndex.ClinicConsents,
        _ => throw new ArgumentOutOfRangeException(nameof(index), "Unknown index."),
    };
}

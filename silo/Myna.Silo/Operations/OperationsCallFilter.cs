using Microsoft.Extensions.Logging;
using Myna.GrainInterfaces.Common;
using Myna.EventStore.Streams;

namespace Myna.Silo.Operations;

/// <summary>
/// Every grain call: the caller's correlation id in the log scope, and a PostgreSQL outage turned into a
/// <see cref="StoreUnavailableException"/> the API knows (503 store.unavailable), instead of an Npgsql
/// exception type the API cannot even deserialize (which would be a 500).
/// </summary>
internal sealed class OperationsCallFilter(ILogger<OperationsCallFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        using var scope = RequestContext.Get(RequestContextKeys.CorrelationId) is string correlation
            ? logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlation })
            : null;
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (StoreOutage.Is(ex))
        {
            logger.LogWarning("{Grain}.{Method}: a store is unavailable ({Exception})",
                context.TargetId.Type, context.ImplementationMethod.Name, ex.GetType().Name);
            // No inner exception: its type and message stay in this silo's log.
            throw new StoreUnavailableException("A store (PostgreSQL, or Azure Storage for personal data keys) is unavailable; the outcome is unknown, retry with the same Idempotency-Key.");
        }
    }
}

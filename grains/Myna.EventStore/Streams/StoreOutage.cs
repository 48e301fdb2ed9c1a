using System.Net.Sockets;
using Npgsql;

namespace Myna.EventStore.Streams;

/// <summary>Whether an exception means a store is unreachable (retry later), not a bug.</summary>
public static class StoreOutage
{
    /// <summary>Connection-level failures only; a constraint violation or a bad query stays a bug.</summary>
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                                               || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                                               || pg.SqlState == "53300":
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case SocketException:
                    return true;
                // Azure Storage (the personal data keys) unreachable or failing on its side.
                case Azure.RequestFailedException azure when azure.Status is 0 or >= 500:
                    return true;
            }
        }
        return false;
    }
}

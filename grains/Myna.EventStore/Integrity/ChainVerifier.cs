using System.Text.Json;
using Marten;

namespace Myna.EventStore.Integrity;

/// <summary>What went wrong first in a stream.</summary>
public enum ChainProblem
{
    /// <summary>An event's content (data, type or metadata) no longer matches its hash.</summary>
    Modified,
    /// <summary>An event is missing: a gap in versions, or a link to an event no longer there.</summary>
    Removed,
    /// <summary>An event the store did not write sits in the chain (no seal, or the next event links past it).</summary>
    Inserted,
    /// <summary>Events are in another order than they were written.</summary>
    Reordered,
    /// <summary>The stream ends before the head the latest checkpoint recorded.</summary>
    Truncated,
    /// <summary>The checkpointed head is there but its hash differs: the chain was rewritten up to it.</summary>
    Rewritten,
}

/// <summary>The outcome for one stream. <see cref="LegacyEvents"/> were written before sealing and cannot be proven.</summary>
public sealed record StreamVerification(
    string StreamKey,
    long Events,
    long LegacyEvents,
    long? FirstBadVersion,
    ChainProblem? Problem,
    string? Detail)
{
    public bool Intact => Problem is null;
}

public sealed record StoreVerification(
    DateTimeOffset VerifiedAt,
    int StreamsChecked,
    int StreamsIntact,
    long EventsChecked,
    long LegacyEvents,
    string? CheckpointId,
    IReadOnlyList<StreamVerification> Broken);

/// <summary>Recomputes hash chains from the rows in PostgreSQL and compares them with the latest checkpoint.</summary>
public sealed class ChainVerifier(IDocumentStore store, ICheckpointStore checkpoints, TimeProvider clock)
{
    public const int MaxBrokenReported = 200;
    private const int StreamPage = 500;

    public async Task<StreamVerification?> VerifyStreamAsync(string streamKey, CancellationToken cancellationToken = default)
    {
        var checkpoint = await checkpoints.LatestAsync(cancellationToken);
        var head = checkpoint?.Heads.FirstOrDefault(h => h.StreamKey == streamKey);
        var rows = await ReadRowsAsync(streamKey, cancellationToken);
        if (rows.Count == 0 && head is null)
        {
            return null;
        }
        return Verify(streamKey, rows, await StreamVersionAsync(streamKey, cancellationToken), head);
    }

    public async Task<StoreVerification> VerifyAllAsync(CancellationToken cancellationToken = default)
    {
        var checkpoint = await checkpoints.LatestAsync(cancellationToken);
        var heads = checkpoint?.Heads.ToDictionary(h => h.StreamKey, StringComparer.Ordinal) ?? new Dictionary<string, CheckpointHead>(StringComparer.Ordinal);
        var broken = new List<StreamVerification>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int checkedStreams = 0, intact = 0;
        long events = 0, legacy = 0;
        var after = string.Empty;
        while (true)
        {
            // A page of streams, then all their events in one query: two round trips per page of streams.
            await using var query = store.QuerySession();
            var schema = store.Options.Events.DatabaseSchemaName;
            var page = await query.AdvancedSql.QueryAsync<string>(
                $"select jsonb_build_object('s', id, 'v', version)::text from {schema}.mt_streams where id > ? order by id limit {StreamPage}",
                cancellationToken, after);
            var streams = page.Select(p =>
            {
                using var json = JsonDocument.Parse(p);
                return (Key: json.RootElement.GetProperty("s").GetString()!, Version: json.RootElement.GetProperty("v").GetInt64());
            }).ToList();
            if (streams.Count > 0)
            {
                var rows = await query.AdvancedSql.QueryAsync<string>(
                    $"""
                    select jsonb_build_object('s', stream_id, 'v', version, 't', type, 'd', data, 'h', headers, 'c', causation_id, 'r', correlation_id)::text
                    from {schema}.mt_events where stream_id = any(?) order by stream_id, version, seq_id
                    """, cancellationToken, [streams.Select(x => x.Key).ToArray()]);
                var byStream = rows.Select(StoredRow.ParseWithStream).GroupBy(r => r.Stream, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(r => r.Row).ToList(), StringComparer.Ordinal);
                foreach (var (key, version) in streams)
                {
                    seen.Add(key);
                    Count(Verify(key, byStream.GetValueOrDefault(key) ?? [], version, heads.GetValueOrDefault(key)));
                }
            }
            if (streams.Count < StreamPage)
            {
                break;
            }
            after = streams[^1].Key;
        }
        // A checkpointed stream that vanished entirely was removed from its first event on.
        foreach (var head in heads.Values.Where(h => !seen.Contains(h.StreamKey)).OrderBy(h => h.StreamKey, StringComparer.Ordinal))
        {
            Count(new StreamVerification(head.StreamKey, 0, 0, 1, ChainProblem.Truncated,
                $"The stream is gone; checkpoint {checkpoint!.Id} recorded it at version {head.Version}."));
        }
        return new StoreVerification(clock.GetUtcNow(), checkedStreams, intact, events, legacy, checkpoint?.Id, broken);

        void Count(StreamVerification result)
        {
            checkedStreams++;
            events += result.Events;
            legacy += result.LegacyEvents;
            if (result.Intact)
            {
                intact++;
            }
            else if (broken.Count < MaxBrokenReported)
            {
                broken.Add(result);
            }
        }
    }

    /// <summary>The heads of every stream now: its version (as Marten records it) and that event's hash.</summary>
    public async Task<IReadOnlyList<CheckpointHead>> ReadHeadsAsync(CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        var rows = await query.AdvancedSql.QueryAsync<string>(
            $"""
            select jsonb_build_object('s', s.id, 'v', s.version, 'h', coalesce(e.headers ->> '{EventHash.HashHeader}', ''))::text
            from {schema}.mt_streams s
            left join {schema}.mt_events e on e.stream_id = s.id and e.version = s.version
            order by s.id
            """, cancellationToken);
        return rows.Select(r =>
        {
            using var json = JsonDocument.Parse(r);
            var root = json.RootElement;
            return new CheckpointHead(root.GetProperty("s").GetString()!, root.GetProperty("v").GetInt64(), root.GetProperty("h").GetString()!);
        }).ToList();
    }

    internal static StreamVerification Verify(string streamKey, IReadOnlyList<StoredRow> rows, long? recordedVersion, CheckpointHead? head)
    {
        long legacy = 0;
        var previousHash = (string?)null; // null: no sealed event yet
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var expected = i + 1L;
            if (row.Version != expected)
            {
                return Broken(row.Version > expected ? ChainProblem.Removed : ChainProblem.Inserted, expected,
                    row.Version > expected ? $"Version {expected} is missing." : $"Version {row.Version} appears twice.");
            }
            if (row.Hash is null)
            {
                if (previousHash is null)
                {
                    legacy++; // written before events were sealed
                    continue;
                }
                return Broken(ChainProblem.Inserted, expected, "An event without a seal follows sealed events.");
            }
            var link = previousHash ?? string.Empty;
            if (row.Recompute(streamKey, link) == row.Hash)
            {
                previousHash = row.Hash;
                continue;
            }
            var later = rows.Skip(i + 1).ToList();
            if (row.PreviousHash == link)
            {
                return Broken(ChainProblem.Modified, expected, "The event's content no longer matches its hash.");
            }
            if (later.Exists(r => r.Hash == row.PreviousHash) || rows.Take(i).Any(r => r.PreviousHash == row.Hash))
            {
                return Broken(ChainProblem.Reordered, expected, "The event sits at another place than it was written.");
            }
            if (later.Count > 0 && later[0].PreviousHash == link)
            {
                return Broken(ChainProblem.Inserted, expected, "The next event links past this one.");
            }
            return Broken(ChainProblem.Removed, expected, "The event it was chained to is no longer before it.");
        }

        var last = rows.Count;
        if (recordedVersion is { } recorded && recorded > last)
        {
            return Broken(ChainProblem.Truncated, last + 1, $"The stream records version {recorded} but holds {last} events.");
        }
        if (head is not null)
        {
            if (head.Version > last)
            {
                return Broken(ChainProblem.Truncated, last + 1, $"The latest checkpoint recorded version {head.Version}; the stream ends at {last}.");
            }
            if (head.Hash.Length > 0 && rows[(int)head.Version - 1].Hash != head.Hash)
            {
                return Broken(ChainProblem.Rewritten, head.Version, "The checkpointed head's hash differs: the chain was rewritten.");
            }
        }
        return new StreamVerification(streamKey, rows.Count, legacy, null, null, null);

        StreamVerification Broken(ChainProblem problem, long version, string detail) =>
            new(streamKey, rows.Count, legacy, version, problem, detail);
    }

    private async Task<IReadOnlyList<StoredRow>> ReadRowsAsync(string streamKey, CancellationToken cancellationToken)
    {
        await using var query = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        var rows = await query.AdvancedSql.QueryAsync<string>(
            $"""
            select jsonb_build_object('v', version, 't', type, 'd', data, 'h', headers, 'c', causation_id, 'r', correlation_id)::text
            from {schema}.mt_events where stream_id = ? order by version, seq_id
            """, cancellationToken, streamKey);
        return rows.Select(StoredRow.Parse).ToList();
    }

    private async Task<long?> StreamVersionAsync(string streamKey, CancellationToken cancellationToken)
    {
        await using var query = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        var versions = await query.AdvancedSql.QueryAsync<long>(
            $"select version from {schema}.mt_streams where id = ?", cancellationToken, streamKey);
        return versions.Count > 0 ? versions[0] : null;
    }

    /// <summary>One row of <c>mt_events</c> as stored.</summary>
    internal sealed record StoredRow(
        long Version, string Type, string DataJson, string? Hash, string? PreviousHash,
        string? CausationId, string? CorrelationId, string? Channel, string? Fingerprint)
    {
        public string Recompute(string streamKey, string previous) => EventHash.Compute(new EventSealInput(
            streamKey, Version, Type, CausationId, CorrelationId, Channel, Fingerprint, previous, DataJson));

        public static (string Stream, StoredRow Row) ParseWithStream(string json)
        {
            using var document = JsonDocument.Parse(json);
            return (document.RootElement.GetProperty("s").GetString() ?? string.Empty, Parse(document.RootElement));
        }

        public static StoredRow Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }

        private static StoredRow Parse(JsonElement root)
        {
            var headers = root.GetProperty("h");
            return new StoredRow(
                root.GetProperty("v").GetInt64(),
                root.GetProperty("t").GetString() ?? string.Empty,
                root.GetProperty("d").GetRawText(),
                Header(headers, EventHash.HashHeader),
                Header(headers, EventHash.PreviousHeader),
                Text(root, "c"),
                Text(root, "r"),
                Header(headers, "channel"),
                Header(headers, "command-fingerprint"));
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string? Header(JsonElement headers, string name) =>
            headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}

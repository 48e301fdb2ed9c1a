using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Myna.EventStore.Recovery;

/// <summary>One thing that must only move forward (invariant 23), as the journal keeps it.</summary>
public sealed record JournalEntry(
    string Kind,
    DateTimeOffset At,
    string? ReservationId = null,
    Guid? PersonId = null,
    int? Generation = null,
    Guid? Subject = null)
{
    public const string NumberReserved = "number-reserved";
    public const string KeyDestroyed = "key-destroyed";

    /// <summary>A reservation as the number registry committed it: the keyed hash of the number, never the number.</summary>
    public static JournalEntry Reservation(string reservationId, Guid person, int generation, DateTimeOffset at) =>
        new(NumberReserved, at, reservationId, person, generation);

    public static JournalEntry Destruction(Guid subject, DateTimeOffset at) => new(KeyDestroyed, at, Subject: subject);
}

/// <summary>
/// The append-only journal of what must never be rolled back by a restore: number reservations and key destructions.
/// It lives outside PostgreSQL (Azure blob storage), so a database restored to an earlier point can be brought forward
/// again (<see cref="ForwardJournalReconciler"/>). A write is only reported once its entry is durable in the journal.
/// </summary>
public interface IForwardJournal
{
    Task AppendAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every entry written at or after <paramref name="since"/> (all of them when null; some written a little earlier may
    /// come too), in no particular order. Times are the writers' wall clocks.
    /// </summary>
    IAsyncEnumerable<JournalEntry> ReadSinceAsync(DateTimeOffset? since, CancellationToken cancellationToken = default);
}

/// <summary>
/// Append blobs, one per writer and hour (<c>entries/yyyy/MM/dd/HH/{writer}-{n}.ndjson</c>): a writer never shares a
/// blob, a blob never outgrows the service's block limit (a full one rolls over to the next n), and a reader after a
/// restore lists only the hours it needs. Entries are NDJSON lines; one append holds whole lines only. In production the
/// container is in a storage account of its own with a time-based immutability policy that allows protected appends
/// only (WORM), and geo-redundancy: nobody, not even the operator, can delete or rewrite an entry.
/// </summary>
public sealed class BlobForwardJournal(BlobContainerClient container, TimeProvider clock) : IForwardJournal
{
    /// <summary>Skew allowed between writers' clocks: a reader looks this far before the hour it starts from.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);
    private const int MaxAppendBytes = 1 << 20;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _writer = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _switch = new(1, 1);
    private volatile bool _containerReady;
    private (string Hour, int Sequence, AppendBlobClient Blob)? _current;

    public async Task AppendAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0)
        {
            return;
        }
        foreach (var chunk in Chunks(entries))
        {
            var blob = await CurrentBlobAsync(rollOver: false, cancellationToken);
            try
            {
                await AppendOnceAsync(blob, chunk, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlockCountExceedsLimit || ex.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                // Full (50,000 blocks), or removed under us: the next blob of this hour.
                await AppendOnceAsync(await CurrentBlobAsync(rollOver: true, cancellationToken), chunk, cancellationToken);
            }
        }
    }

    private static async Task AppendOnceAsync(AppendBlobClient blob, byte[] chunk, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(chunk, writable: false);
        await blob.AppendBlockAsync(content, cancellationToken: cancellationToken);
    }

    public async IAsyncEnumerable<JournalEntry> ReadSinceAsync(DateTimeOffset? since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        foreach (var prefix in Prefixes(since))
        {
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            {
                var content = await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken);
                using var reader = new StringReader(content.Value.Content.ToString());
                while (reader.ReadLine() is { } line)
                {
                    if (line.Length == 0)
                    {
                        continue;
                    }
                    // Blobs are chosen by the hour they were written in; every entry of those hours is returned.
                    yield return JsonSerializer.Deserialize<JournalEntry>(line, Json)
                        ?? throw new InvalidDataException($"Journal blob {item.Name} holds an empty entry.");
                }
            }
        }
    }

    /// <summary>"entries/" for the whole journal, else one prefix per hour from (since − skew) to the next hour.</summary>
    private IEnumerable<string> Prefixes(DateTimeOffset? since)
    {
        if (since is null)
        {
            yield return "entries/";
            yield break;
        }
        var hour = Truncate(since.Value.ToUniversalTime() - ClockSkew);
        var last = Truncate(clock.GetUtcNow() + ClockSkew);
        for (; hour <= last; hour = hour.AddHours(1))
        {
            yield return $"entries/{hour:yyyy'/'MM'/'dd'/'HH}/";
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);

    private async Task<AppendBlobClient> CurrentBlobAsync(bool rollOver, CancellationToken cancellationToken)
    {
        var hour = $"{clock.GetUtcNow():yyyy'/'MM'/'dd'/'HH}";
        var current = _current;
        if (!rollOver && current is { } c && c.Hour == hour)
        {
            return c.Blob;
        }
        await _switch.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (current is { } held && held.Hour == hour && !rollOver)
            {
                return held.Blob;
            }
            await EnsureContainerAsync(cancellationToken);
            // A roll-over takes the next name (two at once may skip one: names only need to be unique).
            var sequence = current is { } same && same.Hour == hour ? same.Sequence + 1 : 0;
            var blob = container.GetAppendBlobClient($"entries/{hour}/{_writer}-{sequence:D4}.ndjson");
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _current = (hour, sequence, blob);
            return blob;
        }
        finally
        {
            _switch.Release();
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }
    }

    /// <summary>Whole NDJSON lines, at most <see cref="MaxAppendBytes"/> per append.</summary>
    private static IEnumerable<byte[]> Chunks(IReadOnlyList<JournalEntry> entries)
    {
        var buffer = new MemoryStream();
        foreach (var entry in entries)
        {
            var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
            if (buffer.Length > 0 && buffer.Length + line.Length > MaxAppendBytes)
            {
                yield return buffer.ToArray();
                buffer.SetLength(0);
            }
            buffer.Write(line);
        }
        if (buffer.Length > 0)
        {
            yield return buffer.ToArray();
        }
    }
}

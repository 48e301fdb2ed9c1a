using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Myna.EventStore.Integrity;

/// <summary>One stream's head when a checkpoint was taken: its version and the hash of that event.</summary>
public sealed record CheckpointHead(string StreamKey, long Version, string Hash);

/// <summary>
/// The heads of every stream at one moment and a Merkle root over them, kept outside PostgreSQL (Azure blob
/// storage): whoever can rewrite the event tables cannot also move these, so a shortened or rewritten
/// stream no longer matches the latest checkpoint.
/// </summary>
public sealed record IntegrityCheckpoint(string Id, DateTimeOffset TakenAt, string MerkleRoot, IReadOnlyList<CheckpointHead> Heads)
{
    public static string RootOf(IReadOnlyList<CheckpointHead> heads)
    {
        var level = heads.OrderBy(h => h.StreamKey, StringComparer.Ordinal)
            .Select(h => SHA256.HashData(Encoding.UTF8.GetBytes($"leaf\n{h.StreamKey}\n{h.Version}\n{h.Hash}")))
            .ToList();
        if (level.Count == 0)
        {
            return Convert.ToHexStringLower(SHA256.HashData("empty"u8));
        }
        while (level.Count > 1)
        {
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2)
            {
                // An odd node out is carried up unchanged.
                next.Add(i + 1 < level.Count ? SHA256.HashData([0x01, .. level[i], .. level[i + 1]]) : level[i]);
            }
            level = next;
        }
        return Convert.ToHexStringLower(level[0]);
    }
}

public interface ICheckpointStore
{
    Task WriteAsync(IntegrityCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The latest checkpoint, or null before the first one. Throws if its root does not match its heads.</summary>
    Task<IntegrityCheckpoint?> LatestAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Checkpoints as JSON blobs: <c>checkpoints/{id}.json</c> (kept) and <c>checkpoints/latest.json</c> (the
/// newest, overwritten). In production the container gets a time-based immutability policy.
/// </summary>
public sealed class BlobCheckpointStore(BlobContainerClient container) : ICheckpointStore
{
    private const string LatestBlob = "checkpoints/latest.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _containerReady;

    public async Task WriteAsync(IntegrityCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var bytes = BinaryData.FromObjectAsJson(checkpoint, Json);
        await container.GetBlobClient($"checkpoints/{checkpoint.Id}.json").UploadAsync(bytes, overwrite: false, cancellationToken);
        await container.GetBlobClient(LatestBlob).UploadAsync(bytes, overwrite: true, cancellationToken);
    }

    public async Task<IntegrityCheckpoint?> LatestAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        try
        {
            var content = await container.GetBlobClient(LatestBlob).DownloadContentAsync(cancellationToken);
            var checkpoint = content.Value.Content.ToObjectFromJson<IntegrityCheckpoint>(Json)
                ?? throw new InvalidOperationException("The latest checkpoint is empty.");
            if (IntegrityCheckpoint.RootOf(checkpoint.Heads) != checkpoint.MerkleRoot)
            {
                throw new InvalidOperationException($"Checkpoint {checkpoint.Id}: its Merkle root does not match its heads.");
            }
            return checkpoint;
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
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
}

/// <summary>Takes a checkpoint: reads every stream's head, computes the root, stores it.</summary>
public sealed class CheckpointWriter(ChainVerifier verifier, ICheckpointStore checkpoints, TimeProvider clock)
{
    public async Task<IntegrityCheckpoint> WriteAsync(CancellationToken cancellationToken = default)
    {
        var heads = await verifier.ReadHeadsAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var root = IntegrityCheckpoint.RootOf(heads);
        var checkpoint = new IntegrityCheckpoint($"{now:yyyyMMdd'T'HHmmssfff'Z'}-{root[..12]}", now, root, heads);
        await checkpoints.WriteAsync(checkpoint, cancellationToken);
        return checkpoint;
    }
}

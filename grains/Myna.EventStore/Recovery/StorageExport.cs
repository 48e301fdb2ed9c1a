using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Myna.EventStore.Recovery;

/// <summary>What an export holds: per table or container, the rows written and when the copy was taken.</summary>
public sealed record StorageExportManifest(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<StorageExportPart> Parts);

public sealed record StorageExportPart(string Kind, string Name, int Items, DateTimeOffset ExportedAt);

/// <summary>What an import did: rows added (missing here) and rows kept as they are (present here, never overwritten).</summary>
public sealed record StorageImportResult(string Kind, string Name, int Added, int KeptNewer);

/// <summary>
/// Backs up the Azure Storage state that nothing can rebuild (the per-person keys and their tombstones, the reminders,
/// the integrity checkpoints) to a directory, and brings it back. A table is copied row by row (the service has no
/// snapshot of a table): each part records when it was read. An import only adds what is missing and never overwrites
/// a row that is there, because what is there is newer; a key destroyed since the export and whose tombstone was lost
/// comes back here, and the journal's reconciliation destroys it again (invariant 23). Snapshots are not exported:
/// they are caches of the event streams, and a missing one only costs a replay.
/// </summary>
public sealed class StorageExport(TableServiceClient tables, BlobServiceClient blobs, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public async Task<StorageExportManifest> ExportAsync(string directory, IReadOnlyList<string> tableNames, IReadOnlyList<string> containers, CancellationToken cancellationToken = default)
    {
        var started = clock.GetUtcNow();
        var parts = new List<StorageExportPart>();
        Directory.CreateDirectory(Path.Combine(directory, "tables"));
        foreach (var name in tableNames)
        {
            var at = clock.GetUtcNow();
            var table = tables.GetTableClient(name);
            await table.CreateIfNotExistsAsync(cancellationToken);
            var count = 0;
            await using (var file = new StreamWriter(Path.Combine(directory, "tables", name + ".ndjson")))
            {
                await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
                {
                    await file.WriteLineAsync(Encode(entity).ToJsonString(Json));
                    count++;
                }
            }
            parts.Add(new StorageExportPart("table", name, count, at));
        }
        foreach (var name in containers)
        {
            var at = clock.GetUtcNow();
            var container = blobs.GetBlobContainerClient(name);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var root = Path.Combine(directory, "blobs", name);
            var count = 0;
            await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                var path = Path.Combine(root, item.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await container.GetBlobClient(item.Name).DownloadToAsync(path, cancellationToken);
                count++;
            }
            parts.Add(new StorageExportPart("container", name, count, at));
        }
        var manifest = new StorageExportManifest(started, clock.GetUtcNow(), parts);
        await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest, Json), cancellationToken);
        return manifest;
    }

    public async Task<IReadOnlyList<StorageImportResult>> ImportAsync(string directory, CancellationToken cancellationToken = default)
    {
        var manifest = JsonSerializer.Deserialize<StorageExportManifest>(await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json"), cancellationToken), Json)
            ?? throw new InvalidDataException($"{directory}/manifest.json is empty.");
        var results = new List<StorageImportResult>();
        foreach (var part in manifest.Parts)
        {
            var (added, kept) = part.Kind == "table"
                ? await ImportTableAsync(directory, part.Name, cancellationToken)
                : await ImportContainerAsync(directory, part.Name, cancellationToken);
            results.Add(new StorageImportResult(part.Kind, part.Name, added, kept));
        }
        return results;
    }

    private async Task<(int Added, int Kept)> ImportTableAsync(string directory, string name, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        int added = 0, kept = 0;
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(directory, "tables", name + ".ndjson"), cancellationToken))
        {
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                await table.AddEntityAsync(Decode(JsonNode.Parse(line)!.AsObject()), cancellationToken);
                added++;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                kept++;
            }
        }
        return (added, kept);
    }

    private async Task<(int Added, int Kept)> ImportContainerAsync(string directory, string name, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(name);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var root = Path.Combine(directory, "blobs", name);
        int added = 0, kept = 0;
        if (!Directory.Exists(root))
        {
            return (0, 0);
        }
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var blobName = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            try
            {
                await using var content = File.OpenRead(path);
                await container.GetBlobClient(blobName).UploadAsync(content, overwrite: false, cancellationToken);
                added++;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                kept++;
            }
        }
        return (added, kept);
    }

    /// <summary>An entity as JSON with each property's type, so a row reads back exactly (binary keys, dates, numbers).</summary>
    internal static JsonObject Encode(TableEntity entity)
    {
        var properties = new JsonObject();
        foreach (var (key, value) in entity)
        {
            if (key is "odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")
            {
                continue;
            }
            properties[key] = value switch
            {
                byte[] bytes => new JsonObject { ["binary"] = Convert.ToBase64String(bytes) },
                BinaryData data => new JsonObject { ["binary"] = Convert.ToBase64String(data.ToArray()) },
                DateTimeOffset at => new JsonObject { ["date"] = at.ToString("O") },
                DateTime at => new JsonObject { ["date"] = new DateTimeOffset(at.ToUniversalTime()).ToString("O") },
                Guid id => new JsonObject { ["guid"] = id.ToString("D") },
                long number => new JsonObject { ["int64"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                int number => new JsonObject { ["int32"] = number },
                double number => new JsonObject { ["double"] = number },
                bool flag => new JsonObject { ["bool"] = flag },
                string text => new JsonObject { ["string"] = text },
                null => null,
                _ => throw new InvalidDataException($"Property {key} of a {entity.PartitionKey} row has a type the export does not know: {value.GetType().Name}."),
            };
        }
        return new JsonObject { ["pk"] = entity.PartitionKey, ["rk"] = entity.RowKey, ["properties"] = properties };
    }

    internal static TableEntity Decode(JsonObject row)
    {
        var entity = new TableEntity((string)row["pk"]!, (string)row["rk"]!);
        foreach (var (key, node) in row["properties"]!.AsObject())
        {
            if (node is not JsonObject typed || typed.Count != 1)
            {
                continue;
            }
            var (type, value) = typed.First();
            entity[key] = type switch
            {
                "binary" => Convert.FromBase64String((string)value!),
                "date" => DateTimeOffset.Parse((string)value!, System.Globalization.CultureInfo.InvariantCulture),
                "guid" => Guid.Parse((string)value!),
                "int64" => long.Parse((string)value!, System.Globalization.CultureInfo.InvariantCulture),
                "int32" => (int)value!,
                "double" => (double)value!,
                "bool" => (bool)value!,
                "string" => (string)value!,
                _ => throw new InvalidDataException($"Unknown property type '{type}' in an export."),
            };
        }
        return entity;
    }
}

using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Myna.EventStore.Privacy;

/// <summary>What a rotation did: the version every key is now wrapped under, how many rows it re-wrapped, and the versions it retired.</summary>
public sealed record KeyRotationResult(string Version, long Rewrapped, long WrappedFromClear, long AlreadyCurrent, long Tombstones, IReadOnlyList<string> Retired);

/// <summary>
/// Rotates the key-encryption key without re-encrypting any data: every per-person key is unwrapped under its old
/// version and wrapped again under the new one (keys stored unwrapped before envelope encryption are wrapped), and
/// then the old versions are retired. Two passes with a grace period between them: a silo that had not yet seen
/// the new version may have wrapped a new key under the old one meanwhile; the second pass catches it. Each row is
/// replaced only if it is unchanged since it was read (ETag), so a key destroyed meanwhile stays destroyed.
/// </summary>
public sealed class PersonalDataKeyRotation(AzureTablePersonalDataKeyStore store, IKeyEncryptionKeys keks, PersonalDataOptions options, TimeProvider clock, ILogger<PersonalDataKeyRotation>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<PersonalDataKeyRotation>.Instance;

    public async Task<KeyRotationResult> RotateAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var kek = await keks.BeginRotationAsync(cancellationToken);
        var counts = new Counts();
        await PassAsync(kek, counts, progress, cancellationToken);
        if (options.RotationGrace > TimeSpan.Zero)
        {
            await Task.Delay(options.RotationGrace, clock, cancellationToken);
            await PassAsync(kek, counts, progress, cancellationToken);
        }
        var retired = await keks.RetireAllExceptAsync(kek.Version, cancellationToken);
        _logger.LogInformation("Personal data keys now wrapped under {Version}: {Rewrapped} re-wrapped, {Clear} wrapped from clear; retired {Retired}",
            kek.Version, counts.Rewrapped, counts.FromClear, string.Join(", ", retired));
        return new KeyRotationResult(kek.Version, counts.Rewrapped, counts.FromClear, counts.Current, counts.Tombstones, retired);
    }

    private sealed class Counts
    {
        public long Seen;
        public long Rewrapped;
        public long FromClear;
        public long Current;
        public long Tombstones;
    }

    private async Task PassAsync(KeyEncryptionKey kek, Counts counts, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await store.EnsureTableAsync(cancellationToken);
        await foreach (var row in store.Table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            await RewrapAsync(row, kek, counts, cancellationToken);
            progress?.Report(++counts.Seen);
        }
    }

    private async Task RewrapAsync(TableEntity row, KeyEncryptionKey kek, Counts counts, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (!Guid.TryParseExact(row.RowKey, "N", out var subject))
            {
                return;
            }
            var clear = row.GetBinary("Key") is not null && row.GetBinary("WrappedKey") is null;
            if (row.GetString("KekVersion") == kek.Version)
            {
                counts.Current++;
                return;
            }
            if (await store.UnwrapAsync(subject, row, cancellationToken) is not { } key)
            {
                counts.Tombstones++;
                return;
            }
            var replacement = new TableEntity(row.PartitionKey, row.RowKey)
            {
                ["WrappedKey"] = KeyWrap.Wrap(kek, subject, key),
                ["KekVersion"] = kek.Version,
            };
            try
            {
                await store.Table.UpdateEntityAsync(replacement, row.ETag, TableUpdateMode.Replace, cancellationToken);
                if (clear)
                {
                    counts.FromClear++;
                }
                else
                {
                    counts.Rewrapped++;
                }
                return;
            }
            catch (RequestFailedException e) when ((e.Status == 412 || e.Status == 404) && attempt < 3)
            {
                // Changed meanwhile (destroyed, or wrapped by another rotation pass): decide again on what is there now.
                var again = await store.Table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
                if (!again.HasValue || again.Value is null)
                {
                    return;
                }
                row = again.Value;
            }
        }
    }
}

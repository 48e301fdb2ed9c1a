using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Myna.GrainInterfaces.Common;
using Npgsql;

namespace Myna.EventStore.Devices;

/// <summary>One row per smartphone holding a card credential: its primary key makes "one person per phone" hold.</summary>
public sealed class DeviceRecord
{
    public string Id { get; set; } = string.Empty;
    public Guid PersonId { get; set; }
    public Guid CardId { get; set; }
}

public interface IDeviceRegistry
{
    /// <summary>Claims the phone for the person (their new card may take it over); false if another person holds it.</summary>
    Task<bool> ClaimAsync(string deviceHash, PersonId person, CardId card, CancellationToken cancellationToken = default);

    Task ReleaseAsync(string deviceHash, PersonId person, CancellationToken cancellationToken = default);
}

public sealed class MartenDeviceRegistry(IDocumentStore store) : IDeviceRegistry
{
    /// <summary>Device ids are kept only as hashes.</summary>
    public static string Hash(string deviceId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("myna-device\n" + deviceId)));

    public async Task<bool> ClaimAsync(string deviceHash, PersonId person, CardId card, CancellationToken cancellationToken = default)
    {
        await using (var query = store.QuerySession())
        {
            var existing = await query.LoadAsync<DeviceRecord>(deviceHash, cancellationToken);
            if (existing is not null)
            {
                if (existing.PersonId != person.Value)
                {
                    return false;
                }
                await using var update = store.LightweightSession();
                update.Store(new DeviceRecord { Id = deviceHash, PersonId = person.Value, CardId = card.Value });
                await update.SaveChangesAsync(cancellationToken);
                return true;
            }
        }
        await using var session = store.LightweightSession();
        session.Insert(new DeviceRecord { Id = deviceHash, PersonId = person.Value, CardId = card.Value });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is DocumentAlreadyExistsException
            or MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } })
        {
            // Someone claimed it between our read and our insert: it is ours only if it was us.
            await using var query = store.QuerySession();
            return (await query.LoadAsync<DeviceRecord>(deviceHash, cancellationToken))?.PersonId == person.Value;
        }
    }

    public async Task ReleaseAsync(string deviceHash, PersonId person, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var existing = await session.LoadAsync<DeviceRecord>(deviceHash, cancellationToken);
        if (existing?.PersonId == person.Value)
        {
            session.Delete(existing);
            await session.SaveChangesAsync(cancellationToken);
        }
    }
}

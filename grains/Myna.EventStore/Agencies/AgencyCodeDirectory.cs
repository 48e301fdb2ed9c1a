using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using Myna.EventStore.Configuration;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Npgsql;

namespace Myna.EventStore.Agencies;

/// <summary>Maps an agency's code back to the person, for that agency only. One row per issued code.</summary>
public sealed class AgencyCodeRecord
{
    public string Id { get; set; } = string.Empty;
    public string Agency { get; set; } = string.Empty;
    public Guid PersonId { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
}

public interface IAgencyCodeDirectory
{
    /// <summary>The agency's code for the person (deterministic), recorded so the agency can use it later.</summary>
    Task<AgencyCode> IssueAsync(string agency, PersonId person, CancellationToken cancellationToken = default);

    /// <summary>The person behind a code, only for the agency the code was issued to.</summary>
    Task<PersonId?> ResolveAsync(string agency, AgencyCode code, CancellationToken cancellationToken = default);

    /// <summary>Erasure: every agency's code for the person stops resolving, and the codes leave the directory.</summary>
    Task RemovePersonAsync(PersonId person, CancellationToken cancellationToken = default);
}

/// <summary>
/// Per-agency codes (機関別符号): HMAC(secret, agency ‖ person id), 160 bits in base32. Two agencies'
/// codes for one person share nothing visible, and cannot be linked or derived without the secret.
/// </summary>
public sealed class MartenAgencyCodeDirectory(IDocumentStore store, IOptions<EventStoreOptions> options, TimeProvider clock) : IAgencyCodeDirectory
{
    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.AgencyCodeKey);

    public async Task<AgencyCode> IssueAsync(string agency, PersonId person, CancellationToken cancellationToken = default)
    {
        var code = Derive(agency, person);
        await using var session = store.LightweightSession();
        session.Insert(new AgencyCodeRecord { Id = code.Value, Agency = agency, PersonId = person.Value, IssuedAt = clock.GetUtcNow() });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DocumentAlreadyExistsException
            or MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } })
        {
            // Issued before: the code is deterministic, so the existing row is the same mapping.
        }
        return code;
    }

    public async Task RemovePersonAsync(PersonId person, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<AgencyCodeRecord>(r => r.PersonId == person.Value);
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<PersonId?> ResolveAsync(string agency, AgencyCode code, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<AgencyCodeRecord>(code.Value, cancellationToken);
        return record is not null && record.Agency == agency ? new PersonId(record.PersonId) : null;
    }

    public AgencyCode Derive(string agency, PersonId person)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{agency}\n{person.Value:D}"));
        return new AgencyCode(ToBase32(mac.AsSpan(0, 20)));
    }

    private static string ToBase32(ReadOnlySpan<byte> bytes)
    {
        var output = new StringBuilder(bytes.Length * 8 / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(Base32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return output.ToString();
    }
}

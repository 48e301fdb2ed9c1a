using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using Myna.EventStore.Configuration;
using Myna.GrainInterfaces.Common;
using Npgsql;

namespace Myna.EventStore.Numbers;

/// <summary>
/// Number assignment with no central counter, lock or grain:
/// <list type="bullet">
/// <item>Candidates are derived from the person id with a keyed HMAC (secret key), so a number says
/// nothing about any other number and cannot be guessed without the key.</item>
/// <item>Uniqueness is enforced by the primary key of <see cref="NumberReservation"/> (a keyed hash of the
/// number): two silos racing for the same number cannot both commit; the loser takes its next candidate.
/// With 10^11 bodies and ~1.3·10^8 residents a candidate collides with probability &lt; 0.2%, so the
/// expected number of tries is ~1.</item>
/// <item>Reservations are never deleted, so a number is never reissued, even after a leak replacement.</item>
/// </list>
/// Every Individual Number has a valid check digit by construction (<see cref="IndividualNumber.FromBody"/>).
/// </summary>
public sealed class MartenNumberRegistry(IDocumentStore store, IOptions<EventStoreOptions> options, TimeProvider clock) : INumberRegistry
{
    private const int MaxCandidates = 64;
    private readonly byte[] _candidateKey = DeriveKey(options.Value.NumberKey, "candidate");
    private readonly byte[] _indexKey = DeriveKey(options.Value.NumberKey, "index");

    public async Task<IndividualNumber> ReserveAsync(PersonId person, int generation, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxCandidates; attempt++)
        {
            var candidate = Candidate(person, generation, attempt);
            var id = IndexKey(candidate);
            await using (var query = store.QuerySession())
            {
                var existing = await query.LoadAsync<NumberReservation>(id, cancellationToken);
                if (existing is not null)
                {
                    if (existing.PersonId == person.Value && existing.Generation == generation)
                    {
                        return candidate;
                    }
                    continue;
                }
            }

            await using var session = store.LightweightSession();
            session.Insert(new NumberReservation { Id = id, PersonId = person.Value, Generation = generation, ReservedAt = clock.GetUtcNow() });
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return candidate;
            }
            catch (Exception ex) when (IsDuplicate(ex))
            {
                // Someone reserved this candidate between our read and our insert: if it was this same
                // person (a retried command on another activation) it is ours; otherwise try the next one.
                await using var query = store.QuerySession();
                var winner = await query.LoadAsync<NumberReservation>(id, cancellationToken);
                if (winner?.PersonId == person.Value && winner.Generation == generation)
                {
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException($"No free Individual Number after {MaxCandidates} candidates; the number space needs attention.");
    }

    public async Task<PersonId?> FindAsync(IndividualNumber number, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var reservation = await query.LoadAsync<NumberReservation>(IndexKey(number), cancellationToken);
        return reservation is null ? null : new PersonId(reservation.PersonId);
    }

    internal IndividualNumber Candidate(PersonId person, int generation, int attempt)
    {
        Span<byte> input = stackalloc byte[24];
        person.Value.TryWriteBytes(input);
        BinaryPrimitives.WriteInt32BigEndian(input[16..], generation);
        BinaryPrimitives.WriteInt32BigEndian(input[20..], attempt);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_candidateKey, input, mac);
        // 64 bits reduced mod 10^11: the bias (≈ 10^11 / 2^64) is negligible.
        var body = BinaryPrimitives.ReadUInt64BigEndian(mac) % 100_000_000_000UL;
        return IndividualNumber.FromBody(body.ToString("D11", CultureInfo.InvariantCulture));
    }

    internal string IndexKey(IndividualNumber number) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_indexKey, Encoding.ASCII.GetBytes(number.Digits)));

    private static byte[] DeriveKey(string secret, string purpose) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("myna-number-" + purpose));

    private static bool IsDuplicate(Exception ex) => ex switch
    {
        DocumentAlreadyExistsException => true,
        MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => false,
    };
}

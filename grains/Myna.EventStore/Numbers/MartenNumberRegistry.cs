using Myna.Domain.EventSourcing;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using Myna.Domain.Numbers;
using Myna.Domain.Persons;
using Myna.EventStore.Configuration;
using Myna.EventStore.Recovery;
using Myna.GrainInterfaces.Common;
using Npgsql;

namespace Myna.EventStore.Numbers;

/// <summary>
/// Number assignment with no central counter, lock or grain, the way the real system derives numbers:
/// <list type="number">
/// <item>Each person gets a resident record code: an 11-digit value drawn from a keyed HMAC of the person
/// id (and the number's generation and an attempt counter), so it is unpredictable without the key and
/// the same on a retry.</item>
/// <item>The number's 11-digit body is <see cref="NumberPermutation.Permute"/> of the code under a secret
/// key, plus the check digit (so every number validates by construction). The permutation is a
/// bijection: <b>distinct codes always give distinct numbers</b>, and neighbouring codes give unrelated
/// numbers.</item>
/// <item>Codes are drawn at random, so two persons can draw the same code (≈0.1% of draws once the
/// country is numbered). The primary key of <see cref="NumberReservation"/> (a keyed hash of the
/// number, never the number in clear) makes a second reservation impossible to commit, whichever silo
/// tries; the loser takes its next attempt. Hence every committed number belongs to exactly one
/// person.</item>
/// <item>Reservations are never deleted, so a number is never reissued, even after a leak replacement
/// (which draws a new code for the next generation).</item>
/// <item>Every committed reservation is also written to the forward-only journal (<see cref="IForwardJournal"/>)
/// before the number is handed out, so a database restored to an earlier point gets it back before a silo accepts
/// commands (invariant 23).</item>
/// </list>
/// </summary>
public sealed class MartenNumberRegistry(IDocumentStore store, IOptions<EventStoreOptions> options, TimeProvider clock, IForwardJournal journal) : INumberRegistry
{
    private const int MaxCandidates = 64;
    private readonly byte[] _candidateKey = DeriveKey(options.Value.NumberKey, "candidate");
    private readonly byte[] _indexKey = DeriveKey(options.Value.NumberKey, "index");
    private readonly NumberPermutation _permutation = new(DeriveKey(options.Value.NumberKey, "permutation"));

    public async Task<ReservedNumber> ReserveAsync(PersonId person, int generation, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxCandidates; attempt++)
        {
            var candidate = Candidate(person, generation, attempt);
            var id = IndexKey(candidate.Number);
            // Insert first: almost every candidate is free, so one round trip reserves it; only a taken
            // candidate (a retry of this person's own command, or a rare collision) pays for a read.
            await using var session = store.LightweightSession();
            var row = new NumberReservation { Id = id, PersonId = person.Value, Generation = generation, ReservedAt = clock.GetUtcNow() };
            session.Insert(row);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                await JournalAsync([row], cancellationToken);
                return candidate;
            }
            catch (Exception ex) when (IsDuplicate(ex))
            {
                // Already reserved: if by this same person and generation (a retried command, perhaps on
                // another activation) it is ours; otherwise another person holds it: try the next one.
                await using var query = store.QuerySession();
                var winner = await query.LoadAsync<NumberReservation>(id, cancellationToken);
                if (winner?.PersonId == person.Value && winner.Generation == generation)
                {
                    // A retry: journalled again in case the first attempt failed after its commit (entries are idempotent).
                    await JournalAsync([winner], cancellationToken);
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException($"No free Individual Number after {MaxCandidates} candidates; the number space needs attention.");
    }

    public async Task<IReadOnlyList<ReservedNumber>> ReserveManyAsync(IReadOnlyList<PersonId> persons, int generation, CancellationToken cancellationToken = default)
    {
        var candidates = persons.Select(p => Candidate(p, generation, attempt: 0)).ToList();
        await using (var session = store.LightweightSession())
        {
            var now = clock.GetUtcNow();
            var rows = persons.Select((p, i) => new NumberReservation { Id = IndexKey(candidates[i].Number), PersonId = p.Value, Generation = generation, ReservedAt = now }).ToList();
            session.Insert(rows.ToArray());
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                await JournalAsync(rows, cancellationToken);
                return candidates;
            }
            catch (Exception ex) when (IsDuplicate(ex) || ex is AggregateException { InnerExceptions: var all } && all.All(IsDuplicate))
            {
                // Nothing of the transaction was written: each person the single way (their own retry finds theirs).
            }
        }
        var reserved = new ReservedNumber[persons.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, persons.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, token) => reserved[i] = await ReserveAsync(persons[i], generation, token));
        return reserved;
    }

    public async Task<PersonId?> FindAsync(IndividualNumber number, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        var reservation = await query.LoadAsync<NumberReservation>(IndexKey(number), cancellationToken);
        return reservation is null ? null : new PersonId(reservation.PersonId);
    }

    public async Task<int> RebuildIndexAsync(CancellationToken cancellationToken = default)
    {
        const int Batch = 1_000;
        await using var query = store.QuerySession();
        var generations = new Dictionary<Guid, int>();
        var indexed = 0;
        long after = 0;
        // Up to the events there when the rebuild starts: later assignments reserve their own rows as they happen,
        // and a page that cannot grow under it reads with the keys it loaded (others keep appending meanwhile).
        var schema = store.Options.Events.DatabaseSchemaName;
        var highWater = (await query.AdvancedSql.QueryAsync<long>($"select coalesce(max(seq_id), 0) from {schema}.mt_events", cancellationToken)).Single();
        while (true)
        {
            // In global order, so a person's replacements count up their generations as they happened.
            // The numbers are personal data: read with the persons' keys (an erased person's read as empty).
            var from = after;
            var page = await store.PersonalData().ReadAsync(async () => await query.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > from && e.Sequence <= highWater
                    && (e.EventTypeName == AssignedName || e.EventTypeName == ReplacedName))
                .OrderBy(e => e.Sequence)
                .Take(Batch)
                .ToListAsync(cancellationToken), cancellationToken: cancellationToken);
            if (page.Count == 0)
            {
                return indexed;
            }
            await using var session = store.LightweightSession();
            foreach (var e in page)
            {
                switch (e.Data)
                {
                    case IndividualNumberAssigned { Number.IsEmpty: true }:
                    case IndividualNumberReplaced { NewNumber.IsEmpty: true }:
                        // Erased: its reservation row stays (rows are never deleted), but nothing here can rebuild it.
                        break;
                    case IndividualNumberAssigned assigned:
                        generations[assigned.PersonId.Value] = 0;
                        session.Store(Row(assigned.Number, assigned.PersonId, 0, e.Timestamp));
                        indexed++;
                        break;
                    case IndividualNumberReplaced replaced:
                        var generation = generations.GetValueOrDefault(replaced.PersonId.Value) + 1;
                        generations[replaced.PersonId.Value] = generation;
                        session.Store(Row(replaced.NewNumber, replaced.PersonId, generation, e.Timestamp));
                        indexed++;
                        break;
                    default:
                        break;
                }
            }
            await session.SaveChangesAsync(cancellationToken);
            after = page[^1].Sequence;
        }
    }

    private Task JournalAsync(IReadOnlyList<NumberReservation> rows, CancellationToken cancellationToken) =>
        journal.AppendAsync(rows.Select(r => JournalEntry.Reservation(r.Id, r.PersonId, r.Generation, r.ReservedAt)).ToList(), cancellationToken);

    private static readonly string AssignedName = EventNames.Of<IndividualNumberAssigned>();
    private static readonly string ReplacedName = EventNames.Of<IndividualNumberReplaced>();

    private NumberReservation Row(IndividualNumber number, PersonId person, int generation, DateTimeOffset at) =>
        new() { Id = IndexKey(number), PersonId = person.Value, Generation = generation, ReservedAt = at };

    internal ReservedNumber Candidate(PersonId person, int generation, int attempt)
    {
        var code = CandidateCode(person, generation, attempt);
        return new ReservedNumber(code, IndividualNumber.FromBody(_permutation.PermuteToBody(code.Value)));
    }

    private ResidentRecordCode CandidateCode(PersonId person, int generation, int attempt)
    {
        Span<byte> input = stackalloc byte[24];
        person.Value.TryWriteBytes(input);
        BinaryPrimitives.WriteInt32BigEndian(input[16..], generation);
        BinaryPrimitives.WriteInt32BigEndian(input[20..], attempt);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_candidateKey, input, mac);
        // 64 bits reduced mod 10^11: the bias (≈ 10^11 / 2^64) is negligible.
        return new ResidentRecordCode((long)(BinaryPrimitives.ReadUInt64BigEndian(mac) % (ulong)ResidentRecordCode.Space));
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

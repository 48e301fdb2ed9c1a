using Marten;
using Myna.Domain.Clinics;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Benchmarks.Harness;

/// <summary>
/// The baseline side of the ledger figures: the same <c>eligibility_checked_v1</c> event the grain records,
/// built by the same pure domain function, appended straight through Marten (one session per append,
/// with the same causation/correlation metadata), with no grain, no HTTP and no batching.
/// </summary>
public static class RawLedger
{
    private static readonly Actor Terminal = new("desk-1", "terminal", "1310000001");

    // A valid number (the stored event is read back through the validating converter).
    private static readonly InsurerNumber Insurer = new("0613999" + InsurerNumber.ComputeCheckDigit("0613999"));

    public static RecordEligibilityCheck Command(Guid checkId) =>
        new(checkId, new CardId(Guid.NewGuid()), "1310000001", "desk-1", VerificationMethod.Pin, null, true, null, Insurer, []);

    public static object[] Events(Guid person, Guid checkId) =>
        EligibilityRules.Record(new PersonId(person), Command(checkId), DateTimeOffset.UtcNow, Terminal).Events.Cast<object>().ToArray();

    public static string Key(Guid person) => StreamRef.LedgerOf(new PersonId(person)).Key;

    /// <summary>
    /// One append of one event, in its own session and transaction (no expected version). Two writers
    /// appending to the same stream at once collide on the next version: the loser tries again, as any
    /// writer without a grain in front must.
    /// </summary>
    public static async Task AppendAsync(IDocumentStore store, Guid person)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var commandId = Guid.NewGuid();
            session.CausationId = commandId.ToString("D");
            session.CorrelationId = commandId.ToString("D");
            session.SetHeader("channel", "bench");
            session.SetHeader("command-fingerprint", "bench");
            session.Events.Append(Key(person), Events(person, Guid.NewGuid()));
            try
            {
                await session.SaveChangesAsync();
                return;
            }
            catch (Exception ex) when (attempt < 20 && IsConflict(ex))
            {
                // the same stream moved under us: append again
            }
        }
    }

    private static bool IsConflict(Exception ex) => ex is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
        or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.MartenCommandException
        || ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// The decide-on-current-state baseline for a hot stream: read the version, append with that version
    /// expected, and on a conflict try again (what every writer without a grain must do).
    /// </summary>
    public static async Task<int> AppendExpectingAsync(IDocumentStore store, Guid person)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var state = await session.Events.FetchStreamStateAsync(Key(person));
            var version = state?.Version ?? 0;
            var events = Events(person, Guid.NewGuid());
            var commandId = Guid.NewGuid().ToString("D");
            session.CausationId = commandId;
            session.CorrelationId = commandId;
            if (version == 0)
            {
                session.Events.StartStream(Key(person), events);
            }
            else
            {
                session.Events.Append(Key(person), version + events.Length, events);
            }
            try
            {
                await session.SaveChangesAsync();
                return attempt;
            }
            catch (Exception ex) when (IsConflict(ex))
            {
                if (attempt > 1_000)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>Writes a ledger stream of <paramref name="length"/> events in pages (seeding, not measured).</summary>
    public static async Task SeedStreamAsync(IDocumentStore store, Guid person, int length)
    {
        const int page = 1_000;
        for (var written = 0; written < length; written += page)
        {
            var count = Math.Min(page, length - written);
            await using var session = store.LightweightSession();
            var events = Enumerable.Range(0, count).SelectMany(_ => Events(person, Guid.NewGuid())).ToArray();
            var action = session.Events.Append(Key(person), events);
            foreach (var e in action.Events)
            {
                // One command per event, as the grain records them.
                e.CausationId = Guid.NewGuid().ToString("D");
                e.CorrelationId = e.CausationId;
                e.SetHeader("channel", "bench");
                e.SetHeader("command-fingerprint", "bench");
            }
            await session.SaveChangesAsync();
        }
    }
}

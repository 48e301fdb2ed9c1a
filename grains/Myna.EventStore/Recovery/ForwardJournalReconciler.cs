using Marten;
using Microsoft.Extensions.Logging;
using Myna.Domain.Recovery;
using Myna.EventStore.Numbers;
using Myna.EventStore.Privacy;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Recovery;

/// <summary>What one reconciliation found and did; the persons are those whose reservation a restore had lost.</summary>
public sealed record ReconciliationOutcome(ForwardJournalReconciled Run, IReadOnlyList<Guid> PersonsWithRestoredReservations);

/// <summary>
/// Brings PostgreSQL and the key table forward to the journal (invariant 23), before a silo accepts commands:
/// <list type="bullet">
/// <item>every journalled number reservation missing from <see cref="NumberReservation"/> is inserted again, so no
/// number handed out before a restore can be handed out again (a reservation held by another person is a conflict,
/// reported, never overwritten);</item>
/// <item>every journalled key destruction is applied again, so a key table restored from an export decrypts nothing
/// that was erased.</item>
/// </list>
/// It reads the journal from where the previous run ended (the last event of its own stream, which a restore rolls
/// back with the database, so the lost window is always covered) and records the run as an event.
/// </summary>
public sealed class ForwardJournalReconciler(
    IDocumentStore store,
    IForwardJournal journal,
    AzureTablePersonalDataKeyStore keys,
    IEventStreamStore streams,
    TimeProvider clock,
    ILogger<ForwardJournalReconciler> logger)
{
    public const string StreamKey = "recovery-forward-journal";
    private const int Chunk = 1_000;
    private static readonly Actor System = new("system", "forward-journal-reconciliation");

    public async Task<ReconciliationOutcome> RunAsync(string host, CancellationToken cancellationToken = default)
    {
        var runId = Guid.NewGuid();
        // The journal is read by the wall clock its blobs are named by.
        var through = TimeProvider.System.GetUtcNow();
        var from = await LastThroughAsync(cancellationToken);
        var reservations = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        var destroyed = new HashSet<Guid>();
        await foreach (var entry in journal.ReadSinceAsync(from, cancellationToken))
        {
            switch (entry)
            {
                case { Kind: JournalEntry.NumberReserved, ReservationId: { } id, PersonId: not null, Generation: not null }:
                    reservations.TryAdd(id, entry);
                    break;
                case { Kind: JournalEntry.KeyDestroyed, Subject: { } subject }:
                    destroyed.Add(subject);
                    break;
                default:
                    throw new InvalidDataException($"A journal entry of kind '{entry.Kind}' is incomplete.");
            }
        }

        var (restored, conflicts) = await RestoreReservationsAsync(reservations.Values, cancellationToken);
        var destroyedAgain = 0;
        foreach (var subject in destroyed)
        {
            if (await keys.TombstoneAsync(subject, cancellationToken))
            {
                destroyedAgain++;
            }
        }
        var run = new ForwardJournalReconciled(runId, host, from, through, reservations.Count, restored.Count, conflicts,
            destroyed.Count, destroyedAgain, clock.GetUtcNow(), System);
        await RecordAsync(run, cancellationToken);
        if (restored.Count > 0 || destroyedAgain > 0 || conflicts > 0)
        {
            logger.LogWarning(
                "Forward journal reconciliation {Run}: {Restored} number reservations restored, {Conflicts} conflicting, {Destroyed} keys destroyed again",
                runId, restored.Count, conflicts, destroyedAgain);
        }
        else
        {
            logger.LogInformation("Forward journal reconciliation {Run}: {Reservations} reservations and {Destructions} destructions checked, nothing to restore",
                runId, reservations.Count, destroyed.Count);
        }
        return new ReconciliationOutcome(run, restored);
    }

    /// <summary>Where the previous run read to, as this database remembers it (null: never reconciled, read it all).</summary>
    private async Task<DateTimeOffset?> LastThroughAsync(CancellationToken cancellationToken)
    {
        var version = await streams.GetVersionAsync(StreamKey, cancellationToken);
        if (version == 0)
        {
            return null;
        }
        // The last run is enough to know where to read from: each run reads to its own start.
        var last = await streams.ReadAsync(StreamKey, version, 1, cancellationToken);
        return Myna.Domain.EventSourcing.AggregateState.Fold(ReconciliationHistory.Initial, last.Select(e => e.Data).OfType<IReconciliationEvent>()).LastThrough;
    }

    private async Task<(List<Guid> Restored, int Conflicts)> RestoreReservationsAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var restored = new List<Guid>();
        var conflicts = 0;
        foreach (var chunk in entries.Chunk(Chunk))
        {
            await using var session = store.LightweightSession();
            var existing = (await session.LoadManyAsync<NumberReservation>(cancellationToken, chunk.Select(e => e.ReservationId!).ToArray()))
                .ToDictionary(r => r.Id, StringComparer.Ordinal);
            foreach (var entry in chunk)
            {
                if (existing.TryGetValue(entry.ReservationId!, out var row))
                {
                    if (row.PersonId != entry.PersonId || row.Generation != entry.Generation)
                    {
                        conflicts++;
                    }
                    continue;
                }
                session.Insert(new NumberReservation
                {
                    Id = entry.ReservationId!,
                    PersonId = entry.PersonId!.Value,
                    Generation = entry.Generation!.Value,
                    ReservedAt = entry.At,
                });
                restored.Add(entry.PersonId!.Value);
            }
            await session.SaveChangesAsync(cancellationToken);
        }
        return (restored, conflicts);
    }

    /// <summary>Appends the run to the reconciliation stream; silos starting together take turns (expected version).</summary>
    private async Task RecordAsync(ForwardJournalReconciled run, CancellationToken cancellationToken)
    {
        var metadata = new AppendMetadata(run.RunId, run.RunId, "recovery", "forward-journal-reconciliation");
        for (var attempt = 0; ; attempt++)
        {
            var version = await streams.GetVersionAsync(StreamKey, cancellationToken);
            try
            {
                await streams.AppendAsync(StreamKey, version, [run], metadata, cancellationToken);
                return;
            }
            catch (StreamConflictException) when (attempt < 20)
            {
                // Another silo recorded its run first: append after it.
            }
        }
    }
}

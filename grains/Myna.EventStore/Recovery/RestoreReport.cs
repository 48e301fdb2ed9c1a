using Myna.EventStore.Integrity;

namespace Myna.EventStore.Recovery;

/// <summary>Versions of one stream that the latest checkpoint saw and the restored store no longer holds.</summary>
public sealed record LostVersions(string StreamKey, long KeptThrough, long LostFrom, long LostThrough);

/// <summary>
/// After a restore: the journal's reconciliation, the hash chains verified against the latest checkpoint (kept in blob
/// storage, so it remembers what the restored database forgot), and exactly which versions of which streams are lost.
/// Streams begun after that checkpoint and lost with the restore are not known to it; the persons among them who had a
/// number are named by the reconciliation (their reservations came back from the journal).
/// </summary>
public sealed record RestoreReport(
    ReconciliationOutcome Reconciliation,
    string? CheckpointId,
    DateTimeOffset? CheckpointTakenAt,
    int StreamsChecked,
    int StreamsIntact,
    IReadOnlyList<LostVersions> Lost,
    IReadOnlyList<StreamVerification> Damaged,
    long EventsVerified,
    double ReconciliationSeconds,
    double VerificationSeconds)
{
    /// <summary>True when every chain verifies, or breaks only where versions were lost (nothing rewritten or inserted).</summary>
    public bool Consistent => Damaged.Count == 0;
}

public sealed class RestoreCheck(ForwardJournalReconciler reconciler, ChainVerifier verifier, ICheckpointStore checkpoints)
{
    public async Task<RestoreReport> RunAsync(string host, CancellationToken cancellationToken = default)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var reconciliation = await reconciler.RunAsync(host, cancellationToken);
        var reconciled = watch.Elapsed;
        var checkpoint = await checkpoints.LatestAsync(cancellationToken);
        var verification = await verifier.VerifyAllAsync(cancellationToken);
        var lost = new List<LostVersions>();
        if (checkpoint is not null)
        {
            var now = (await verifier.ReadHeadsAsync(cancellationToken)).ToDictionary(h => h.StreamKey, h => h.Version, StringComparer.Ordinal);
            foreach (var head in checkpoint.Heads.OrderBy(h => h.StreamKey, StringComparer.Ordinal))
            {
                var kept = now.GetValueOrDefault(head.StreamKey);
                if (kept < head.Version)
                {
                    lost.Add(new LostVersions(head.StreamKey, kept, kept + 1, head.Version));
                }
            }
        }
        // A truncation the loss list names is explained; anything else (rewritten, inserted, reordered) is damage.
        var explained = lost.Select(l => l.StreamKey).ToHashSet(StringComparer.Ordinal);
        var damaged = verification.Broken.Where(b => !(b.Problem == ChainProblem.Truncated && explained.Contains(b.StreamKey))).ToList();
        return new RestoreReport(reconciliation, checkpoint?.Id, checkpoint?.TakenAt, verification.StreamsChecked, verification.StreamsIntact, lost, damaged,
            verification.EventsChecked, reconciled.TotalSeconds, (watch.Elapsed - reconciled).TotalSeconds);
    }
}

using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Npgsql;

namespace Myna.EventStore.Cards;

/// <summary>
/// An eligibility check consumes its sealed challenge in the transaction that puts the check on the patient's
/// ledger: the check's id is its challenge's id, and this inline projection <b>inserts</b> (never upserts) the
/// challenge's <see cref="ConsumedChallenge"/> row beside the <c>eligibility_checked_v1</c> event. A second check
/// under the same challenge, on any ledger, in any silo, in the same batch or later, finds the row's primary key
/// taken: its whole transaction rolls back, and the ledger append is refused (<see cref="IsReplay"/>). One durable
/// commit per check instead of two (the consumption's own group commit, then the ledger's), and the answer still
/// leaves only once both are durable, together. Other purposes (portal login, kiosk, relying parties) consume
/// through <see cref="IConsumedChallengeRegistry"/>, into the same table.
/// </summary>
public sealed partial class ConsumedChallengeProjection : EventProjection
{
    public const string ProjectionName = "ConsumedEligibilityChallenges";

    public ConsumedChallengeProjection()
    {
        Name = ProjectionName;
        IncludeType<EligibilityChecked>();
        RegisterPublishedType(typeof(ConsumedChallenge));
    }

    /// <summary>
    /// The row: purgeable a challenge lifetime after the check (an upper bound of the challenge's own expiry, which
    /// the check could not have passed), and the ledger command that consumed it.
    /// </summary>
    public static ConsumedChallenge RowOf(EligibilityChecked check, string? causationId) => new()
    {
        Id = check.CheckId,
        Purpose = SealedChallenge.Name(ChallengePurpose.EligibilityCheck),
        ExpiresAt = check.OccurredAt + SealedChallenge.Lifetime,
        ConsumedBy = Guid.TryParse(causationId, out var command) ? command : null,
    };

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is EligibilityChecked check)
        {
            operations.Insert(RowOf(check, e.CausationId));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>True when a commit was refused because a challenge it consumes was already consumed (a replay).</summary>
    public static bool IsReplay(Exception ex) => ex switch
    {
        JasperFx.DocumentAlreadyExistsException { DocType: var type } => type == typeof(ConsumedChallenge),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: var table } =>
            string.Equals(table, TableName, StringComparison.OrdinalIgnoreCase),
        AggregateException { InnerExceptions: var all } => all.Any(IsReplay),
        { InnerException: { } inner } => IsReplay(inner),
        _ => false,
    };

    private const string TableName = "mt_doc_consumedchallenge";
}

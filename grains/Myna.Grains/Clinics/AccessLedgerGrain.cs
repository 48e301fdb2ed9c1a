using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.Domain.Portal;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Clinics;

/// <summary>
/// A person's access ledger for clinic reads, on its own stream. Appends go through the batching store:
/// many persons' checks share one database round trip, and each check is answered only once its ledger
/// event is durable. Retries are idempotent through the same receipts as every other stream.
/// </summary>
public sealed class AccessLedgerGrain(
    BatchingEventStreamStore store,
    IStreamPageReader pages,
    TimeProvider clock,
    ILogger<AccessLedgerGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<LedgerState, ILedgerEvent>(store, clock, logger, snapshots), IAccessLedgerGrain
{
    public const int MaxPage = 200;

    private PersonId Id => new(this.GetPrimaryKey());

    protected override StreamRef Stream => StreamRef.LedgerOf(Id);

    /// <summary>
    /// The check and, when the patient was confirmed and consented, the consent: the consent's directory row (the
    /// clinic's later reads find the patient by check id) is written by its projection in the same shared commit.
    /// </summary>
    public Task<Result<LedgerReceipt>> RecordEligibilityCheck(CommandContext context, RecordEligibilityCheck command) =>
        Execute(context, command,
            _ => Task.FromResult(EligibilityRules.Record(Id, command, Now, context.Actor)),
            state => Result<LedgerReceipt>.Ok(new LedgerReceipt(Version,
                state.RecentConsents.FindLast(c => c.ConsentId == command.CheckId)?.ValidUntil)));

    public Task<Result<long>> RecordMedicalRead(CommandContext context, Myna.GrainInterfaces.Medical.RecordMedicalRead command) =>
        Execute(context, command,
            _ => Task.FromResult(MedicalReadRules.Record(Id, command, Now, context.Actor)),
            _ => Result<long>.Ok(Version));

    public Task<Result<long>> RecordDisasterLookup(CommandContext context, Myna.GrainInterfaces.Disasters.RecordDisasterLookup command) =>
        Execute(context, command,
            _ => Task.FromResult(Decision<ILedgerEvent>.Accept(new DisasterLookupPerformed(Id, command.LookupId, command.DisasterId,
                command.Institution, command.TerminalId, command.IncludedMedication, Now, context.Actor))),
            _ => Result<long>.Ok(Version));

    public Task<IReadOnlyList<ClinicConsentView>> GetClinicConsents() =>
        Task.FromResult(EligibilityRules.Consents(Current, Now));

    public async Task<IReadOnlyList<AccessLedgerEntry>> GetEntries(long fromVersion, int limit)
    {
        var events = await store.ReadAsync(Stream.Key, Math.Max(1, fromVersion), Math.Clamp(limit, 1, MaxPage));
        return events.Select(Describe).ToList();
    }

    public Task<Result<LedgerReceipt>> RecordAgencyRequest(CommandContext context, RecordAgencyRequest command) =>
        Record(context, command, () => AccessLedgerEntries.AgencyRequest(Id, command, Now, context.Actor));

    public Task<Result<LedgerReceipt>> RecordAppRequest(CommandContext context, RecordAppRequest command) =>
        Record(context, command, () => AccessLedgerEntries.AppRead(Id, command, Now, context.Actor));

    public Task<Result<LedgerReceipt>> RecordProxyAccess(CommandContext context, RecordProxyAccess command) =>
        Record(context, command, () => AccessLedgerEntries.ProxyAccess(Id, command, Now, context.Actor));

    public Task<Result<LedgerReceipt>> RecordStaffRead(CommandContext context, RecordStaffRead command) =>
        Execute(context, command,
            state => Task.FromResult(AccessLedgerEntries.StaffRead(Id, command, Now, context.Actor, context.Scope, state.LatestStaffRead)),
            _ => Result<LedgerReceipt>.Ok(new LedgerReceipt(Version, null)));

    public Task<Result<LedgerReceipt>> RecordNumberReveal(CommandContext context, RecordNumberReveal command) =>
        Record(context, command, () => AccessLedgerEntries.Reveal(Id, command, Now, context.Actor));

    public async Task<LedgerPage> Query(LedgerQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxPage);
        var types = query.Kinds is { Count: > 0 } kinds
            ? kinds.SelectMany(k => AccessLedgerEntries.Kinds.TryGetValue(k, out var t) ? t : []).Distinct().ToList()
            : null;
        if (types is { Count: 0 })
        {
            return new LedgerPage([], null);
        }
        // One more than asked: its presence says there is a next page.
        var events = await pages.ReadBackwardAsync(Stream.Key, query.Before, types, query.From, query.To, limit + 1);
        var entries = events.Take(limit).Select(Describe).ToList();
        return new LedgerPage(entries, events.Count > limit ? entries[^1].Version : null);
    }

    private Task<Result<LedgerReceipt>> Record<TCommand>(CommandContext context, TCommand command, Func<Decision<ILedgerEvent>> decide)
        where TCommand : notnull =>
        Execute(context, command, _ => Task.FromResult(decide()), _ => Result<LedgerReceipt>.Ok(new LedgerReceipt(Version, null)));

    private static AccessLedgerEntry Describe(StoredEvent e) =>
        e.Data is ILedgerEvent ledger
            ? AccessLedgerEntries.Describe(e.Version, ledger)
            : new AccessLedgerEntry(e.Version, e.RecordedAt, "system", "system", e.EventTypeName, string.Empty, false);
}

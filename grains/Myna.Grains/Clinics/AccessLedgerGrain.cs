using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Services;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.EventSourcing;

namespace Myna.Grains.Clinics;

/// <summary>
/// A person's access ledger for clinic reads, on its own stream. Appends go through the batching store:
/// many persons' checks share one database round trip, and each check is answered only once its ledger
/// event is durable. Retries are idempotent through the same receipts as every other stream.
/// </summary>
public sealed class AccessLedgerGrain(
    BatchingEventStreamStore store,
    IClinicConsentDirectory consents,
    TimeProvider clock,
    ILogger<AccessLedgerGrain> logger,
    IOptions<SnapshotOptions> snapshots)
    : EventSourcedGrain<LedgerState, ILedgerEvent>(store, clock, logger, snapshots), IAccessLedgerGrain
{
    public const int MaxPage = 200;

    private PersonId Id => new(this.GetPrimaryKey());

    protected override StreamRef Stream => StreamRef.LedgerOf(Id);

    public async Task<Result<LedgerReceipt>> RecordEligibilityCheck(CommandContext context, RecordEligibilityCheck command)
    {
        var result = await Execute(context, command,
            _ => Task.FromResult(EligibilityRules.Record(Id, command, Now, context.Actor)),
            state => Result<LedgerReceipt>.Ok(new LedgerReceipt(Version,
                state.RecentConsents.FindLast(c => c.ConsentId == command.CheckId)?.ValidUntil)));
        if (result.Value is { ConsentValidUntil: not null })
        {
            // After confirmation only, and idempotent: lets the clinic's later reads find the patient by check id.
            await consents.RecordAsync(command.CheckId, Id, command.Institution);
        }
        return result;
    }

    public Task<Result<long>> RecordMedicalRead(CommandContext context, Myna.GrainInterfaces.Services.RecordMedicalRead command) =>
        Execute(context, command,
            _ => Task.FromResult(MedicalReadRules.Record(Id, command, Now, context.Actor)),
            _ => Result<long>.Ok(Version));

    public Task<Result<long>> RecordDisasterLookup(CommandContext context, Myna.GrainInterfaces.Services.RecordDisasterLookup command) =>
        Execute(context, command,
            _ => Task.FromResult(Decision<ILedgerEvent>.Accept(new DisasterLookupPerformed(Id, command.LookupId, command.DisasterId,
                command.Institution, command.TerminalId, command.IncludedMedication, Now, context.Actor))),
            _ => Result<long>.Ok(Version));

    public Task<IReadOnlyList<ClinicConsentView>> GetClinicConsents() =>
        Task.FromResult(EligibilityRules.Consents(Current, Now));

    public async Task<IReadOnlyList<AccessLedgerEntry>> GetEntries(long fromVersion, int limit)
    {
        var events = await store.ReadAsync(Stream.Key, Math.Max(1, fromVersion), Math.Clamp(limit, 1, MaxPage));
        return events.Select(e => e.Data switch
        {
            EligibilityChecked c => new AccessLedgerEntry(e.Version, c.OccurredAt, "institution", c.Institution,
                "eligibility-check:" + (c.Eligible ? "eligible" : c.Reason ?? "not-eligible"),
                $"reception ({KebabMethod(c.Method)}{(c.StaffId is null ? string.Empty : ", staff " + c.StaffId)})", !c.Eligible),
            DisasterLookupPerformed d => new AccessLedgerEntry(e.Version, d.OccurredAt, "institution", d.Institution,
                "disaster-lookup:eligibility" + (d.IncludedMedication ? ",MedicationHistory" : string.Empty),
                $"disaster mode without card or consent (disaster {d.DisasterId:D})", false),
            MedicalInformationRead m => new AccessLedgerEntry(e.Version, m.OccurredAt, "institution", m.Institution,
                "medical-information:" + string.Join(",", m.Items.Select(i => i.ToString())),
                m.RefusedBecause is null ? $"under the consent of check {m.CheckId:D}" : "refused: " + m.RefusedBecause, m.RefusedBecause is not null),
            ClinicConsentGiven g => new AccessLedgerEntry(e.Version, g.OccurredAt, "institution", g.Institution,
                "consent:" + string.Join(",", g.Scopes.Select(s => s.ToString())), $"valid until {g.ValidUntil:O}", false),
            _ => new AccessLedgerEntry(e.Version, e.RecordedAt, "system", "system", e.EventTypeName, string.Empty, false),
        }).ToList();
    }

    private static string KebabMethod(VerificationMethod method) => method switch
    {
        VerificationMethod.Pin => "pin",
        VerificationMethod.FaceMatch => "face-match",
        _ => "visual-check",
    };
}

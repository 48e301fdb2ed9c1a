using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Medical;

namespace Myna.Domain.Medical;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

/// <summary>An event on a person's medical information stream ("medical-{person}").</summary>
public interface IMedicalEvent : IDomainEvent
{
    PersonId PersonId { get; }
}

/// <summary>Records from one insurer batch reached the person (only those not already kept).</summary>
[EventName("medical_records_received_v1")]
public sealed record MedicalRecordsReceived(
    PersonId PersonId,
    string BatchId,
    InsurerNumber Insurer,
    IReadOnlyList<MedicalRecord> Records,
    DateTimeOffset OccurredAt,
    Actor Actor) : IMedicalEvent;

public sealed record MedicalState : IAggregateState<MedicalState, IMedicalEvent>
{
    public static MedicalState Initial { get; } = new();

    public ImmutableList<MedicalRecordView> Records { get; init; } = [];
    public ImmutableHashSet<string> Keys { get; init; } = [];

    public MedicalState Apply(IMedicalEvent @event) => @event switch
    {
        MedicalRecordsReceived e => e.Records
            .Where(r => !Keys.Contains(MedicalRules.Key(e.Insurer, r.RecordId)))
            .Aggregate(this, (s, r) => s with
            {
                Records = s.Records.Add(new MedicalRecordView(e.Insurer, r)),
                Keys = s.Keys.Add(MedicalRules.Key(e.Insurer, r.RecordId)),
            }),
        _ => this,
    };
}

/// <summary>Medical information: the feed's rules and what a clinic may see under which consent.</summary>
public static class MedicalRules
{
    public static string Key(InsurerNumber insurer, string recordId) => insurer.Value + "/" + recordId;

    /// <summary>The consent a clinic needs for each kind; expenses are for the resident alone.</summary>
    public static ClinicConsentScope? ScopeFor(MedicalRecordKind kind) => kind switch
    {
        MedicalRecordKind.MedicationDispensed => ClinicConsentScope.MedicationHistory,
        MedicalRecordKind.HealthCheckResult => ClinicConsentScope.HealthCheckResults,
        _ => null,
    };

    public static Decision<IMedicalEvent> Receive(MedicalState state, PersonId person, ReceiveMedicalRecords command, DateTimeOffset now, Actor actor)
    {
        var fresh = command.Records
            .DistinctBy(r => r.RecordId)
            .Where(r => !state.Keys.Contains(Key(command.Insurer, r.RecordId)))
            .ToList();
        return fresh.Count == 0
            ? Decision<IMedicalEvent>.Accept()
            : Decision<IMedicalEvent>.Accept(new MedicalRecordsReceived(person, command.BatchId, command.Insurer, fresh, now, actor));
    }

    /// <summary>The records a clinic may see for these consented items, newest first.</summary>
    public static IReadOnlyList<MedicalRecord> ForClinic(IEnumerable<MedicalRecordView> records, IReadOnlyCollection<ClinicConsentScope> items) =>
        records
            .Where(r => ScopeFor(r.Record.Kind) is { } scope && items.Contains(scope))
            .Select(r => r.Record)
            .OrderByDescending(r => r.On)
            .ToList();

    /// <summary>Why a clinic may not read these items under this consent now, or null.</summary>
    public static string? Refusal(ClinicConsentView? consent, string institution, IReadOnlyCollection<ClinicConsentScope> items) =>
        consent is null || consent.Institution != institution ? "no-consent"
        : !consent.Active ? "consent-expired"
        : items.Any(i => !consent.Scopes.Contains(i)) ? "item-not-consented"
        : null;
}

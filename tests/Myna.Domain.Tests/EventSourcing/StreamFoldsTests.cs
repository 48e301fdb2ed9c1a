using System.Text.Json;
using Myna.Domain.Disasters;
using Myna.Domain.EventSourcing;
using Myna.Domain.Kiosks;
using Myna.Domain.Medical;
using Myna.Domain.Persons;
using Myna.Domain.Portal;
using Myna.Domain.Procedures;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Kiosks;
using Myna.GrainInterfaces.Medical;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Myna.GrainInterfaces.Procedures;

namespace Myna.Domain.Tests.EventSourcing;

/// <summary>
/// The audit's state as of a version: every stream kind folds its stored events with its grain's own Apply, a
/// prefix of the history to the state then, and the state is written as JSON (the audit's answer) without error.
/// </summary>
public sealed class StreamFoldsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Operator = new("operator-1", "operator");
    private static readonly PersonId Person = new(Guid.Parse("0193a000-0000-7000-8000-000000000001"));

    /// <summary>Folds the first <paramref name="count"/> events (all when null) as the audit does, and checks the state writes as JSON.</summary>
    private static T Fold<T>(StreamKind kind, IReadOnlyList<object> history, int? count = null)
    {
        Assert.True(StreamFolds.TryFold(kind, history.Take(count ?? history.Count), out var state), $"{kind} has no fold");
        var json = JsonSerializer.Serialize(state, state.GetType(), JsonSerializerOptions.Web);
        Assert.StartsWith("{", json, StringComparison.Ordinal);
        return Assert.IsType<T>(state);
    }

    [Fact]
    public void Every_stream_kind_the_audit_routes_accept_has_a_fold()
    {
        Assert.Equal(Enum.GetValues<StreamKind>().Order(), StreamFolds.Kinds.Order());
        foreach (var kind in Enum.GetValues<StreamKind>())
        {
            Assert.True(StreamFolds.TryFold(kind, [], out var initial), $"{kind} has no fold");
            Assert.NotNull(initial);
        }
    }

    [Fact]
    public void A_kind_without_a_fold_is_named_by_a_stable_code()
    {
        var error = StreamFolds.NotFoldable(StreamKind.Portal);
        Assert.Equal(("audit.stream-not-foldable", ErrorKind.RuleViolated), (error.Code, error.Kind));
        Assert.Contains("portal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bulk_registration_jobs_state_follows_its_chunks_and_completion()
    {
        var job = Guid.NewGuid();
        var clerk = new Actor("clerk-1", "municipality");
        IReadOnlyList<object> history =
        [
            new BulkRegistrationJobStarted(job, new MunicipalityCode("131016"), 3, "digest", T0, clerk),
            new BulkRegistrationJobChunkRecorded(job, 0,
                [new("a", BulkRegistrationJobLine.Created, Guid.NewGuid(), null), new("b", BulkRegistrationJobLine.Refused, null, "person.invalid-name")], T0.AddSeconds(1), clerk),
            new BulkRegistrationJobChunkRecorded(job, 2, [new("c", BulkRegistrationJobLine.Existing, Guid.NewGuid(), null)], T0.AddSeconds(2), clerk),
            new BulkRegistrationJobCompleted(job, 1, 1, 1, T0.AddSeconds(3), clerk),
        ];

        var started = Fold<BulkRegistrationJobState>(StreamKind.BulkRegistrationJob, history, 1);
        var halfway = Fold<BulkRegistrationJobState>(StreamKind.BulkRegistrationJob, history, 2);
        var done = Fold<BulkRegistrationJobState>(StreamKind.BulkRegistrationJob, history);

        Assert.Equal((true, 3, 0, false), (started.Started, started.Total, started.Done, started.Completed));
        Assert.Equal((2, 1, 1, false), (halfway.Done, halfway.Created, halfway.Refused, halfway.Completed));
        Assert.Equal((3, 1, 1, 1, true), (done.Done, done.Created, done.Existing, done.Refused, done.Completed));
    }

    [Fact]
    public void A_portals_state_follows_its_logins_consents_and_proxies()
    {
        var session = Guid.NewGuid();
        var consent = Guid.NewGuid();
        var resident = new Actor(Person.ToString(), "resident");
        IReadOnlyList<object> history =
        [
            new ResidentLoggedIn(Person, session, new CardId(Guid.NewGuid()), "S-1", "place-1", true, "hash-1", T0.AddDays(30), T0, resident),
            new AppConsentGranted(Person, consent, "kakeibo", "家計簿", [AppItem.IncomeSummary], T0.AddDays(365), T0.AddMinutes(1), resident),
            new AppConsentRevoked(Person, consent, "kakeibo", "no longer used", T0.AddMinutes(2), resident),
            new PortalSessionEnded(Person, session, "logout", T0.AddMinutes(3), resident),
        ];

        var granted = Fold<PortalState>(StreamKind.Portal, history, 2);
        var ended = Fold<PortalState>(StreamKind.Portal, history);

        Assert.Equal((consent, (DateTimeOffset?)null), (Assert.Single(granted.Consents).ConsentId, granted.Consents[0].RevokedAt));
        Assert.Null(Assert.Single(granted.Sessions).EndedBecause);
        Assert.Equal(T0.AddMinutes(2), Assert.Single(ended.Consents).RevokedAt);
        Assert.Equal("logout", Assert.Single(ended.Sessions).EndedBecause);
        Assert.Equal(T0, ended.LastLoginAt);
    }

    [Fact]
    public void An_apps_state_is_its_registration()
    {
        IReadOnlyList<object> history = [new ThirdPartyAppRegistered("kakeibo", "家計簿", [AppItem.IncomeSummary, AppItem.BasicFourItems], T0, Operator)];

        var before = Fold<AppState>(StreamKind.App, history, 0);
        var registered = Fold<AppState>(StreamKind.App, history);

        Assert.False(before.IsRegistered);
        Assert.Equal((true, "kakeibo", "家計簿", 2), (registered.IsRegistered, registered.AppId, registered.Name, registered.AllowedItems.Count));
    }

    [Fact]
    public void A_kiosks_state_follows_its_registration_and_withdrawal()
    {
        IReadOnlyList<object> history =
        [
            new KioskRegistered("k-0001", "コンビニ 千代田店", "13", new ServiceHours(new TimeOnly(6, 30), new TimeOnly(23, 0)), T0, Operator),
            new KioskWithdrawn("k-0001", "closed", T0.AddDays(1), Operator),
        ];

        var registered = Fold<KioskState>(StreamKind.Kiosk, history, 1);
        var withdrawn = Fold<KioskState>(StreamKind.Kiosk, history);

        Assert.Equal((true, "k-0001", "13", false), (registered.IsRegistered, registered.Id, registered.Prefecture, registered.Withdrawn));
        Assert.True(withdrawn.Withdrawn);
    }

    [Fact]
    public void A_medical_streams_state_keeps_each_fed_record_once()
    {
        var insurer = new InsurerNumber("138057");
        var feeder = new Actor("feeder-1", "medical-feeder");
        var dispensed = new MedicalRecord("r-1", MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 9, 1), "薬A", null, null, "薬局");
        var checkup = new MedicalRecord("r-2", MedicalRecordKind.HealthCheckResult, new DateOnly(2026, 9, 2), "健診", "BMI 22", null, "病院");
        IReadOnlyList<object> history =
        [
            new MedicalRecordsReceived(Person, "batch-1", insurer, [dispensed], T0, feeder),
            new MedicalRecordsReceived(Person, "batch-2", insurer, [dispensed, checkup], T0.AddDays(1), feeder),
        ];

        var first = Fold<MedicalState>(StreamKind.Medical, history, 1);
        var both = Fold<MedicalState>(StreamKind.Medical, history);

        Assert.Single(first.Records);
        Assert.Equal(["r-1", "r-2"], both.Records.Select(r => r.Record.RecordId));
    }

    [Fact]
    public void A_disasters_state_follows_its_declaration_and_end()
    {
        var disaster = Guid.NewGuid();
        IReadOnlyList<object> history =
        [
            new DisasterDeclared(disaster, "令和8年豪雨", [new MunicipalityCode("131016")], T0, T0.AddDays(30), T0, Operator),
            new DisasterEnded(disaster, "measures over", T0.AddDays(10), Operator),
        ];

        var declared = Fold<DisasterState>(StreamKind.Disaster, history, 1);
        var ended = Fold<DisasterState>(StreamKind.Disaster, history);

        Assert.Equal((true, disaster, 1, (DateTimeOffset?)null), (declared.IsDeclared, declared.Id, declared.Municipalities.Count, declared.EndedAt));
        Assert.Equal(T0.AddDays(10), ended.EndedAt);
    }

    [Fact]
    public void A_procedures_state_follows_its_return_resubmission_and_decision()
    {
        var submission = Guid.NewGuid();
        var resident = new Actor(Person.ToString(), "resident");
        var agency = new Actor("welfare-1", "agency");
        IReadOnlyList<object> history =
        [
            new ProcedureSubmitted(submission, Person, ProcedureKind.ChildAllowance, "welfare", new AgencyCode(new string('a', 32)), [], T0, resident),
            new ProcedureReturned(submission, "missing income", T0.AddDays(1), agency),
            new ProcedureResubmittedV2(submission, Person, [], T0.AddDays(2), resident),
            new ProcedureDecided(submission, ProcedureOutcome.Approved, "ok", T0.AddDays(3), agency),
        ];

        var returned = Fold<ProcedureState>(StreamKind.Procedure, history, 2);
        var decided = Fold<ProcedureState>(StreamKind.Procedure, history);

        Assert.Equal((ProcedureStatus.Returned, "missing income"), (returned.Status, returned.ReturnedBecause));
        Assert.Equal((ProcedureStatus.Decided, ProcedureOutcome.Approved, (string?)null), (decided.Status, decided.Outcome, decided.ReturnedBecause));
    }

    [Fact]
    public void Events_of_another_aggregate_on_a_stream_are_not_folded()
    {
        IReadOnlyList<object> history =
        [
            new KioskRegistered("k-0002", "コンビニ", "13", null, T0, Operator),
            new DisasterEnded(Guid.NewGuid(), "not this stream's", T0, Operator),
        ];

        var kiosk = Fold<KioskState>(StreamKind.Kiosk, history);

        Assert.Equal(("k-0002", false), (kiosk.Id, kiosk.Withdrawn));
    }
}

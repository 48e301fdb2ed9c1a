using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.GrainInterfaces.Medical;

/// <summary>What claims processing feeds per person (レセプト由来の情報).</summary>
public enum MedicalRecordKind
{
    /// <summary>A medicine dispensed (薬剤情報): clinics see it with the MedicationHistory consent.</summary>
    MedicationDispensed,
    /// <summary>A specific health check result (特定健診): clinics see it with the HealthCheckResults consent.</summary>
    HealthCheckResult,
    /// <summary>A month's medical expenses (医療費通知): for the resident only.</summary>
    MonthlyMedicalExpense,
}

/// <summary>One fed record. <see cref="RecordId"/> is the feeder's id: the same record fed again is kept once.</summary>
[GenerateSerializer, Immutable, Alias("myna.medical-record")]
public sealed record MedicalRecord(
    [property: Id(0)] string RecordId,
    [property: Id(1)] MedicalRecordKind Kind,
    [property: Id(2)] DateOnly On,
    [property: Id(3), Common.PersonalData] string Item,
    [property: Id(4), Common.PersonalData] string? Detail,
    [property: Id(5), Common.PersonalData] long? AmountYen,
    [property: Id(6), Common.PersonalData] string? Provider);

/// <summary>A fed record as kept for the person, with the insurer it came from.</summary>
[GenerateSerializer, Immutable, Alias("myna.medical-record-view")]
public sealed record MedicalRecordView(
    [property: Id(0)] InsurerNumber Insurer,
    [property: Id(1)] MedicalRecord Record);

/// <summary>One line of an insurer's feed: the record and the qualification (so the person) it belongs to.</summary>
[GenerateSerializer, Immutable, Alias("myna.medical-feed-line")]
public sealed record MedicalFeedLine(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] MedicalRecord Record);

[GenerateSerializer, Immutable, Alias("myna.cmd.receive-medical-records")]
public sealed record ReceiveMedicalRecords(
    [property: Id(0)] string BatchId,
    [property: Id(1)] InsurerNumber Insurer,
    [property: Id(2)] IReadOnlyList<MedicalRecord> Records);

[GenerateSerializer, Immutable, Alias("myna.medical-feed-receipt")]
public sealed record MedicalFeedReceipt(
    [property: Id(0)] string BatchId,
    [property: Id(1)] int Persons,
    [property: Id(2)] int Lines,
    [property: Id(3)] int NewRecords);

/// <summary>What a clinic sees with the patient's consent: only the consented kinds.</summary>
[GenerateSerializer, Immutable, Alias("myna.clinic-medical-view")]
public sealed record ClinicMedicalView(
    [property: Id(0)] Guid CheckId,
    [property: Id(1)] IReadOnlyList<ClinicConsentScope> Items,
    [property: Id(2)] IReadOnlyList<MedicalRecord> Records,
    [property: Id(3)] DateTimeOffset ConsentValidUntil);

/// <summary>A person's medical information stream ("medical-{person}"), apart from the person's own stream.</summary>
public interface IMedicalRecordGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("Receive")]
    Task<Result<int>> Receive(CommandContext context, ReceiveMedicalRecords command);

    [Alias("GetRecords"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<MedicalRecordView>> GetRecords();

    /// <summary>The person's data was erased: the snapshot (which holds the records as they are) goes, and the activation with it.</summary>
    [Alias("ForgetPersonalData")]
    Task ForgetPersonalData();
}

/// <summary>Takes an insurer's batch, resolves every line's qualification, then hands each person their records. Stateless worker.</summary>
public interface IMedicalFeedGrain : IGrainWithIntegerKey
{
    // A batch of up to 1,000 lines may take longer than a single call's timeout (deploy/cluster.sh sets 4 s).
    [Alias("Accept"), ResponseTimeout("00:02:00")]
    Task<Result<MedicalFeedReceipt>> Accept(CommandContext context, InsurerNumber insurer, string batchId, IReadOnlyList<MedicalFeedLine> lines);
}

/// <summary>A clinic's read of medical information under the consent given at its eligibility check. Stateless worker.</summary>
public interface IClinicMedicalReaderGrain : IGrainWithIntegerKey
{
    [Alias("Read")]
    Task<Result<ClinicMedicalView>> Read(CommandContext context, Guid checkId, string institution, string terminalId, IReadOnlyList<ClinicConsentScope> items);
}

/// <summary>The ledger line of a clinic's medical-information read, allowed or refused.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-medical-read")]
public sealed record RecordMedicalRead(
    [property: Id(0)] Guid ReadId,
    [property: Id(1)] Guid CheckId,
    [property: Id(2)] string Institution,
    [property: Id(3)] string TerminalId,
    [property: Id(4)] IReadOnlyList<ClinicConsentScope> Items,
    [property: Id(5)] string? RefusedBecause);

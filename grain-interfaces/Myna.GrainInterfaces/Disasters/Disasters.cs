using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Medical;

namespace Myna.GrainInterfaces.Disasters;

[GenerateSerializer, Immutable, Alias("myna.cmd.declare-disaster")]
public sealed record DeclareDisaster(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<MunicipalityCode> Municipalities,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset Until);

[GenerateSerializer, Immutable, Alias("myna.cmd.end-disaster")]
public sealed record EndDisaster([property: Id(0)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.disaster-view")]
public sealed record DisasterView(
    [property: Id(0)] Guid DisasterId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<MunicipalityCode> Municipalities,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] DateTimeOffset Until,
    [property: Id(5)] DateTimeOffset? EndedAt,
    [property: Id(6)] bool InEffect,
    [property: Id(7)] long Version);

/// <summary>What a clinic in a disaster area gives instead of the card: the basic four items the patient states.</summary>
[GenerateSerializer, Immutable, Alias("myna.disaster-lookup-request")]
public sealed record DisasterLookupRequest(
    [property: Id(0)] Guid LookupId,
    [property: Id(1)] BasicFourItems Claimed,
    [property: Id(2)] bool IncludeMedication);

/// <summary>The answer: eligibility like at reception (no number, no person id) and, if asked, medicines dispensed.</summary>
[GenerateSerializer, Immutable, Alias("myna.disaster-lookup-answer")]
public sealed record DisasterLookupAnswer(
    [property: Id(0)] Guid LookupId,
    [property: Id(1)] Guid DisasterId,
    [property: Id(2)] bool Eligible,
    [property: Id(3)] string? Reason,
    [property: Id(4)] string PatientName,
    [property: Id(5)] DateOnly DateOfBirth,
    [property: Id(6)] InsuranceQualificationView? Qualification,
    [property: Id(7)] IReadOnlyList<MedicalRecord> Medications);

[GenerateSerializer, Immutable, Alias("myna.cmd.record-disaster-lookup")]
public sealed record RecordDisasterLookup(
    [property: Id(0)] Guid LookupId,
    [property: Id(1)] Guid DisasterId,
    [property: Id(2)] string Institution,
    [property: Id(3)] string TerminalId,
    [property: Id(4)] bool IncludedMedication);

/// <summary>A declared disaster: its area (municipalities) and period. It ends by itself at the end of the period.</summary>
public interface IDisasterGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("Declare")]
    Task<Result<DisasterView>> Declare(CommandContext context, DeclareDisaster command);

    [Alias("End")]
    Task<Result<DisasterView>> End(CommandContext context, EndDisaster command);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Result<DisasterView>> Get();
}

/// <summary>The card-less lookup at a clinic in a disaster area. Stateless worker.</summary>
public interface IDisasterLookupGrain : IGrainWithIntegerKey
{
    [Alias("Lookup")]
    Task<Result<DisasterLookupAnswer>> Lookup(CommandContext context, string institution, string terminalId, DisasterLookupRequest request);
}

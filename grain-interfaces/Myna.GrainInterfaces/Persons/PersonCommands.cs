using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

[GenerateSerializer, Immutable, Alias("myna.cmd.register-person")]
public sealed record RegisterPerson(
    [property: Id(0)] BasicFourItems Items,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] RegistrationReason Reason);

[GenerateSerializer, Immutable, Alias("myna.cmd.assign-individual-number")]
public sealed record AssignIndividualNumber([property: Id(0)] MunicipalityCode Municipality);

[GenerateSerializer, Immutable, Alias("myna.cmd.record-move")]
public sealed record RecordMove(
    [property: Id(0)] string NewAddress,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] DateOnly MovedOn);

/// <summary>What a municipality sees of a person it manages.</summary>
[GenerateSerializer, Immutable, Alias("myna.person-profile")]
public sealed record PersonProfile(
    [property: Id(0)] PersonId Id,
    [property: Id(1)] BasicFourItems Items,
    [property: Id(2)] MunicipalityCode Municipality,
    [property: Id(3)] IndividualNumber? IndividualNumber,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] long Version,
    [property: Id(6)] ClosureReason? ClosedBecause,
    [property: Id(7)] DateOnly? ClosedOn,
    [property: Id(8)] IReadOnlyList<DisabilityCertificateView> DisabilityCertificates,
    [property: Id(9)] IReadOnlyList<IncomeSummaryView> IncomeSummaries,
    [property: Id(10)] IReadOnlyList<PendingApproval>? PendingApprovals = null);

using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>A registration with the first Individual Number, as one command (a line of a bulk registration).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.register-person-with-number")]
public sealed record RegisterPersonWithNumber(
    [property: Id(0)] BasicFourItems Items,
    [property: Id(1)] MunicipalityCode Municipality,
    [property: Id(2)] RegistrationReason Reason);

/// <summary>One line of a bulk registration: its own command id (from the caller and the line's own id), and the person.</summary>
[GenerateSerializer, Immutable, Alias("myna.bulk-registration-line")]
public sealed record BulkRegistrationLine(
    [property: Id(0)] Guid CommandId,
    [property: Id(1)] BasicFourItems Items,
    [property: Id(2)] RegistrationReason Reason);

/// <summary>What became of one line: the person (new, or already registered by this line before), or why not.</summary>
[GenerateSerializer, Immutable, Alias("myna.bulk-registration-outcome")]
public sealed record BulkRegistrationOutcome(
    [property: Id(0)] PersonId Person,
    [property: Id(1)] bool Created,
    [property: Id(2)] DomainError? Error);

/// <summary>
/// Bulk registration for municipalities (issue: the national peak): up to 1,000 persons with their numbers.
/// Stateless worker: scales with the silos. Each line is idempotent under its own command id.
/// </summary>
public interface IBulkRegistrationGrain : IGrainWithIntegerKey
{
    public const int MaxLines = 1_000;

    /// <summary>The code a valid line gets when another line of its batch was refused (nothing was written).</summary>
    public const string BatchRefused = "registration.batch-refused";

    /// <summary>The outcomes in the lines' order; refused whole (nothing written) when the caller may not register into the municipality.</summary>
    [Alias("Register"), ResponseTimeout("00:02:00")]
    Task<Result<IReadOnlyList<BulkRegistrationOutcome>>> Register(CommandContext context, MunicipalityCode municipality, IReadOnlyList<BulkRegistrationLine> lines);
}

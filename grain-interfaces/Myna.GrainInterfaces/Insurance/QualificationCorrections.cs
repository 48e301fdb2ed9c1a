namespace Myna.GrainInterfaces.Insurance;

/// <summary>An insurer voids one of its qualifications: it was linked to the wrong person and never applied to them.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.void-member-qualification")]
public sealed record VoidMemberQualification(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] string Reason);

/// <summary>The person-side command of <see cref="VoidMemberQualification"/>.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.void-qualification")]
public sealed record VoidQualification(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] InsurerNumber Insurer,
    [property: Id(2)] string Reason);

[GenerateSerializer, Immutable, Alias("myna.insurance.qualification-voided")]
public sealed record QualificationVoidedReceipt(
    [property: Id(0)] Guid QualificationId,
    [property: Id(1)] InsurerNumber Insurer);

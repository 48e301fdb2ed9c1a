using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>Documents a person can present at a counter (番号確認 + 身元確認).</summary>
public enum PresentedDocumentKind
{
    /// <summary>The Individual Number Card: proves the number and identity on its own.</summary>
    IndividualNumberCard,
    /// <summary>Legacy notification card: proves the number only while its name and address match the record.</summary>
    NotificationCard,
    /// <summary>Copy of the resident record carrying the number.</summary>
    ResidentRecordWithNumber,
    /// <summary>The number notification letter: never proof of the number or of identity.</summary>
    NumberNotificationLetter,
    DriversLicence,
    Passport,
    ResidenceCard,
    /// <summary>Disability certificate handbook (with photo): counts as photo ID.</summary>
    DisabilityCertificateHandbook,
    HealthInsuranceCard,
    PensionBook,
    OtherNonPhotoId,
}

[GenerateSerializer, Immutable, Alias("myna.presented-document")]
public sealed record PresentedDocument(
    [property: Id(0)] PresentedDocumentKind Kind,
    [property: Id(1)] IndividualNumber? Number = null,
    [property: Id(2)] string? Name = null,
    [property: Id(3)] string? Address = null);

/// <summary>
/// A counter checks that the number is correct and the person its rightful owner. <see cref="HelpedBy"/>
/// names the clerk who wrote the number for a person who could not.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.verify-identity")]
public sealed record VerifyIdentity(
    [property: Id(0)] IReadOnlyList<PresentedDocument> Documents,
    [property: Id(1)] string Procedure,
    [property: Id(2)] string? HelpedBy);

[GenerateSerializer, Immutable, Alias("myna.identity-verification-result")]
public sealed record IdentityVerificationResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] bool NumberConfirmed,
    [property: Id(2)] bool IdentityConfirmed,
    [property: Id(3)] IReadOnlyList<string> Reasons);

using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Persons;

/// <summary>Stable error codes of the person aggregate. Clients branch on the code, never on the message.</summary>
public static class PersonErrors
{
    public static readonly DomainError NotRegistered =
        DomainError.NotFound("person.not-found", "No person is registered under this id.");
    public static readonly DomainError AlreadyRegistered =
        DomainError.Conflict("person.already-registered", "A person is already registered under this id.");
    public static readonly DomainError NumberAlreadyAssigned =
        DomainError.Conflict("individual-number.already-assigned", "This person already has an Individual Number; it is lifelong.");
    public static readonly DomainError NotTheirMunicipality =
        DomainError.Forbidden("person.other-municipality", "The person is on another municipality's resident record.");

    public static readonly DomainError RecordClosed =
        DomainError.Rule("person.record-closed", "The resident record is closed (death, emigration or removal); it takes no more changes.");
    public static readonly DomainError NoNumberYet =
        DomainError.Rule("individual-number.not-assigned", "The person has no Individual Number yet.");
    public static readonly DomainError CertificateUnknown =
        DomainError.NotFound("disability-certificate.not-found", "The person has no disability certificate with this number.");
    public static readonly DomainError CertificateAlreadyRecorded =
        DomainError.Conflict("disability-certificate.already-recorded", "A disability certificate with this number is already recorded.");
    public static readonly DomainError CertificateAlreadyExpired =
        DomainError.Rule("disability-certificate.expired", "The disability certificate has expired; record a new one.");

    public static DomainError Invalid(string field, string message) =>
        DomainError.Validation($"person.invalid-{field}", message);
}

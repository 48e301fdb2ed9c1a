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

    public static DomainError Invalid(string field, string message) =>
        DomainError.Validation($"person.invalid-{field}", message);
}

using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Persons;

// Request/response DTOs of the HTTP API: separate from grain contracts so either can evolve.

public sealed record RegisterPersonRequest(string? Name, string? Address, DateOnly? DateOfBirth, Sex? Sex, RegistrationReason? Reason);

public sealed record RecordMoveRequest(string? NewAddress, DateOnly? MovedOn);

public sealed record NumberLookupRequest(string? IndividualNumber);

public sealed record NumberLookupResponse(Guid PersonId);

/// <summary>A person as the managing municipality sees it (the only role that gets the full number).</summary>
public sealed record PersonResponse(
    Guid Id,
    string Name,
    string Address,
    DateOnly DateOfBirth,
    Sex Sex,
    string Municipality,
    string? IndividualNumber,
    DateTimeOffset RegisteredAt,
    long Version)
{
    public static PersonResponse From(PersonProfile p) => new(
        p.Id.Value, p.Items.Name, p.Items.Address, p.Items.DateOfBirth, p.Items.Sex, p.Municipality.Value,
        p.IndividualNumber?.Digits, p.RegisteredAt, p.Version);
}

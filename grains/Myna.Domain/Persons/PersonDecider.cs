using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>Pure business rules of the person aggregate: state + command → events or an error.</summary>
public static class PersonDecider
{
    public const int MaxNameLength = 200;
    public const int MaxAddressLength = 400;
    private static readonly DateOnly OldestPlausibleBirth = new(1880, 1, 1);

    public static Decision<IPersonEvent> Register(PersonState state, PersonId id, RegisterPerson command, DateTimeOffset now, Actor actor)
    {
        if (state.IsRegistered)
        {
            return PersonErrors.AlreadyRegistered;
        }
        if (ValidateItems(command.Items, now) is { } invalid)
        {
            return invalid;
        }
        if (!MunicipalityCode.IsValid(command.Municipality.Value))
        {
            return PersonErrors.Invalid("municipality", "A municipality code has 6 digits.");
        }
        return Decision<IPersonEvent>.Accept(new PersonRegistered(
            id, Normalise(command.Items), command.Municipality, command.Reason, now, actor));
    }

    /// <summary>Checked before a number is reserved, so that no number is reserved for nothing.</summary>
    public static DomainError? CanAssignNumber(PersonState state, MunicipalityCode municipality)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.Municipality != municipality)
        {
            return PersonErrors.NotTheirMunicipality;
        }
        // Invariant 1: the number is lifelong; a replacement needs a recorded leak decision (its own command).
        return state.Number is not null ? PersonErrors.NumberAlreadyAssigned : null;
    }

    public static Decision<IPersonEvent> AssignNumber(PersonState state, IndividualNumber number, MunicipalityCode municipality, DateTimeOffset now, Actor actor) =>
        CanAssignNumber(state, municipality) is { } error
            ? error
            : Decision<IPersonEvent>.Accept(new IndividualNumberAssigned(state.Id, number, municipality, now, actor));

    public static Decision<IPersonEvent> Move(PersonState state, RecordMove command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        var address = command.NewAddress?.Trim() ?? string.Empty;
        if (address.Length is 0 or > MaxAddressLength)
        {
            return PersonErrors.Invalid("address", $"An address is 1 to {MaxAddressLength} characters.");
        }
        if (!MunicipalityCode.IsValid(command.Municipality.Value))
        {
            return PersonErrors.Invalid("municipality", "A municipality code has 6 digits.");
        }
        if (command.MovedOn > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)))
        {
            return PersonErrors.Invalid("moved-on", "A move is recorded after it happened, not before.");
        }
        return Decision<IPersonEvent>.Accept(new PersonMoved(state.Id, address, command.Municipality, command.MovedOn, now, actor));
    }

    public static DomainError? ValidateItems(BasicFourItems? items, DateTimeOffset now)
    {
        if (items is null)
        {
            return PersonErrors.Invalid("basic-four-items", "Name, address, date of birth and sex are required.");
        }
        var name = items.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > MaxNameLength)
        {
            return PersonErrors.Invalid("name", $"A name is 1 to {MaxNameLength} characters.");
        }
        var address = items.Address?.Trim() ?? string.Empty;
        if (address.Length is 0 or > MaxAddressLength)
        {
            return PersonErrors.Invalid("address", $"An address is 1 to {MaxAddressLength} characters.");
        }
        if (items.DateOfBirth < OldestPlausibleBirth || items.DateOfBirth > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)))
        {
            return PersonErrors.Invalid("date-of-birth", "The date of birth must be a real past date.");
        }
        return Enum.IsDefined(items.Sex) ? null : PersonErrors.Invalid("sex", "Sex is male or female as on the resident record.");
    }

    private static BasicFourItems Normalise(BasicFourItems items) =>
        items with { Name = items.Name.Trim(), Address = items.Address.Trim() };

    /// <summary>What a municipality sees; derived from state only.</summary>
    public static PersonProfile ToProfile(PersonState state, long version) =>
        new(state.Id, state.Items!, state.Municipality, state.Number, state.RegisteredAt, version);
}

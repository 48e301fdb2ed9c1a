using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>Crypto-shredding: which records may have their personal data erased, and when.</summary>
public static class ErasureRules
{
    public static readonly DomainError RecordOpen = DomainError.Rule("person.record-open",
        "Personal data is erased only from a closed resident record.");

    /// <summary>Only a closed record; once (a second erasure records nothing and answers the same).</summary>
    public static Decision<IPersonEvent> Erase(PersonState state, ErasePersonalData command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (string.IsNullOrWhiteSpace(command.LegalBasis) || command.LegalBasis.Length > 200)
        {
            return PersonErrors.Invalid("legal-basis", "The legal basis of the erasure, 1 to 200 characters.");
        }
        if (state.Municipality != command.Municipality)
        {
            return PersonErrors.NotTheirMunicipality;
        }
        if (!state.IsClosed)
        {
            return RecordOpen;
        }
        return state.PersonalDataErasedAt is not null
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new PersonalDataErased(state.Id, command.LegalBasis.Trim(), now, actor));
    }
}

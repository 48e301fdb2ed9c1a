using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>
/// How long a closed resident record (除票) is kept before its personal data may be erased, per record class (the
/// reason it was closed), counted from the day it took effect. The law keeps them 150 years (住民基本台帳法施行令
/// 第34条, since 2019); configuration ("Retention") may set each class.
/// </summary>
public sealed class RecordRetention
{
    public const string Section = "Retention";

    [System.ComponentModel.DataAnnotations.Range(1, 500)]
    public int DeathYears { get; set; } = 150;

    [System.ComponentModel.DataAnnotations.Range(1, 500)]
    public int EmigratedAbroadYears { get; set; } = 150;

    [System.ComponentModel.DataAnnotations.Range(1, 500)]
    public int RemovedFromRecordYears { get; set; } = 150;

    /// <summary>The first day the record's personal data may be erased.</summary>
    public DateOnly ErasableFrom(ClosureReason reason, DateOnly closedOn) => closedOn.AddYears(reason switch
    {
        ClosureReason.Death => DeathYears,
        ClosureReason.EmigratedAbroad => EmigratedAbroadYears,
        _ => RemovedFromRecordYears,
    });
}

/// <summary>Crypto-shredding: which records may have their personal data erased, and when (invariant 21).</summary>
public static class ErasureRules
{
    public static readonly DomainError RecordOpen = DomainError.Rule("person.record-open",
        "Personal data is erased only from a closed resident record.");

    /// <summary>Only a closed record whose retention has ended; once (a second erasure records nothing and answers the same).</summary>
    public static Decision<IPersonEvent> Erase(PersonState state, ErasePersonalData command, DateTimeOffset now, Actor actor, RecordRetention retention)
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
        var erasableFrom = retention.ErasableFrom(state.ClosedBecause!.Value, state.ClosedOn ?? DateOnly.FromDateTime(now.UtcDateTime));
        if (state.PersonalDataErasedAt is null && DateOnly.FromDateTime(now.UtcDateTime) < erasableFrom)
        {
            return DomainError.Rule("person.retention-not-ended",
                $"The closed record is kept until its retention ends; its personal data may be erased from {erasableFrom:yyyy-MM-dd}.");
        }
        return state.PersonalDataErasedAt is not null
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new PersonalDataErased(state.Id, command.LegalBasis.Trim(), now, actor));
    }
}

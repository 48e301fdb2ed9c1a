using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Calendar;

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

/// <summary>
/// Crypto-shredding: which records may have their personal data erased, and when (invariant 21), and only with two
/// people (invariant 22): one clerk requests, a different clerk of the same role and municipality approves.
/// </summary>
public static class ErasureRules
{
    public static readonly DomainError RecordOpen = DomainError.Rule("person.record-open",
        "Personal data is erased only from a closed resident record.");

    /// <summary>The request: every rule of the erasure checked now; nothing is erased until a second clerk approves.</summary>
    public static Decision<IPersonEvent> Request(PersonState state, ErasePersonalData command, DateTimeOffset now, Actor actor, RecordRetention retention)
    {
        if (command.LegalBasis is null || !DisplayText.Fits(command.LegalBasis.Trim(), 200))
        {
            return state.IsRegistered
                ? PersonErrors.Invalid("legal-basis", $"The legal basis of the erasure, 1 to 200 {DisplayText.Shape}.")
                : PersonErrors.NotRegistered;
        }
        if (Erasable(state, command.Municipality, now, retention) is { } refused)
        {
            return refused;
        }
        if (state.PersonalDataErasedAt is not null)
        {
            return Decision<IPersonEvent>.Accept();
        }
        if (state.PendingErasure is { } pending)
        {
            return pending.RequestedBy == actor.Subject && pending.Reason == command.LegalBasis.Trim()
                ? Decision<IPersonEvent>.Accept()
                : SecondApproval.AlreadyPending(pending);
        }
        return Decision<IPersonEvent>.Accept(new PersonalDataErasureRequested(state.Id, command.LegalBasis.Trim(), command.Municipality, now, actor));
    }

    /// <summary>The approval by a second clerk: the rules once more (time has passed), then the erasure itself.</summary>
    public static Decision<IPersonEvent> Approve(PersonState state, ApprovePersonalDataErasure command, DateTimeOffset now, Actor actor, RecordRetention retention)
    {
        if (Erasable(state, command.Municipality, now, retention) is { } refused)
        {
            return refused;
        }
        if (state.PersonalDataErasedAt is not null)
        {
            return Decision<IPersonEvent>.Accept();
        }
        if (state.PendingErasure is not { } pending)
        {
            return SecondApproval.NothingPending(PendingApproval.Erasure);
        }
        if (SecondApproval.Refusal(pending, actor) is { } notSecond)
        {
            return notSecond;
        }
        return Decision<IPersonEvent>.Accept(
            new PersonalDataErasureApproved(state.Id, pending.RequestedBy, now, actor),
            new PersonalDataErased(state.Id, pending.Reason, now, actor));
    }

    private static DomainError? Erasable(PersonState state, MunicipalityCode municipality, DateTimeOffset now, RecordRetention retention)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.Municipality != municipality)
        {
            return PersonErrors.NotTheirMunicipality;
        }
        if (!state.IsClosed)
        {
            return RecordOpen;
        }
        var erasableFrom = retention.ErasableFrom(state.ClosedBecause!.Value, state.ClosedOn ?? JapanCalendar.DateOf(now));
        if (state.PersonalDataErasedAt is null && JapanCalendar.DateOf(now) < erasableFrom)
        {
            return DomainError.Rule("person.retention-not-ended",
                $"The closed record is kept until its retention ends; its personal data may be erased from {erasableFrom:yyyy-MM-dd}.");
        }
        return null;
    }
}

/// <summary>Invariant 22: the second person of a two-person operation is a different subject with the same role (and, checked by each rule, scope).</summary>
public static class SecondApproval
{
    public static DomainError AlreadyPending(PendingApproval pending) => DomainError.Conflict("approval.already-pending",
        $"A {pending.Operation} was requested at {pending.RequestedAt:yyyy-MM-dd HH:mm} UTC and waits for a second person's approval.");

    public static DomainError NothingPending(string operation) => DomainError.Rule("approval.nothing-pending",
        $"No {operation} waits for approval: one clerk requests it first.");

    /// <summary>Why this actor may not approve the pending request, or null when they may.</summary>
    public static DomainError? Refusal(PendingApproval pending, Actor approver)
    {
        if (string.Equals(approver.Subject, pending.RequestedBy, StringComparison.Ordinal))
        {
            return DomainError.Forbidden("approval.same-person", "A second person approves: whoever requested it cannot approve it.");
        }
        return string.Equals(approver.Role, pending.RequestedByRole, StringComparison.Ordinal)
            ? null
            : DomainError.Forbidden("approval.wrong-role", "The approver has the requester's role.");
    }
}

using Myna.GrainInterfaces.Clinics;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.Domain.Calendar;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Domain.Kiosks;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

/// <summary>An event on a kiosk's stream ("kiosk-{id}").</summary>
public interface IKioskEvent : IDomainEvent
{
    string Kiosk { get; }
}

[EventName("kiosk_registered_v1")]
public sealed record KioskRegistered(
    string Kiosk,
    string Store,
    string Prefecture,
    ServiceHours? Hours,
    DateTimeOffset OccurredAt,
    Actor Actor) : IKioskEvent;

[EventName("kiosk_withdrawn_v1")]
public sealed record KioskWithdrawn(
    string Kiosk,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IKioskEvent;

public sealed record KioskState : IAggregateState<KioskState, IKioskEvent>
{
    public static KioskState Initial { get; } = new();

    public bool IsRegistered { get; init; }
    public string Id { get; init; } = string.Empty;
    public string Store { get; init; } = string.Empty;
    public string Prefecture { get; init; } = string.Empty;
    public ServiceHours? Hours { get; init; }
    public bool Withdrawn { get; init; }

    public KioskState Apply(IKioskEvent @event) => @event switch
    {
        KioskRegistered e => this with { IsRegistered = true, Id = e.Kiosk, Store = e.Store, Prefecture = e.Prefecture, Hours = e.Hours },
        KioskWithdrawn => this with { Withdrawn = true },
        _ => this,
    };
}

/// <summary>The pure rules of kiosks: registration, withdrawal and service hours.</summary>
public static class KioskRules
{
    public const int MaxIdLength = 40;

    public static readonly DomainError NotFound = DomainError.NotFound("kiosk.not-found", "No kiosk is registered under this id.");
    public static readonly DomainError NotInService = DomainError.Forbidden("kiosk.not-in-service", "This kiosk is not registered or has been withdrawn.");
    public static readonly DomainError OutsideServiceHours =
        DomainError.Rule("kiosk.outside-service-hours", "The kiosk does not issue certificates at this hour.");

    public static bool IsValidId(string? id) =>
        ExternalId.Fits(id, MaxIdLength);

    public static Decision<IKioskEvent> Register(KioskState state, string kiosk, RegisterKiosk command, DateTimeOffset now, Actor actor)
    {
        var store = command.Store?.Trim() ?? string.Empty;
        if (!IsValidId(kiosk) || !DisplayText.Fits(store, 100) || !InstitutionCodes.IsPrefecture(command.Prefecture))
        {
            return DomainError.Validation("kiosk.invalid",
                $"A kiosk needs an id (1 to 40 letters, digits, '-' or '_'), a store name (1 to 100 {DisplayText.Shape}) and a prefecture code 01 to 47.");
        }
        if (command.Hours is { } hours && hours.Opens == hours.Closes)
        {
            return DomainError.Validation("kiosk.invalid-hours", "Opening and closing times must differ; leave the hours out for a kiosk that never closes.");
        }
        if (state.IsRegistered)
        {
            // A retried registration with the same facts changes nothing; anything else is a conflict.
            return !state.Withdrawn && state.Store == store && state.Prefecture == command.Prefecture && state.Hours == command.Hours
                ? Decision<IKioskEvent>.Accept()
                : DomainError.Conflict("kiosk.already-registered", "A kiosk is already registered under this id.");
        }
        return Decision<IKioskEvent>.Accept(new KioskRegistered(kiosk, store, command.Prefecture, command.Hours, now, actor));
    }

    public static Decision<IKioskEvent> Withdraw(KioskState state, WithdrawKiosk command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return NotFound;
        }
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(reason, 200))
        {
            return DomainError.Validation("kiosk.invalid-reason", $"Give a reason of 1 to 200 {DisplayText.Shape}.");
        }
        return state.Withdrawn
            ? Decision<IKioskEvent>.Accept()
            : Decision<IKioskEvent>.Accept(new KioskWithdrawn(state.Id, reason, now, actor));
    }

    /// <summary>Whether a kiosk with these hours serves at this instant (Japan time); no hours means always.</summary>
    public static bool IsOpen(ServiceHours? hours, DateTimeOffset now)
    {
        if (hours is null)
        {
            return true;
        }
        var local = JapanCalendar.TimeOf(now);
        return hours.Opens < hours.Closes
            ? local >= hours.Opens && local < hours.Closes
            : local >= hours.Opens || local < hours.Closes;
    }

    public static KioskView ToView(KioskState state, long version) =>
        new(state.Id, state.Store, state.Prefecture, state.Hours, state.IsRegistered && !state.Withdrawn, version);
}

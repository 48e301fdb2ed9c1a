using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Disasters;

namespace Myna.Domain.Disasters;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

/// <summary>An event on a disaster's stream ("disaster-{id}").</summary>
public interface IDisasterEvent : IDomainEvent
{
    Guid DisasterId { get; }
}

[EventName("disaster_declared_v1")]
public sealed record DisasterDeclared(
    Guid DisasterId,
    string Name,
    IReadOnlyList<MunicipalityCode> Municipalities,
    DateTimeOffset From,
    DateTimeOffset Until,
    DateTimeOffset OccurredAt,
    Actor Actor) : IDisasterEvent;

/// <summary>An operator ended the disaster measures before the end of the declared period.</summary>
[EventName("disaster_ended_v1")]
public sealed record DisasterEnded(
    Guid DisasterId,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IDisasterEvent;

public sealed record DisasterState : IAggregateState<DisasterState, IDisasterEvent>
{
    public static DisasterState Initial { get; } = new();

    public bool IsDeclared { get; init; }
    public Guid Id { get; init; }
    public string Name { get; init; } = string.Empty;
    public ImmutableList<MunicipalityCode> Municipalities { get; init; } = [];
    public DateTimeOffset From { get; init; }
    public DateTimeOffset Until { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    public DisasterState Apply(IDisasterEvent @event) => @event switch
    {
        DisasterDeclared e => this with
        {
            IsDeclared = true, Id = e.DisasterId, Name = e.Name, Municipalities = [.. e.Municipalities], From = e.From, Until = e.Until,
        },
        DisasterEnded e => this with { EndedAt = e.OccurredAt },
        _ => this,
    };
}

/// <summary>Disaster mode (flow: declared area and period; card-less lookups by clinics in the area, every one flagged).</summary>
public static class DisasterRules
{
    public const int MaxMunicipalities = 500;
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static readonly DomainError NotFound = DomainError.NotFound("disaster.not-found", "No disaster is declared under this id.");
    public static readonly DomainError NotInEffect = DomainError.Forbidden("disaster.not-in-effect",
        "No disaster measures are in effect for this institution's area now; check eligibility with the card.");
    public static readonly DomainError NoMatch = DomainError.NotFound("disaster.no-match", "No resident matches all four items.");
    public static readonly DomainError Ambiguous = DomainError.Conflict("disaster.ambiguous-match", "More than one resident matches; check identity another way.");

    public static Decision<IDisasterEvent> Declare(DisasterState state, Guid id, DeclareDisaster command, DateTimeOffset now, Actor actor)
    {
        var name = command.Name?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(name, 100))
        {
            return DomainError.Validation("disaster.invalid-name", $"Name the disaster (1 to 100 {DisplayText.Shape}).");
        }
        if (command.Municipalities is not { Count: > 0 and <= MaxMunicipalities } || command.Municipalities.Any(m => !MunicipalityCode.IsValid(m.Value)))
        {
            return DomainError.Validation("disaster.invalid-area", $"The area is 1 to {MaxMunicipalities} valid municipality codes.");
        }
        if (command.Until <= command.From || command.Until - command.From > MaxPeriod || command.Until <= now)
        {
            return DomainError.Validation("disaster.invalid-period", "The period ends after it starts, in the future, and lasts at most a year.");
        }
        if (state.IsDeclared)
        {
            return Decision<IDisasterEvent>.Accept();
        }
        return Decision<IDisasterEvent>.Accept(new DisasterDeclared(id, name, command.Municipalities.Distinct().ToList(), command.From, command.Until, now, actor));
    }

    public static Decision<IDisasterEvent> End(DisasterState state, EndDisaster command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsDeclared)
        {
            return NotFound;
        }
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(reason, 200))
        {
            return DomainError.Validation("disaster.invalid-reason", $"Give a reason of 1 to 200 {DisplayText.Shape}.");
        }
        return state.EndedAt is not null || now >= state.Until
            ? Decision<IDisasterEvent>.Accept()
            : Decision<IDisasterEvent>.Accept(new DisasterEnded(state.Id, reason, now, actor));
    }

    /// <summary>In effect from its start until the end of its period, or until an operator ends it: nobody has to switch it off.</summary>
    public static bool InEffect(DateTimeOffset from, DateTimeOffset until, DateTimeOffset? endedAt, DateTimeOffset now) =>
        from <= now && now < until && (endedAt is not { } ended || now < ended);

    /// <summary>Institutions register with their prefecture: one in the prefecture of an affected municipality is in the area.</summary>
    public static bool Covers(IEnumerable<MunicipalityCode> municipalities, string prefecture) =>
        municipalities.Any(m => m.Value[..2] == prefecture);

    public static DisasterView ToView(DisasterState state, long version, DateTimeOffset now) =>
        new(state.Id, state.Name, state.Municipalities, state.From, state.Until, state.EndedAt, InEffect(state.From, state.Until, state.EndedAt, now), version);
}

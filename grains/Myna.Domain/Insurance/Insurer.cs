using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Insurance;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

public interface IInsurerEvent : IDomainEvent
{
    InsurerNumber Insurer { get; }
}

[EventName("insurer_registered_v1")]
public sealed record InsurerRegistered(
    InsurerNumber Insurer,
    string Name,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInsurerEvent;

[EventName("insurer_suspended_v1")]
public sealed record InsurerSuspended(
    InsurerNumber Insurer,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInsurerEvent;

[EventName("insurer_resumed_v1")]
public sealed record InsurerResumed(
    InsurerNumber Insurer,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInsurerEvent;

/// <summary>The insurer was merged into another; its members' existing qualifications stay as recorded.</summary>
[EventName("insurer_merged_v1")]
public sealed record InsurerMerged(
    InsurerNumber Insurer,
    InsurerNumber Into,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInsurerEvent;

/// <summary>Bounded by design: registration and status only, never the member list.</summary>
public sealed record InsurerState : IAggregateState<InsurerState, IInsurerEvent>
{
    public static InsurerState Initial { get; } = new();

    public InsurerStatus Status { get; init; }
    public InsurerNumber Number { get; init; }
    public string Name { get; init; } = string.Empty;
    public InsurerNumber? MergedInto { get; init; }
    public string? SuspendedBecause { get; init; }

    public InsurerState Apply(IInsurerEvent @event) => @event switch
    {
        InsurerRegistered e => this with { Status = InsurerStatus.Active, Number = e.Insurer, Name = e.Name },
        InsurerSuspended e => this with { Status = InsurerStatus.Suspended, SuspendedBecause = e.Reason },
        InsurerResumed => this with { Status = InsurerStatus.Active, SuspendedBecause = null },
        InsurerMerged e => this with { Status = InsurerStatus.Merged, MergedInto = e.Into },
        _ => this,
    };
}

public static class InsurerErrors
{
    public static readonly DomainError NotFound =
        DomainError.NotFound("insurer.not-found", "No insurer is registered under this number.");
    public static readonly DomainError AlreadyRegistered =
        DomainError.Conflict("insurer.already-registered", "An insurer is already registered under this number.");
    public static readonly DomainError Suspended =
        DomainError.Rule("insurer.suspended", "The insurer is suspended; it cannot enrol or change members.");
    public static readonly DomainError Merged =
        DomainError.Rule("insurer.merged", "The insurer was merged into another; use the surviving insurer.");
    public static readonly DomainError NotSuspended =
        DomainError.Rule("insurer.not-suspended", "The insurer is not suspended.");

    public static DomainError Invalid(string field, string message) => DomainError.Validation($"insurer.invalid-{field}", message);
}

/// <summary>Pure rules of the insurer aggregate.</summary>
public static class InsurerDecider
{
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 500;

    public static Decision<IInsurerEvent> Register(InsurerState state, InsurerNumber number, RegisterInsurer command, DateTimeOffset now, Actor actor)
    {
        if (state.Status != InsurerStatus.None)
        {
            return InsurerErrors.AlreadyRegistered;
        }
        var name = command.Name?.Trim() ?? string.Empty;
        return !DisplayText.Fits(name, MaxNameLength)
            ? InsurerErrors.Invalid("name", $"The insurer's name has 1 to {MaxNameLength} printable characters (no control or invisible formatting characters).")
            : Decision<IInsurerEvent>.Accept(new InsurerRegistered(number, name, now, actor));
    }

    public static Decision<IInsurerEvent> Suspend(InsurerState state, SuspendInsurer command, DateTimeOffset now, Actor actor)
    {
        if (CanOperate(state) is { } error)
        {
            return error;
        }
        var (reason, invalid) = Reason(command.Reason);
        return invalid is not null ? invalid : Decision<IInsurerEvent>.Accept(new InsurerSuspended(state.Number, reason, now, actor));
    }

    public static Decision<IInsurerEvent> Resume(InsurerState state, ResumeInsurer command, DateTimeOffset now, Actor actor)
    {
        if (state.Status == InsurerStatus.None)
        {
            return InsurerErrors.NotFound;
        }
        if (state.Status != InsurerStatus.Suspended)
        {
            return InsurerErrors.NotSuspended;
        }
        var (reason, invalid) = Reason(command.Reason);
        return invalid is not null ? invalid : Decision<IInsurerEvent>.Accept(new InsurerResumed(state.Number, reason, now, actor));
    }

    public static Decision<IInsurerEvent> Merge(InsurerState state, MergeInsurer command, DateTimeOffset now, Actor actor)
    {
        if (state.Status is InsurerStatus.None)
        {
            return InsurerErrors.NotFound;
        }
        if (state.Status is InsurerStatus.Merged)
        {
            return InsurerErrors.Merged;
        }
        return command.Into == state.Number
            ? InsurerErrors.Invalid("merge", "An insurer cannot merge into itself.")
            : Decision<IInsurerEvent>.Accept(new InsurerMerged(state.Number, command.Into, now, actor));
    }

    /// <summary>Only an active insurer enrols, disenrols or changes its members.</summary>
    public static DomainError? CanOperate(InsurerState state) => state.Status switch
    {
        InsurerStatus.None => InsurerErrors.NotFound,
        InsurerStatus.Suspended => InsurerErrors.Suspended,
        InsurerStatus.Merged => InsurerErrors.Merged,
        _ => null,
    };

    public static InsurerView ToView(InsurerState state, long version) =>
        new(state.Number, state.Name, state.Status, state.MergedInto, state.SuspendedBecause, version);

    private static (string Reason, DomainError? Invalid) Reason(string? text)
    {
        var reason = text?.Trim() ?? string.Empty;
        return !DisplayText.Fits(reason, MaxReasonLength)
            ? (reason, InsurerErrors.Invalid("reason", $"Give a reason of 1 to {MaxReasonLength} {DisplayText.Shape}."))
            : (reason, null);
    }
}

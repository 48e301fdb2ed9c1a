using System.Collections.Immutable;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Clinics;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

public interface IInstitutionEvent : IDomainEvent
{
    string Institution { get; }
}

[EventName("institution_registered_v1")]
public sealed record InstitutionRegistered(
    string Institution,
    string Name,
    InstitutionKind Kind,
    string Prefecture,
    bool AcceptsCard,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInstitutionEvent;

/// <summary>The institution started or stopped accepting the card at reception ("Myna reception").</summary>
[EventName("card_acceptance_changed_v1")]
public sealed record CardAcceptanceChanged(
    string Institution,
    bool AcceptsCard,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInstitutionEvent;

[EventName("terminal_registered_v1")]
public sealed record TerminalRegistered(
    string Institution,
    string TerminalId,
    string PublicKey,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInstitutionEvent;

[EventName("terminal_retired_v1")]
public sealed record TerminalRetired(
    string Institution,
    string TerminalId,
    DateTimeOffset OccurredAt,
    Actor Actor) : IInstitutionEvent;

public sealed record Terminal(
    string TerminalId,
    string PublicKey,
    bool Active);

public sealed record InstitutionState : IAggregateState<InstitutionState, IInstitutionEvent>
{
    public static InstitutionState Initial { get; } = new();

    public bool IsRegistered { get; init; }
    public string Code { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public InstitutionKind Kind { get; init; }
    public string Prefecture { get; init; } = string.Empty;
    public bool AcceptsCard { get; init; }
    public ImmutableList<Terminal> Terminals { get; init; } = [];

    public InstitutionState Apply(IInstitutionEvent @event) => @event switch
    {
        InstitutionRegistered e => this with
        {
            IsRegistered = true, Code = e.Institution, Name = e.Name, Kind = e.Kind, Prefecture = e.Prefecture, AcceptsCard = e.AcceptsCard,
        },
        CardAcceptanceChanged e => this with { AcceptsCard = e.AcceptsCard },
        TerminalRegistered e => this with
        {
            Terminals = Terminals.RemoveAll(t => t.TerminalId == e.TerminalId).Add(new Terminal(e.TerminalId, e.PublicKey, true)),
        },
        TerminalRetired e => this with
        {
            Terminals = Terminals.ConvertAll(t => t.TerminalId == e.TerminalId ? t with { Active = false } : t),
        },
        _ => this,
    };

    public Terminal? ActiveTerminal(string terminalId) => Terminals.Find(t => t.TerminalId == terminalId && t.Active);
}

/// <summary>Pure rules for medical institutions, pharmacies and their reception terminals.</summary>
public static class InstitutionDecider
{
    public const int MaxTerminals = 200;

    public static readonly DomainError NotFound =
        DomainError.NotFound("institution.not-found", "No medical institution or pharmacy is registered under this code.");


    public static Decision<IInstitutionEvent> Register(InstitutionState state, string code, RegisterInstitution command, DateTimeOffset now, Actor actor)
    {
        if (state.IsRegistered)
        {
            return DomainError.Conflict("institution.already-registered", "An institution is already registered under this code.");
        }
        if (!InstitutionCodes.IsInstitutionCode(code))
        {
            return Invalid("code", "An institution code has 10 digits and starts with a prefecture 01 to 47.");
        }
        var name = command.Name?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(name, 200))
        {
            return Invalid("name", $"The name has 1 to 200 {DisplayText.Shape}.");
        }
        if (!InstitutionCodes.IsPrefecture(command.Prefecture))
        {
            return Invalid("prefecture", "The prefecture is a 2-digit code from 01 to 47.");
        }
        return Decision<IInstitutionEvent>.Accept(new InstitutionRegistered(code, name, command.Kind, command.Prefecture, command.AcceptsCard, now, actor));
    }

    public static Decision<IInstitutionEvent> SetCardAcceptance(InstitutionState state, SetCardAcceptance command, DateTimeOffset now, Actor actor) =>
        !state.IsRegistered ? NotFound
        : state.AcceptsCard == command.AcceptsCard ? Decision<IInstitutionEvent>.Accept()
        : Decision<IInstitutionEvent>.Accept(new CardAcceptanceChanged(state.Code, command.AcceptsCard, now, actor));

    public static Decision<IInstitutionEvent> RegisterTerminal(InstitutionState state, RegisterTerminal command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return NotFound;
        }
        if (!InstitutionCodes.IsTerminalId(command.TerminalId))
        {
            return Invalid("terminal-id", "A terminal id has 1 to 40 letters, digits, '-' or '_'.");
        }
        if (!CertificateAuthentication.IsValidPublicKey(command.PublicKey))
        {
            return Invalid("public-key", "The terminal's public key is a base64 ECDSA P-256 SubjectPublicKeyInfo.");
        }
        if (state.Terminals.Find(t => t.TerminalId == command.TerminalId) is { } existing)
        {
            return existing.Active && existing.PublicKey == command.PublicKey
                ? Decision<IInstitutionEvent>.Accept()
                : DomainError.Conflict("terminal.already-registered", "This terminal id is taken; retire it first or use another id.");
        }
        return state.Terminals.Count >= MaxTerminals
            ? DomainError.Rule("terminal.too-many", $"An institution has at most {MaxTerminals} terminals.")
            : Decision<IInstitutionEvent>.Accept(new TerminalRegistered(state.Code, command.TerminalId, command.PublicKey, now, actor));
    }

    public static Decision<IInstitutionEvent> RetireTerminal(InstitutionState state, RetireTerminal command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return NotFound;
        }
        return state.Terminals.Find(t => t.TerminalId == command.TerminalId) switch
        {
            null => DomainError.NotFound("terminal.not-found", "No terminal with this id is registered here."),
            { Active: false } => Decision<IInstitutionEvent>.Accept(),
            _ => Decision<IInstitutionEvent>.Accept(new TerminalRetired(state.Code, command.TerminalId, now, actor)),
        };
    }

    public static InstitutionView ToView(InstitutionState state, long version) =>
        new(state.Code, state.Name, state.Kind, state.Prefecture, state.AcceptsCard,
            state.Terminals.Select(t => new TerminalView(t.TerminalId, t.PublicKey, t.Active)).ToList(), version);

    private static DomainError Invalid(string field, string message) => DomainError.Validation($"institution.invalid-{field}", message);
}

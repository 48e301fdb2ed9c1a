using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Calendar;

namespace Myna.Domain.Persons;

/// <summary>A number reserved for a person, with the resident record code it was derived from.</summary>
public sealed record ReservedNumber(ResidentRecordCode Code, IndividualNumber Number);

/// <summary>Pure business rules of the person aggregate: state + command → events or an error.</summary>
public static class PersonDecider
{
    public const int MaxNameLength = 200;
    public const int MaxAddressLength = 400;

    internal static readonly string NameRule = $"A name is 1 to {MaxNameLength} printable characters (no control or invisible formatting characters).";
    internal static readonly string AddressRule = $"An address is 1 to {MaxAddressLength} printable characters (no control or invisible formatting characters).";
    internal const string MovedBeforeBirth = "A move is dated between the person's birth and today.";
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
        if (!Enum.IsDefined(command.Reason))
        {
            return PersonErrors.Invalid("reason", "The reason is one of the registration reasons (birth, move-in, …).");
        }
        return Decision<IPersonEvent>.Accept(new PersonRegistered(
            id, Normalise(command.Items), command.Municipality, command.Reason, now, actor));
    }

    /// <summary>An open record managed by this municipality: the precondition of every change by a clerk.</summary>
    public static DomainError? CanChange(PersonState state, MunicipalityCode municipality)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.IsClosed)
        {
            return PersonErrors.RecordClosed;
        }
        return state.Municipality != municipality ? PersonErrors.NotTheirMunicipality : null;
    }

    /// <summary>
    /// Before anything else, retries included (invariants 16 and 20): a clerk acts only on a record their
    /// municipality manages now. The command's municipality is the clerk's scope claim; both must agree.
    /// </summary>
    public static DomainError? AuthorizeClerk(PersonState state, CommandContext context, MunicipalityCode municipality) =>
        context.Scope.Municipality is { } scoped && scoped != municipality.Value ? PersonErrors.NotTheirMunicipality
        : state.IsRegistered && state.Municipality != municipality ? PersonErrors.NotTheirMunicipality
        : null;

    /// <summary>Checked before a number is reserved, so that no number is reserved for nothing.</summary>
    public static DomainError? CanAssignNumber(PersonState state, MunicipalityCode municipality) =>
        CanChange(state, municipality)
        // Invariant 1: the number is lifelong; a replacement needs a recorded leak decision (its own command).
        ?? (state.Number is not null ? PersonErrors.NumberAlreadyAssigned : null);

    /// <summary>
    /// Assignment of the number derived from a resident record code, and the notification letter to the
    /// address on the record (never proof of anything).
    /// </summary>
    public static Decision<IPersonEvent> AssignNumber(PersonState state, ReservedNumber reserved, MunicipalityCode municipality, DateTimeOffset now, Actor actor) =>
        CanAssignNumber(state, municipality) is { } error
            ? error
            : Decision<IPersonEvent>.Accept(
                new ResidentRecordCodeAssigned(state.Id, reserved.Code, now, actor),
                new IndividualNumberAssigned(state.Id, reserved.Number, municipality, now, actor),
                new NumberNotificationLetterSent(state.Id, state.Items!.Address, now, actor));

    /// <summary>
    /// A bulk registration's line: the registration and the first number in one decision, from a number the
    /// caller reserved for this person (generation 0). Refused whole when either part is refused.
    /// </summary>
    public static Decision<IPersonEvent> RegisterWithNumber(PersonState state, PersonId id, RegisterPersonWithNumber command, ReservedNumber reserved, DateTimeOffset now, Actor actor)
    {
        var registered = Register(state, id, new RegisterPerson(command.Items, command.Municipality, command.Reason), now, actor);
        if (registered.Error is { } refused)
        {
            return refused;
        }
        var assigned = AssignNumber(AggregateState.Fold(state, registered.Events), reserved, command.Municipality, now, actor);
        return assigned.Error is { } error ? error : Decision<IPersonEvent>.Accept([.. registered.Events, .. assigned.Events]);
    }

    public static DomainError? CanReplaceNumber(PersonState state, ReplaceIndividualNumber command)
    {
        if (CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (state.Number is null)
        {
            return PersonErrors.NoNumberYet;
        }
        var reference = command.LeakDecisionReference?.Trim() ?? string.Empty;
        return !DisplayText.Fits(reference, 100)
            ? PersonErrors.Invalid("leak-decision", $"A replacement needs the reference of the recorded leak decision (1 to 100 {DisplayText.Shape}).")
            : null;
    }

    /// <summary>The request for a replacement after a leak decision: checked now, carried out once a second clerk approves.</summary>
    public static Decision<IPersonEvent> RequestNumberReplacement(PersonState state, ReplaceIndividualNumber command, DateTimeOffset now, Actor actor)
    {
        if (CanReplaceNumber(state, command) is { } error)
        {
            return error;
        }
        if (state.PendingNumberReplacement is { } pending)
        {
            return pending.RequestedBy == actor.Subject && pending.Reason == command.LeakDecisionReference.Trim()
                ? Decision<IPersonEvent>.Accept()
                : SecondApproval.AlreadyPending(pending);
        }
        return Decision<IPersonEvent>.Accept(new NumberReplacementRequested(state.Id, command.LeakDecisionReference.Trim(), command.Municipality, now, actor));
    }

    /// <summary>Whether this clerk may approve the pending replacement now (checked before a number is reserved).</summary>
    public static DomainError? CanApproveNumberReplacement(PersonState state, ApproveNumberReplacement command, Actor actor)
    {
        if (state.PendingNumberReplacement is not { } pending)
        {
            return CanChange(state, command.Municipality) ?? SecondApproval.NothingPending(PendingApproval.NumberReplacement);
        }
        return CanReplaceNumber(state, new ReplaceIndividualNumber(pending.Reason, command.Municipality)) ?? SecondApproval.Refusal(pending, actor);
    }

    /// <summary>
    /// Replacement after a leak decision, approved by a second clerk: the old number stays reserved for ever (the
    /// registry never frees it).
    /// </summary>
    public static Decision<IPersonEvent> ApproveNumberReplacement(PersonState state, ApproveNumberReplacement command, ReservedNumber reserved, DateTimeOffset now, Actor actor)
    {
        if (CanApproveNumberReplacement(state, command, actor) is { } error)
        {
            return error;
        }
        var pending = state.PendingNumberReplacement!;
        if (reserved.Number == state.Number || state.FormerNumbers.Contains(reserved.Number))
        {
            return PersonErrors.Invalid("new-number", "A replacement number must be new.");
        }
        return Decision<IPersonEvent>.Accept(
            new NumberReplacementApproved(state.Id, pending.RequestedBy, now, actor),
            new ResidentRecordCodeAssigned(state.Id, reserved.Code, now, actor),
            new IndividualNumberReplaced(state.Id, state.Number!.Value, reserved.Number, pending.Reason, command.Municipality, now, actor),
            new NumberNotificationLetterSent(state.Id, state.Items!.Address, now, actor));
    }

    public static Decision<IPersonEvent> Rename(PersonState state, RenamePerson command, DateTimeOffset now, Actor actor)
    {
        if (CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        var name = command.NewName?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(name, MaxNameLength))
        {
            return PersonErrors.Invalid("name", NameRule);
        }
        return name == state.Items!.Name
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new PersonRenamed(state.Id, name, command.Municipality, now, actor));
    }

    public static Decision<IPersonEvent> Close(PersonState state, CloseResidentRecord command, DateTimeOffset now, Actor actor)
    {
        if (CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (!Enum.IsDefined(command.Reason))
        {
            return PersonErrors.Invalid("closure-reason", "Death, emigrated-abroad or removed-from-record.");
        }
        if (command.EffectiveOn > JapanCalendar.DateOf(now).AddDays(1) || command.EffectiveOn < state.Items!.DateOfBirth)
        {
            return PersonErrors.Invalid("effective-on", "A record is closed on a real date between birth and today.");
        }
        return Decision<IPersonEvent>.Accept(new ResidentRecordClosed(state.Id, command.Reason, command.EffectiveOn, command.Municipality, now, actor));
    }

    /// <summary>A move within the managing municipality (a new address); moves between municipalities are <see cref="Transfers"/>.</summary>
    public static Decision<IPersonEvent> Move(PersonState state, RecordMove command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.IsClosed)
        {
            return PersonErrors.RecordClosed;
        }
        var address = command.NewAddress?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(address, MaxAddressLength))
        {
            return PersonErrors.Invalid("address", AddressRule);
        }
        if (command.Municipality != state.Municipality)
        {
            // Invariant 17: another municipality takes a record over only by a move-in against a move-out.
            return PersonErrors.NotTheirMunicipality;
        }
        if (command.MovedOn > JapanCalendar.DateOf(now).AddDays(1))
        {
            return PersonErrors.Invalid("moved-on", "A move is recorded after it happened, not before.");
        }
        if (command.MovedOn < state.Items!.DateOfBirth)
        {
            return PersonErrors.Invalid("moved-on", MovedBeforeBirth);
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
        if (!DisplayText.Fits(name, MaxNameLength))
        {
            return PersonErrors.Invalid("name", NameRule);
        }
        var address = items.Address?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(address, MaxAddressLength))
        {
            return PersonErrors.Invalid("address", AddressRule);
        }
        if (items.DateOfBirth < OldestPlausibleBirth || items.DateOfBirth > JapanCalendar.DateOf(now).AddDays(1))
        {
            return PersonErrors.Invalid("date-of-birth", "The date of birth must be a real past date.");
        }
        return Enum.IsDefined(items.Sex) ? null : PersonErrors.Invalid("sex", "Sex is male or female as on the resident record.");
    }

    private static BasicFourItems Normalise(BasicFourItems items) =>
        items with { Name = items.Name.Trim(), Address = items.Address.Trim() };

    /// <summary>A new active card replaces the previous one; the same card again records nothing.</summary>
    public static Decision<IPersonEvent> RegisterActiveCard(PersonState state, CardId card, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.IsClosed)
        {
            return PersonErrors.RecordClosed;
        }
        return state.ActiveCard == card
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new ActiveCardChanged(state.Id, card, state.ActiveCard, now, actor));
    }

    public static Decision<IPersonEvent> CompleteCardReaction(PersonState state, long reaction, DateTimeOffset now, Actor actor) =>
        state.PendingCardReactions.Exists(r => r.Number == reaction)
            ? Decision<IPersonEvent>.Accept(new CardReactionCompleted(state.Id, reaction, now, actor))
            : Decision<IPersonEvent>.Accept();

    /// <summary>What a municipality sees; derived from state only.</summary>
    public static PersonProfile ToProfile(PersonState state, long version) =>
        new(state.Id, state.Items!, state.Municipality, state.Number, state.RegisteredAt, version,
            state.ClosedBecause, state.ClosedOn,
            state.DisabilityCertificates.Select(DisabilityRules.ToView).ToList(),
            state.IncomeSummaries.OrderBy(s => s.FiscalYear).ToList(),
            new[] { state.PendingErasure, state.PendingNumberReplacement }.OfType<PendingApproval>().ToList());
}

using System.Security.Cryptography;
using System.Text;
using Myna.Domain.Authorization;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Calendar;

namespace Myna.Domain.Persons;

/// <summary>
/// Moves between municipalities are transfers (invariant 17): move-out by the managing municipality (or the
/// resident online) towards a named destination; move-in by that destination against the move-out's secret
/// reference, before it expires. Until then the record and the card stay where they are, and the destination
/// sees nothing. Any failed move-in answers one 404 that tells nothing about the person.
/// </summary>
public static class Transfers
{
    /// <summary>How long after the planned move date the destination may still record the move-in.</summary>
    public const int DaysValidAfterPlannedMove = 30;

    public static readonly DomainError NotFound = TransferReference.NotFound;
    public static readonly DomainError AlreadyPending =
        DomainError.Conflict("transfer.move-out-pending", "A move-out is already open for this person; cancel it first.");
    public static readonly DomainError NothingToCancel =
        DomainError.Rule("transfer.no-move-out", "No open move-out exists for this person.");

    /// <summary>The hash kept in the event: of the reference's secret part, as text.</summary>
    public static string HashSecret(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("myna-transfer\n" + secret)));

    /// <summary>The managing municipality's clerk, or the resident themselves.</summary>
    public static DomainError? AuthorizeMoveOut(PersonState state, CommandContext context) =>
        !state.IsRegistered ? null
        : Access.AnyOf(Access.ManagingMunicipality(context, state.Municipality), Access.Holder(context, state.Id));

    public static Decision<IPersonEvent> MoveOut(PersonState state, RecordMoveOut command, Guid transferId, string secretHash, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.IsClosed)
        {
            return PersonErrors.RecordClosed;
        }
        if (!MunicipalityCode.IsValid(command.Destination.Value))
        {
            return PersonErrors.Invalid("destination", "A destination municipality code has 6 digits.");
        }
        if (command.Destination == state.Municipality)
        {
            return PersonErrors.Invalid("destination", "A move within the municipality is recorded as a move, not a move-out.");
        }
        if (state.PendingMoveOut is not null)
        {
            return AlreadyPending;
        }
        var today = JapanCalendar.DateOf(now);
        if (command.PlannedMoveOn < today.AddDays(-DaysValidAfterPlannedMove) || command.PlannedMoveOn > today.AddDays(90))
        {
            return PersonErrors.Invalid("planned-move-on", $"A planned move date is within the last {DaysValidAfterPlannedMove} days or the next 90.");
        }
        return Decision<IPersonEvent>.Accept(new PersonMovedOut(state.Id, transferId, state.Municipality, command.Destination,
            command.PlannedMoveOn, command.PlannedMoveOn.AddDays(DaysValidAfterPlannedMove), secretHash, now, actor));
    }

    public static Decision<IPersonEvent> CancelMoveOut(PersonState state, DateTimeOffset now, Actor actor) =>
        !state.IsRegistered ? PersonErrors.NotRegistered
        : state.PendingMoveOut is not { } pending ? NothingToCancel
        : Decision<IPersonEvent>.Accept(new MoveOutCancelled(state.Id, pending.TransferId, now, actor));

    /// <summary>
    /// Who may record the move-in: the destination named by an open, unexpired move-out whose secret matches
    /// (or, for a retry after the move-in, the municipality that now manages the record). Everything else is
    /// the same 404, whether the person exists, is someone else's, or the reference is wrong.
    /// </summary>
    public static DomainError? AuthorizeMoveIn(PersonState state, CommandContext context, RecordMoveIn command, DateOnly today)
    {
        if (context.Actor.Role != ActorRoles.Municipality || context.Scope.Municipality != command.Municipality.Value)
        {
            return NotFound;
        }
        if (state.IsRegistered && state.Municipality == command.Municipality && state.PendingMoveOut is null)
        {
            return null;
        }
        return Matches(state, command, today) ? null : NotFound;
    }

    public static Decision<IPersonEvent> MoveIn(PersonState state, RecordMoveIn command, DateOnly today, DateTimeOffset now, Actor actor)
    {
        if (!Matches(state, command, today))
        {
            return NotFound;
        }
        var address = command.NewAddress?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(address, PersonDecider.MaxAddressLength))
        {
            return PersonErrors.Invalid("address", PersonDecider.AddressRule);
        }
        if (command.MovedOn > today.AddDays(1))
        {
            return PersonErrors.Invalid("moved-on", "A move is recorded after it happened, not before.");
        }
        if (command.MovedOn < state.Items!.DateOfBirth)
        {
            return PersonErrors.Invalid("moved-on", PersonDecider.MovedBeforeBirth);
        }
        var pending = state.PendingMoveOut!;
        // The record passes to the destination; PersonMoved carries the new address, and with it the card's
        // existing rules (signature certificate revoked, 90 days to update the card).
        return Decision<IPersonEvent>.Accept(
            new PersonMovedIn(state.Id, pending.TransferId, pending.From, pending.Destination, now, actor),
            new PersonMoved(state.Id, address, pending.Destination, command.MovedOn, now, actor));
    }

    private static bool Matches(PersonState state, RecordMoveIn command, DateOnly today) =>
        state is { IsRegistered: true, IsClosed: false, PendingMoveOut: { } pending }
        && pending.Destination == command.Municipality
        && today <= pending.ExpiresOn
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(pending.SecretHash), Encoding.ASCII.GetBytes(HashSecret(command.TransferSecret ?? string.Empty)));
}

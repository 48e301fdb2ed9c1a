using Myna.Domain.Campaigns;
using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Myna.Domain.Disasters;
using Myna.Domain.Insurance;
using Myna.Domain.Kiosks;
using Myna.Domain.Medical;
using Myna.Domain.Persons;
using Myna.Domain.Portal;
using Myna.Domain.Procedures;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.EventSourcing;

/// <summary>
/// Each stream kind's history folded with the state type (and so the Apply) its grain folds: pure functions over
/// the stored events, for the audit's state as of a version or a moment. There is no second implementation of the
/// rules: a kind missing here has no fold, and the audit answers <see cref="NotFoldable"/> for it (never a crash).
/// </summary>
public static class StreamFolds
{
    private static readonly Dictionary<StreamKind, Func<IEnumerable<object>, object>> ByKind = new()
    {
        [StreamKind.Person] = Fold<PersonState, IPersonEvent>,
        [StreamKind.Card] = Fold<CardState, ICardEvent>,
        [StreamKind.Insurer] = Fold<InsurerState, IInsurerEvent>,
        [StreamKind.Campaign] = Fold<CampaignState, ICampaignEvent>,
        [StreamKind.Institution] = Fold<InstitutionState, IInstitutionEvent>,
        [StreamKind.Ledger] = Fold<LedgerState, ILedgerEvent>,
        [StreamKind.Portal] = Fold<PortalState, IPortalEvent>,
        [StreamKind.App] = Fold<AppState, IAppEvent>,
        [StreamKind.Kiosk] = Fold<KioskState, IKioskEvent>,
        [StreamKind.Medical] = Fold<MedicalState, IMedicalEvent>,
        [StreamKind.Disaster] = Fold<DisasterState, IDisasterEvent>,
        [StreamKind.Procedure] = Fold<ProcedureState, IProcedureEvent>,
        [StreamKind.BulkRegistrationJob] = Fold<BulkRegistrationJobState, IBulkRegistrationJobEvent>,
    };

    /// <summary>The kinds that have a fold.</summary>
    public static IReadOnlyCollection<StreamKind> Kinds => ByKind.Keys;

    /// <summary>Why a kind's state cannot be given (a stream kind added without its fold here).</summary>
    public static DomainError NotFoldable(StreamKind kind) => DomainError.Rule(
        "audit.stream-not-foldable", $"The state of a {kind.ToString().ToLowerInvariant()} stream cannot be replayed; read its events instead.");

    /// <summary>Folds a stream's events (in version order) to its state; false for a kind without a fold.</summary>
    public static bool TryFold(StreamKind kind, IEnumerable<object> events, out object state)
    {
        if (ByKind.TryGetValue(kind, out var fold))
        {
            state = fold(events);
            return true;
        }
        state = null!;
        return false;
    }

    /// <summary>The kind's events folded onto its initial state; events of other aggregates are not the kind's and are skipped.</summary>
    private static object Fold<TState, TEvent>(IEnumerable<object> events)
        where TState : IAggregateState<TState, TEvent>
        where TEvent : class =>
        AggregateState.Fold(TState.Initial, events.OfType<TEvent>());
}

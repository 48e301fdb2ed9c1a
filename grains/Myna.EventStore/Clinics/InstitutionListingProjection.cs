using JasperFx.Events;
using Marten.Events.Projections;
using Myna.Domain.Clinics;

namespace Myna.EventStore.Clinics;

/// <summary>
/// The public institution list, a Marten projection of each institution's registration and card-acceptance
/// changes, folded with <see cref="InstitutionState.Apply"/> as its grain folds them. Inline: written in the
/// transaction of the institution's append, so the list shows a change when its command returns. Rebuilt by
/// <c>MartenIndexRebuilder</c> with <see cref="Fold"/>. Institutions are no persons: nothing here is personal data.
/// </summary>
public sealed partial class InstitutionListingProjection : MultiStreamProjection<InstitutionListing, string>
{
    public const string ProjectionName = "InstitutionListing";

    public InstitutionListingProjection()
    {
        Name = ProjectionName;
        // Only these events are read (a rebuild loads nothing else: no person's encrypted events).
        IncludeType<InstitutionRegistered>();
        IncludeType<CardAcceptanceChanged>();
        Identity<InstitutionRegistered>(e => e.Institution);
        Identity<CardAcceptanceChanged>(e => e.Institution);
    }

    public override InstitutionListing? Evolve(InstitutionListing? snapshot, string id, IEvent e)
    {
        if (e.Data is not IInstitutionEvent change)
        {
            return snapshot;
        }
        return Fold(snapshot, change);
    }

    /// <summary>The listing after one change (null while the institution is not registered): the projection's and the rebuild's fold.</summary>
    public static InstitutionListing? Fold(InstitutionListing? listing, IInstitutionEvent change)
    {
        var state = (listing is null ? InstitutionState.Initial : StateOf(listing)).Apply(change);
        return state.IsRegistered ? ListingOf(state) : listing;
    }

    /// <summary>The part of the institution's state the listing holds (the events it follows change nothing else).</summary>
    private static InstitutionState StateOf(InstitutionListing listing) => InstitutionState.Initial with
    {
        IsRegistered = true, Code = listing.Id, Name = listing.Name, Kind = listing.Kind, Prefecture = listing.Prefecture, AcceptsCard = listing.AcceptsCard,
    };

    private static InstitutionListing ListingOf(InstitutionState state) => new()
    {
        Id = state.Code, Name = state.Name, Kind = state.Kind, Prefecture = state.Prefecture, AcceptsCard = state.AcceptsCard,
    };
}

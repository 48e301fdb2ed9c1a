using Myna.GrainInterfaces.Cards;

namespace Myna.Domain.Cards;

/// <summary>Projections of a card's state to the views the grain returns.</summary>
public static class CardViews
{
    public static CardView ToView(CardState state, DateOnly today, long version) => new(
        state.Id, state.PersonId, state.Status, state.FaceAuthentication, state.AppliedOn, state.IssuedOn, state.ExpiresOn,
        state.ExpiresOn is { } expires ? CardValidity.RenewalOpensOn(expires) : null, state.FeeYen, state.AbolishedBecause,
        state.Certificates.Select(c => new CertificateView(c.Kind, c.Serial, c.ValidUntil, CardRules.CertificateStatus(state, c, today))).ToList(),
        state.LockedPins, version, state.AddressUpdateDueBy, state.IsLapsedOn(today),
        [
            .. state.Smartphones.Select(h => new LinkedCredentialView("smartphone", h[..8], CardRules.CredentialStatus(state, today))),
            .. state.DrivingLicenceLast4 is { } last4 ? [new LinkedCredentialView("driving-licence", "********" + last4, CardRules.CredentialStatus(state, today))] : Array.Empty<LinkedCredentialView>(),
        ],
        state.InsuranceRegistration,
        CardRules.Notices(state, today));
}

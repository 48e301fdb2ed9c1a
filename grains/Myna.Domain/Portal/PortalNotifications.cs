using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Portal;
using Myna.Domain.Calendar;

namespace Myna.Domain.Portal;

/// <summary>One thing the portal tells the resident now.</summary>
public sealed record PortalNotification(string Kind, DateTimeOffset At, string Detail);

/// <summary>
/// Notifications are derived, not stored: card and certificate expiry and renewal windows (the card's
/// own notices), insurance changes, logins from a new place, consents about to expire.
/// </summary>
public static class PortalNotifications
{
    /// <summary>How far back insurance changes and new-place logins are shown.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(90);

    public static readonly TimeSpan ConsentExpiryWarning = TimeSpan.FromDays(14);

    public static IReadOnlyList<PortalNotification> For(
        IReadOnlyList<CardView> cards, InsuranceSummary? insurance, PortalOverview portal, DateTimeOffset now)
    {
        var today = JapanCalendar.DateOf(now);
        var since = now - Recent;
        var list = new List<PortalNotification>();
        foreach (var card in cards)
        {
            foreach (var notice in card.Notices ?? [])
            {
                list.Add(new PortalNotification("card." + notice.Kind, At(notice.Date), $"card {card.Id}: {notice.Kind} ({notice.Date:yyyy-MM-dd})"));
            }
        }
        foreach (var q in insurance?.Qualifications ?? [])
        {
            if (At(q.ValidFrom) >= since && q.ValidFrom <= today.AddDays(30))
            {
                list.Add(new PortalNotification("insurance.qualification-started", At(q.ValidFrom), $"insurer {q.Insurer.Value} from {q.ValidFrom:yyyy-MM-dd}"));
            }
            if (q.ValidUntil is { } last && At(last) >= since && last <= today.AddDays(30))
            {
                list.Add(new PortalNotification("insurance.qualification-ended", At(last), $"insurer {q.Insurer.Value}, last day {last:yyyy-MM-dd}"));
            }
        }
        if (insurance is { RecordClosed: false } && Persons.InsuranceRules.ActiveOn(insurance, today) is null)
        {
            list.Add(new PortalNotification("insurance.no-active-qualification", now, "no health insurance qualification is active today"));
        }
        foreach (var login in portal.NewPlaceLogins.Where(l => l.At >= since))
        {
            list.Add(new PortalNotification("login.new-place", login.At, $"a login with card {login.Card} from a place not seen before"));
        }
        foreach (var consent in portal.Consents.Where(c => c.Active && c.ValidUntil - now <= ConsentExpiryWarning))
        {
            list.Add(new PortalNotification("consent.expiring", consent.ValidUntil, $"the consent for {consent.AppName} expires"));
        }
        return list.OrderByDescending(n => n.At).ToList();
    }

    private static DateTimeOffset At(DateOnly day) => JapanCalendar.StartOf(day);
}

using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;

namespace Myna.EventStore.Configuration;

/// <summary>
/// Every stored event type under its stable name, as its <see cref="EventNameAttribute"/> gives it.
/// Registered with Marten at start-up so a fresh process can read streams it never wrote.
/// </summary>
public static class EventCatalogue
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
        EventNames.All.OrderBy(e => e.Value, StringComparer.Ordinal).Select(e => (e.Key, e.Value)).ToList();

    /// <summary>
    /// Names under which events were stored by mistake before they had their own name (Marten's default,
    /// without the version): still read as the same type, never written again.
    /// </summary>
    public static IReadOnlyList<(Type Type, string LegacyName)> Legacy { get; } =
    [
        (typeof(CardRemediedAfterCampaign), "card_remedied_after_campaign"),
        (typeof(CardExpiryNoticeSent), "card_expiry_notice_sent"),
    ];
}

using System.Globalization;
using Myna.Domain.Calendar;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Calendar;

/// <summary>Every date rule runs on the Japanese date: a card that expires on 1 April works until 23:59 in Japan, not until 08:59.</summary>
public sealed class JapanCalendarSpecs
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    [Theory]
    [InlineData("2026-12-05T14:59:59Z", "2026-12-05")]
    [InlineData("2026-12-05T15:00:00Z", "2026-12-06")] // 00:00 in Japan: already the next day
    [InlineData("2026-12-05T00:00:00Z", "2026-12-05")]
    [InlineData("2026-12-04T23:59:59Z", "2026-12-05")] // 08:59 in Japan, where the UTC date is still yesterday
    public void Today_is_the_date_in_Japan(string instant, string date) =>
        Assert.Equal(DateOnly.Parse(date, CultureInfo.InvariantCulture), JapanCalendar.Today(new FixedClock(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture))));

    [Fact]
    public void A_day_starts_at_midnight_in_Japan() =>
        Assert.Equal(new DateTimeOffset(2036, 3, 31, 15, 0, 0, TimeSpan.Zero), JapanCalendar.StartOf(new DateOnly(2036, 4, 1)));

    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly CardId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-00000000ca1e"));
    private static readonly PersonId Holder = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000002"));
    private static readonly DateTimeOffset IssuedAt = new(2025, 4, 10, 10, 0, 0, Jst);

    /// <summary>A card handed over on 2025-04-10 that expires on 2035-04-01.</summary>
    private static CardState CardExpiringOn(DateOnly expiresOn) => AggregateState.Fold(CardState.Initial, new ICardEvent[]
    {
        new CardApplied(Id, Holder, new DateOnly(1990, 4, 1), ApplicationChannel.Counter, false, false, false, 0, new DateOnly(2025, 3, 1), IssuedAt.AddDays(-40), Clerk),
        new CardProduced(Id, "BATCH-25-03", IssuedAt.AddDays(-20), Clerk),
        new CardReadyForPickup(Id, new MunicipalityCode("131016"), IssuedAt.AddDays(-5), Clerk),
        new CardHandedOver(Id, new DateOnly(2025, 4, 10), expiresOn, null, true, IssuedAt, Clerk),
    });

    [Fact]
    public void On_the_expiry_date_the_card_works_until_23_59_in_Japan_and_not_at_00_00()
    {
        var card = CardExpiringOn(new DateOnly(2035, 4, 1));
        var lastMinute = new FixedClock(new DateTimeOffset(2035, 4, 1, 23, 59, 0, Jst));
        var midnight = new FixedClock(new DateTimeOffset(2035, 4, 2, 0, 0, 0, Jst));

        Assert.Null(CardRules.CanPresent(card, JapanCalendar.Today(lastMinute)));
        Assert.Equal("card.expired", CardRules.CanPresent(card, JapanCalendar.Today(midnight))?.Code);
        // At 00:00 in Japan it is still 1 April in UTC: a UTC "today" would have let the card work nine more hours.
        Assert.Null(CardRules.CanPresent(card, DateOnly.FromDateTime(midnight.GetUtcNow().UtcDateTime)));
    }

    [Fact]
    public void The_day_before_expiry_at_08_59_in_Japan_is_already_that_day()
    {
        var card = CardExpiringOn(new DateOnly(2035, 4, 1));
        // 2035-04-02 08:59 in Japan is 2035-04-01 23:59 UTC: expired in Japan, not yet in UTC.
        var morning = new FixedClock(new DateTimeOffset(2035, 4, 2, 8, 59, 0, Jst));
        Assert.Equal("card.expired", CardRules.CanPresent(card, JapanCalendar.Today(morning))?.Code);
    }
}

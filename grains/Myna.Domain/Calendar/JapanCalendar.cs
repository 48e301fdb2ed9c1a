using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Calendar;

/// <summary>
/// The one calendar every date rule uses: the date in Japan (Asia/Tokyo). A card expires, a qualification
/// starts, a certificate is issued and a person comes of age on a Japanese date, so "today" is never the
/// UTC date (which is yesterday between 00:00 and 09:00 in Japan).
/// </summary>
public static class JapanCalendar
{
    /// <summary>Asia/Tokyo (<see cref="JapanDate.Zone"/>: the published language holds the zone, so that the API's shape checks date by it too).</summary>
    public static TimeZoneInfo Zone => JapanDate.Zone;

    /// <summary>Today's date in Japan, by the injected clock.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());

    /// <summary>The date in Japan at this instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => JapanDate.Of(instant);

    /// <summary>The furthest ahead a record may name a day that has not come yet (a qualification's first or last day, a certificate's start).</summary>
    public static DateOnly FurthestAhead(DateTimeOffset now) => JapanDate.FurthestAhead(now);

    /// <summary>The latest day a record may say something already happened on (an expiry, a dispensing).</summary>
    public static DateOnly LatestPast(DateTimeOffset now) => JapanDate.LatestPast(now);

    /// <summary>The time of day in Japan at this instant.</summary>
    public static TimeOnly TimeOf(DateTimeOffset instant) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant a Japanese date begins (00:00 in Japan).</summary>
    public static DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}

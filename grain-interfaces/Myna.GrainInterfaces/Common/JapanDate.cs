namespace Myna.GrainInterfaces.Common;

/// <summary>
/// The date in Japan (Asia/Tokyo), which every date rule uses (the domain's <c>JapanCalendar</c> reads it from here),
/// and the two bounds a recorded date keeps to: a day that has not come yet is at most a year ahead, and a day
/// something already happened on is not after today (a day's slack for a clock at midnight's edge, as moves have).
/// </summary>
public static class JapanDate
{
    /// <summary>Asia/Tokyo from the system's time-zone data, or its fixed +09:00 (Japan has kept no daylight saving time since 1951) where a machine has none.</summary>
    public static TimeZoneInfo Zone { get; } = LoadZone();

    /// <summary>The date in Japan at this instant.</summary>
    public static DateOnly Of(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The furthest ahead a record may name a day that has not come yet: a year from today.</summary>
    public static DateOnly FurthestAhead(DateTimeOffset now) => Of(now).AddYears(1);

    /// <summary>The latest day a record may say something already happened on: today, with a day's slack.</summary>
    public static DateOnly LatestPast(DateTimeOffset now) => Of(now).AddDays(1);

    private static TimeZoneInfo LoadZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Tokyo", TimeSpan.FromHours(9), "Japan Standard Time", "JST");
        }
    }
}

namespace Myna.Domain.Calendar;

/// <summary>
/// The one calendar every date rule uses: the date in Japan (Asia/Tokyo). A card expires, a qualification
/// starts, a certificate is issued and a person comes of age on a Japanese date, so "today" is never the
/// UTC date (which is yesterday between 00:00 and 09:00 in Japan).
/// </summary>
public static class JapanCalendar
{
    /// <summary>Asia/Tokyo from the system's time-zone data, or its fixed +09:00 (Japan has kept no daylight saving time since 1951) where a machine has none.</summary>
    public static TimeZoneInfo Zone { get; } = LoadZone();

    /// <summary>Today's date in Japan, by the injected clock.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());

    /// <summary>The date in Japan at this instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The time of day in Japan at this instant.</summary>
    public static TimeOnly TimeOf(DateTimeOffset instant) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant a Japanese date begins (00:00 in Japan).</summary>
    public static DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

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

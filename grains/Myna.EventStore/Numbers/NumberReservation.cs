namespace Myna.EventStore.Numbers;

/// <summary>
/// One row per Individual Number ever reserved. The id is a keyed hash of the number, so the table
/// holds no number in clear, and its primary key makes a second reservation of a number impossible to
/// commit, whichever silo tries. Rows are never deleted: a number is never reissued.
/// </summary>
public sealed class NumberReservation
{
    public string Id { get; set; } = string.Empty;
    public Guid PersonId { get; set; }
    /// <summary>Which of the person's numbers this is: 0 = first, 1 = first replacement, …</summary>
    public int Generation { get; set; }
    public DateTimeOffset ReservedAt { get; set; }
}

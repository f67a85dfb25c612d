namespace Approval.Api.Calendar;

/// <summary>A year of the holiday calendar administrators maintain; its holidays and make-up days are <see cref="CalendarEntry"/> rows.</summary>
public sealed class CalendarYearRow
{
    public int Year { get; set; }
    public string? Source { get; set; }
    public long UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

public static class CalendarEntryKind
{
    public const string Holiday = "holiday";
    public const string MakeUpWorkingDay = "makeUpWorkingDay";
}

/// <summary>One holiday range (inclusive) or one make-up working day (调休, <see cref="From"/> = <see cref="To"/>).</summary>
public sealed class CalendarEntry
{
    public long Id { get; set; }
    public int Year { get; set; }
    public required string Kind { get; set; }
    public string? Name { get; set; }
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
}

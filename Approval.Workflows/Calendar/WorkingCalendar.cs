using System.Globalization;
using System.Text.Json;

namespace Approval.Workflows.Calendar;

/// <summary>One public holiday range (inclusive) of a calendar year.</summary>
public sealed record HolidayRange(string Name, DateOnly From, DateOnly To);

/// <summary>
/// The holiday calendar of one year as administrators maintain it: holiday ranges and make-up working days (调休).
/// Built from a year file (<c>calendar/2026.json</c>) or from database rows.
/// </summary>
public sealed record CalendarYear(int Year, IReadOnlyList<HolidayRange> Holidays, IReadOnlyList<DateOnly> MakeUpWorkingDays, string? Source = null)
{
    public static CalendarYear FromJson(string json)
    {
        var o = JsonSerializer.Deserialize<YearFile>(json, JsonOptions) ?? throw new FormatException("empty calendar file");
        var year = new CalendarYear(o.Year,
            (o.Holidays ?? []).Select(h => new HolidayRange(h.Name ?? "", Date(h.From), Date(h.To))).ToList(),
            (o.MakeUpWorkingDays ?? []).Select(Date).ToList(),
            o.Source);
        year.Validate();
        return year;
    }

    public void Validate()
    {
        foreach (var h in Holidays)
        {
            if (h.To < h.From) throw new FormatException($"{Year}: holiday '{h.Name}' ends before it starts");
            if (h.From.Year != Year && h.To.Year != Year) throw new FormatException($"{Year}: holiday '{h.Name}' is outside the year");
        }
        foreach (var d in MakeUpWorkingDays.Where(d => d.Year != Year))
            throw new FormatException($"{Year}: make-up working day {d:yyyy-MM-dd} is outside the year");
    }

    private static DateOnly Date(string? s) =>
        DateOnly.ParseExact(s ?? throw new FormatException("missing date"), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record YearFile(int Year, string? Source, List<HolidayFile>? Holidays, List<string>? MakeUpWorkingDays);

    private sealed record HolidayFile(string? Name, string? From, string? To);
}

/// <summary>
/// Working days in China: Monday–Friday, minus public holidays, plus make-up working days, per loaded year.
/// A year without a loaded calendar falls back to Monday–Friday and is reported as unconfirmed
/// (<see cref="IsConfirmed"/>) instead of failing a running workflow.
/// Time limits count from the next working day: a limit of n days starting on <c>d</c> is due at the end
/// of the n-th working day after <c>d</c>, whether or not <c>d</c> itself is a working day.
/// Instants are turned into dates at China Standard Time (fixed +08:00).
/// </summary>
public sealed class WorkingCalendar
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly Dictionary<int, CalendarYear> _years;
    private readonly HashSet<DateOnly> _holidays = [];
    private readonly HashSet<DateOnly> _makeUp = [];

    public WorkingCalendar(IEnumerable<CalendarYear> years)
    {
        _years = new Dictionary<int, CalendarYear>();
        foreach (var y in years)
        {
            if (!_years.TryAdd(y.Year, y)) throw new ArgumentException($"calendar year {y.Year} given twice", nameof(years));
            foreach (var h in y.Holidays)
                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                    _holidays.Add(d);
            foreach (var d in y.MakeUpWorkingDays) _makeUp.Add(d);
        }
    }

    /// <summary>Loads every <c>yyyy.json</c> file of a folder.</summary>
    public static WorkingCalendar LoadFolder(string folder) =>
        new(Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(f => CalendarYear.FromJson(File.ReadAllText(f)))
            : []);

    public IReadOnlyCollection<int> ConfirmedYears => _years.Keys;

    public bool IsConfirmed(int year) => _years.ContainsKey(year);

    /// <summary>True when every year from <paramref name="from"/> to <paramref name="to"/> has a loaded calendar.</summary>
    public bool IsConfirmed(DateOnly from, DateOnly to)
    {
        for (var y = Math.Min(from.Year, to.Year); y <= Math.Max(from.Year, to.Year); y++)
            if (!IsConfirmed(y)) return false;
        return true;
    }

    public bool IsWorkingDay(DateOnly date) =>
        _makeUp.Contains(date) || (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(date));

    /// <summary>The due date of a limit of <paramref name="days"/> working days that starts on <paramref name="from"/>:
    /// the <paramref name="days"/>-th working day after <paramref name="from"/> (the start day does not count).
    /// Zero days → <paramref name="from"/>.</summary>
    public DateOnly AddWorkingDays(DateOnly from, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var d = from;
        for (var left = days; left > 0;)
        {
            d = d.AddDays(1);
            if (IsWorkingDay(d)) left--;
        }
        return d;
    }

    /// <summary>Working days in (<paramref name="from"/>, <paramref name="to"/>]: the days of a limit used up by the
    /// end of <paramref name="to"/> when it started on <paramref name="from"/>. Negative when <paramref name="to"/> is earlier.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from) return -WorkingDaysBetween(to, from);
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (IsWorkingDay(d)) n++;
        return n;
    }

    public static DateOnly ToChinaDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(ChinaOffset).DateTime);

    /// <summary>The instant a date ends in China (midnight +08:00 starting the next day).</summary>
    public static DateTimeOffset EndOf(DateOnly date) => new(date.AddDays(1).ToDateTime(TimeOnly.MinValue), ChinaOffset);
}

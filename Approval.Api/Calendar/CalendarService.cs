using System.Globalization;
using Approval.Api.Data;
using Approval.Api.Workflows;
using Approval.Workflows.Calendar;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Calendar;

/// <summary>
/// The holiday calendar lives in the database (<c>calendar_years</c>, <c>calendar_entries</c>). Years shipped in
/// <c>calendar/*.json</c> are seeded at start-up when missing; after any change the runtime gets a new
/// <see cref="WorkingCalendar"/> built from the rows, on this node at once and on the others within
/// <c>Calendar:RefreshInterval</c> (<see cref="ICalendarSync"/>).
/// </summary>
public static class CalendarService
{
    public static async Task SeedAsync(ApprovalDb db, TimeProvider clock, ILogger log, CancellationToken ct = default)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "calendar");
        if (!Directory.Exists(folder)) return;
        var known = await db.CalendarYears.Select(y => y.Year).ToListAsync(ct);
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var year = CalendarYear.FromJson(await File.ReadAllTextAsync(file, ct));
            if (known.Contains(year.Year)) continue;
            Store(db, year, "seed", clock);
            try
            {
                await db.SaveChangesAsync(ct);
                log.LogInformation("Seeded holiday calendar {Year} from {File}", year.Year, Path.GetFileName(file));
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another node seeded it first
            }
        }
    }

    /// <summary>
    /// Adds the rows of a year (the caller removed the old ones). <c>updated_at</c> moves past <paramref name="replacedAt"/>
    /// even when the clock did not (same millisecond, another node's clock behind), so that every change moves the stamp
    /// other nodes compare (<see cref="ICalendarSync"/>).
    /// </summary>
    public static void Store(ApprovalDb db, CalendarYear year, string by, TimeProvider clock, long? replacedAt = null)
    {
        var at = Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), (replacedAt ?? long.MinValue) + 1);
        db.CalendarYears.Add(new CalendarYearRow { Year = year.Year, Source = year.Source, UpdatedAt = at, UpdatedBy = by });
        foreach (var h in year.Holidays)
            db.CalendarEntries.Add(new CalendarEntry { Year = year.Year, Kind = CalendarEntryKind.Holiday, Name = h.Name, From = h.From, To = h.To });
        foreach (var d in year.MakeUpWorkingDays)
            db.CalendarEntries.Add(new CalendarEntry { Year = year.Year, Kind = CalendarEntryKind.MakeUpWorkingDay, From = d, To = d });
    }

    public static async Task<CalendarYear?> LoadYearAsync(ApprovalDb db, int year, CancellationToken ct = default)
    {
        var row = await db.CalendarYears.AsNoTracking().FirstOrDefaultAsync(y => y.Year == year, ct);
        if (row is null) return null;
        var entries = await db.CalendarEntries.AsNoTracking().Where(e => e.Year == year).OrderBy(e => e.From).ToListAsync(ct);
        return ToYear(row, entries);
    }

    /// <summary>Builds the working calendar from every stored year and hands it to the runtime; gives the year rows it was built from.</summary>
    public static async Task<(WorkingCalendar Calendar, List<CalendarYearRow> Years)> RefreshAsync(ApprovalDb db, WorkflowEngine engine, CancellationToken ct = default)
    {
        var years = await db.CalendarYears.AsNoTracking().ToListAsync(ct);
        var entries = await db.CalendarEntries.AsNoTracking().ToListAsync(ct);
        var calendar = new WorkingCalendar(years.Select(y => ToYear(y, entries.Where(e => e.Year == y.Year).OrderBy(e => e.From).ToList())));
        engine.UseCalendar(calendar);
        return (calendar, years);
    }

    private static CalendarYear ToYear(CalendarYearRow row, List<CalendarEntry> entries) => new(row.Year,
        entries.Where(e => e.Kind == CalendarEntryKind.Holiday).Select(e => new HolidayRange(e.Name ?? "", e.From, e.To)).ToList(),
        entries.Where(e => e.Kind == CalendarEntryKind.MakeUpWorkingDay).Select(e => e.From).ToList(),
        row.Source);

    public static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Workflows.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Calendar;

/// <summary>A year of the holiday calendar, in the format of <c>calendar/2026.json</c>.</summary>
public sealed record CalendarYearDto(int Year, string? Source, IReadOnlyList<HolidayDto> Holidays, IReadOnlyList<DateOnly> MakeUpWorkingDays);

public sealed record HolidayDto(string Name, DateOnly From, DateOnly To);

public static class CalendarEndpoints
{
    public static RouteGroupBuilder MapCalendars(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/calendars").WithTags("Holiday calendar (admin)")
            .RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/{year:int}", GetYear)
            .WithName("GetCalendarYear")
            .WithSummary("One year of the holiday calendar: public holidays and make-up working days (调休)")
            .WithDescription("Working days are Monday–Friday minus the holiday ranges plus the make-up working days. A year that is not stored → 404 (its deadlines are counted Monday–Friday and flagged as unconfirmed).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{year:int}", PutYear)
            .WithName("PutCalendarYear")
            .WithSummary("Create or replace one year of the holiday calendar")
            .WithDescription("""
                Body as `calendar/2026.json`: `{ "year": 2026, "source": "…", "holidays": [ { "name": "春节", "from": "2026-02-15", "to": "2026-02-23" } ],
                "makeUpWorkingDays": [ "2026-02-14" ] }`. Dates must lie in the year, ranges must not end before they start, make-up
                working days must be Saturdays or Sundays. The running workflows use the new calendar for every deadline computed from
                now on (deadlines already set stay): on this node at once, on the other nodes within `Calendar:RefreshInterval` (30 s). Invalid → 400 keyed by JSON path.
                """)
            .Accepts<CalendarYearDto>("application/json")
            .ProducesValidationProblem();

        return group;
    }

    public static async Task<Results<Ok<CalendarYearDto>, ProblemHttpResult>> GetYear(int year, ApprovalDb db, CancellationToken ct) =>
        await CalendarService.LoadYearAsync(db, year, ct) is { } y
            ? TypedResults.Ok(ToDto(y))
            : TypedResults.Problem(statusCode: 404, title: Texts.NoCalendar.Pick(), detail: Texts.NoCalendarDetail(year).Pick());

    public static async Task<Results<Ok<CalendarYearDto>, ValidationProblem>> PutYear(int year, HttpRequest request, ApprovalDb db,
        ICalendarSync sync, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "year", "source", "holidays", "makeUpWorkingDays", "note");
        if (root.TryGetProperty("year", out var y) && !(y.ValueKind == JsonValueKind.Number && y.TryGetInt32(out var declared) && declared == year))
            errors["year"] = [$"must be {year}, the year in the path"];
        if (year is < 2000 or > 2100) errors["year"] = ["must be between 2000 and 2100"];
        var source = RequestBody.Text(root, "source", 400, errors, required: false);

        var holidays = new List<HolidayRange>();
        if (!root.TryGetProperty("holidays", out var hs) || hs.ValueKind != JsonValueKind.Array) errors["holidays"] = ["must be a JSON array"];
        else
        {
            var i = 0;
            foreach (var h in hs.EnumerateArray())
            {
                var path = $"holidays[{i++}]";
                if (h.ValueKind != JsonValueKind.Object) { errors[path] = ["must be a JSON object"]; continue; }
                var local = RequestBody.AllowOnly(h, "name", "from", "to");
                var name = RequestBody.Text(h, "name", 100, local);
                var from = RequestBody.Date(h, "from", local);
                var to = RequestBody.Date(h, "to", local);
                if (from is null) local.TryAdd("from", ["is required"]);
                if (to is null) local.TryAdd("to", ["is required"]);
                if (from is { } f && to is { } t)
                {
                    if (t < f) local["to"] = ["must not be before from"];
                    if (f.Year != year && t.Year != year) local["from"] = [$"the range must lie (at least partly) in {year}"];
                    if (t.DayNumber - f.DayNumber > 31) local["to"] = ["a holiday range spans at most 32 days"];
                }
                foreach (var (k, v) in local) errors[$"{path}.{k}"] = v;
                if (local.Count == 0) holidays.Add(new HolidayRange(name!, from!.Value, to!.Value));
            }
        }

        var makeUp = new List<DateOnly>();
        if (root.TryGetProperty("makeUpWorkingDays", out var ms) && ms.ValueKind != JsonValueKind.Null)
        {
            if (ms.ValueKind != JsonValueKind.Array) errors["makeUpWorkingDays"] = ["must be a JSON array"];
            else
            {
                var i = 0;
                foreach (var m in ms.EnumerateArray())
                {
                    var path = $"makeUpWorkingDays[{i++}]";
                    if (m.ValueKind != JsonValueKind.String || !DateOnly.TryParseExact(m.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                        errors[path] = ["must be a date like 2026-02-14"];
                    else if (d.Year != year) errors[path] = [$"must lie in {year}"];
                    else if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) errors[path] = ["a make-up working day is a Saturday or Sunday"];
                    else makeUp.Add(d);
                }
            }
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        var calendarYear = new CalendarYear(year, holidays, makeUp.Distinct().Order().ToList(), source);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var replacedAt = await db.CalendarYears.Where(e => e.Year == year).Select(e => (long?)e.UpdatedAt).FirstOrDefaultAsync(ct);
            await db.CalendarEntries.Where(e => e.Year == year).ExecuteDeleteAsync(ct);
            await db.CalendarYears.Where(e => e.Year == year).ExecuteDeleteAsync(ct);
            CalendarService.Store(db, calendarYear, user.FindFirst("sub")?.Value ?? "admin", clock, replacedAt);
            db.Audit(user, clock, "calendar.replace", $"calendars/{year}", detail: $"{holidays.Count} holiday ranges, {makeUp.Count} make-up days");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await sync.ReloadAsync(db, ct);
        return TypedResults.Ok(ToDto(calendarYear));
    }

    private static CalendarYearDto ToDto(CalendarYear y) =>
        new(y.Year, y.Source, y.Holidays.Select(h => new HolidayDto(h.Name, h.From, h.To)).ToList(), y.MakeUpWorkingDays);
}

using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Calendar;

/// <summary>Configuration section <c>Calendar</c>.</summary>
public sealed class CalendarOptions
{
    /// <summary>How often a node asks the database whether another node changed the holiday calendar.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Keeps this node's working calendar equal to the database's. Every calendar year row carries <c>updated_at</c>, which a
/// change always moves forward; the list of (year, updated_at) is the calendar's stamp. At most once per
/// <see cref="CalendarOptions.RefreshInterval"/> (on the injected clock) a request, or the background loop, reads the
/// stamp — one small query — and reloads the calendar only when it differs from the one this node built.
/// </summary>
public interface ICalendarSync
{
    /// <summary>The interval has passed since the stamp was last read.</summary>
    bool Due { get; }

    /// <summary>Reads the stamp when the interval has passed since the last read, and reloads the calendar when it changed.</summary>
    Task RefreshIfDueAsync(ApprovalDb db, CancellationToken ct = default);

    /// <summary>Rebuilds the calendar from the database now (after this node changed it).</summary>
    Task ReloadAsync(ApprovalDb db, CancellationToken ct = default);
}

internal sealed class CalendarSync(WorkflowEngine engine, CalendarOptions options, TimeProvider clock) : ICalendarSync, IDisposable
{
    private readonly IntervalGate _gate = new(options.RefreshInterval, clock);
    private string? _stamp;

    public bool Due => _gate.Due;

    public Task RefreshIfDueAsync(ApprovalDb db, CancellationToken ct = default) => _gate.RunIfDueAsync(async ct =>
    {
        if (Stamp(await db.CalendarYears.AsNoTracking().Select(y => new YearStamp(y.Year, y.UpdatedAt)).ToListAsync(ct)) != _stamp)
            await ReloadCoreAsync(db, ct);
    }, ct);

    public Task ReloadAsync(ApprovalDb db, CancellationToken ct = default) => _gate.RunNowAsync(ct => ReloadCoreAsync(db, ct), ct);

    private async Task ReloadCoreAsync(ApprovalDb db, CancellationToken ct)
    {
        var (_, years) = await CalendarService.RefreshAsync(db, engine, ct);
        _stamp = Stamp(years.Select(y => new YearStamp(y.Year, y.UpdatedAt)));
    }

    private static string Stamp(IEnumerable<YearStamp> years) => string.Join(",", years.OrderBy(y => y.Year).Select(y => $"{y.Year}:{y.UpdatedAt}"));

    private sealed record YearStamp(int Year, long UpdatedAt);

    public void Dispose() => _gate.Dispose();
}

/// <summary>Checks the stamp in the background too, so that a node that only fires timers follows as well.</summary>
internal sealed class CalendarSyncService(ICalendarSync sync, WorkflowEngine engine, CalendarOptions options, TimeProvider clock,
    ILogger<CalendarSyncService> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => FollowLoop.RunAsync(options.RefreshInterval, clock, async ct =>
    {
        await using var db = engine.NewDb();
        await sync.RefreshIfDueAsync(db, ct);
    }, e => log.LogWarning(e, "Could not check the holiday calendar for changes; the current one stays"), stoppingToken);
}

public static class CalendarSyncSetup
{
    public static IHostApplicationBuilder AddCalendarSync(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var options = problems.Bind<CalendarOptions>(builder.Configuration, "Calendar");
        if (options.RefreshInterval <= TimeSpan.Zero) problems.Add($"Calendar:RefreshInterval must be a positive duration (it is {options.RefreshInterval}).");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ICalendarSync, CalendarSync>();
        builder.Services.AddHostedService<CalendarSyncService>();
        return builder;
    }

    /// <summary>Before the endpoints: a request that finds the interval passed checks the stamp first (its deadlines then follow the new calendar).</summary>
    public static WebApplication UseCalendarSync(this WebApplication app)
    {
        var sync = app.Services.GetRequiredService<ICalendarSync>();
        app.Use(async (context, next) =>
        {
            if (sync.Due) await sync.RefreshIfDueAsync(context.RequestServices.GetRequiredService<ApprovalDb>(), context.RequestAborted);
            await next(context);
        });
        return app;
    }
}

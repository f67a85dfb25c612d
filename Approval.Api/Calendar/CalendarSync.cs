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
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _checkedAt; // ticks of the last read; 0 = never
    private string? _stamp;

    public bool Due => clock.GetUtcNow().UtcTicks - Volatile.Read(ref _checkedAt) >= options.RefreshInterval.Ticks;

    public async Task RefreshIfDueAsync(ApprovalDb db, CancellationToken ct = default)
    {
        if (!Due) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (!Due) return;
            Volatile.Write(ref _checkedAt, clock.GetUtcNow().UtcTicks);
            if (Stamp(await db.CalendarYears.AsNoTracking().Select(y => new YearStamp(y.Year, y.UpdatedAt)).ToListAsync(ct)) != _stamp)
                await ReloadCoreAsync(db, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ReloadAsync(ApprovalDb db, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Volatile.Write(ref _checkedAt, clock.GetUtcNow().UtcTicks);
            await ReloadCoreAsync(db, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.RefreshInterval, clock, stoppingToken);
                await using var db = engine.NewDb();
                await sync.RefreshIfDueAsync(db, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Could not check the holiday calendar for changes; the current one stays");
            }
        }
    }
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

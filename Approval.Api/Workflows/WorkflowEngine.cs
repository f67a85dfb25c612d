using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Rules.Bundles;
using Approval.Workflows.Calendar;
using Approval.Workflows.Definitions;
using Approval.Workflows.Runtime;
using Approval.Workflows.Timers;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Workflows;

/// <summary>Configuration section <c>Workflows</c>.</summary>
public sealed class WorkflowOptions
{
    /// <summary>Run the durable-timer dispatcher in the background (public notices, reminders, escalations). Tests may turn it off.</summary>
    public bool RunTimers { get; set; } = true;

    /// <summary>How long the dispatcher sleeps when nothing was due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The workflow runtime as the host uses it: the definitions of every bundle version, the host hooks and the working
/// calendar built from the database. The calendar is immutable, so a calendar change builds a new runtime and timer
/// dispatcher (<see cref="UseCalendar"/>); calls in flight finish on the one they started with.
/// </summary>
public sealed class WorkflowEngine
{
    private readonly WorkflowCatalog _catalog;
    private readonly IWorkflowHost _host;
    private readonly TimeProvider _time;
    private readonly DbContextOptions<ApprovalDb> _dbOptions;
    private readonly ILogger _log;
    private readonly Lock _catalogLock = new();
    private volatile State _state;

    private sealed record State(WorkflowRuntime Runtime, TimerDispatcher Dispatcher);

    public WorkflowEngine(BundleCatalog bundles, IWorkflowHost host, TimeProvider time,
        DbContextOptions<ApprovalDb> dbOptions, ILogger<WorkflowEngine> log)
    {
        _catalog = new WorkflowCatalog(bundles.Workflows);
        _host = host;
        _time = time;
        _dbOptions = dbOptions;
        _log = log;
        _state = Build(new WorkingCalendar([]));
    }

    public WorkflowRuntime Runtime => _state.Runtime;

    public WorkingCalendar Calendar => _state.Runtime.Calendar;

    /// <summary>Replaces the working calendar (after start-up seeding or an administrator's change).</summary>
    public void UseCalendar(WorkingCalendar calendar) => _state = Build(calendar);

    /// <summary>Claims and fires one batch of due timers; returns how many fired.</summary>
    public Task<int> RunTimersOnceAsync(CancellationToken ct = default) => _state.Dispatcher.RunOnceAsync(ct);

    /// <summary>A fresh DbContext outside any request scope (timer dispatch).</summary>
    public ApprovalDb NewDb() => new(_dbOptions);

    /// <summary>The workflow of a bundle version, loaded from the stored bundle version when it is not current.</summary>
    public async Task<WorkflowDefinition?> DefinitionAsync(ApprovalDb db, BundleCatalog bundles, string bundleCode, string version, CancellationToken ct = default)
    {
        lock (_catalogLock)
            if (_catalog.Find(bundleCode, version) is { } known) return known;
        if (await bundles.FindVersionAsync(db, bundleCode, version, ct) is not BundleDefinition bundle) return null;
        var definition = WorkflowLoader.Load(bundle, $"db:{bundleCode}@{version}");
        lock (_catalogLock) _catalog.Add(definition);
        return definition;
    }

    /// <summary>Loads the definitions of every version that running instances are pinned to (before timers fire).</summary>
    public async Task LoadPinnedVersionsAsync(ApprovalDb db, BundleCatalog bundles, CancellationToken ct = default)
    {
        var pinned = await db.WorkflowInstances.Where(i => i.EndedAt == null)
            .Select(i => new { i.BundleCode, i.DefinitionVersion }).Distinct().ToListAsync(ct);
        foreach (var p in pinned)
            if (await DefinitionAsync(db, bundles, p.BundleCode, p.DefinitionVersion, ct) is null)
                _log.LogWarning("Workflow {Bundle} version {Version} of running applications is not stored", p.BundleCode, p.DefinitionVersion);
    }

    private State Build(WorkingCalendar calendar)
    {
        var runtime = new WorkflowRuntime(_catalog, calendar, _host, _time);
        var dispatcher = new TimerDispatcher(NewDb, runtime, _time, new TimerDispatcherOptions
        {
            OnError = e => _log.LogError(e, "A workflow timer failed; it is retried"),
        });
        return new State(runtime, dispatcher);
    }
}

/// <summary>Runs the durable timers: one batch, then a pause when nothing was due (config <c>Workflows:RunTimers</c>).</summary>
public sealed class WorkflowTimerService(WorkflowEngine engine, WorkflowOptions options, TimeProvider time, ILogger<WorkflowTimerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunTimers) return;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var fired = 0;
            try
            {
                fired = await engine.RunTimersOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Timer dispatch failed");
            }
            if (fired > 0) continue;
            try
            {
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

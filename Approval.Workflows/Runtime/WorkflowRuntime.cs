using Approval.Workflows.Activities;
using Approval.Workflows.Calendar;
using Approval.Workflows.Definitions;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Approval.Workflows.Persistence.TaskStatus;

namespace Approval.Workflows.Runtime;

/// <summary>
/// Runs workflow instances stored through the host's DbContext. Every call loads what it needs, runs the steps until the
/// flows wait again and saves everything (with the host's pending changes) in one SaveChanges; nothing stays in memory.
/// A concurrent change of the same instance (another node, another reviewer) is detected by the instance's version
/// column; the call then reloads and runs again, so concurrent decisions on different tasks are all kept and a second
/// decision on the same task is refused.
/// </summary>
public sealed class WorkflowRuntime(WorkflowCatalog catalog, WorkingCalendar calendar, IWorkflowHost host, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public WorkingCalendar Calendar => calendar;

    /// <summary>Creates the instance: a window submission is accepted at once and its items start; other channels get an acceptance task.</summary>
    public async Task<WorkflowInstance> StartAsync(DbContext db, WorkflowDefinition definition, Guid instanceId, StartRequest request, CancellationToken ct = default)
    {
        if (catalog.Find(definition.BundleCode, definition.Version) is null) catalog.Add(definition);
        foreach (var code in request.Items.Concat(request.EndedItems?.Select(e => e.ItemCode) ?? []))
            if (definition.Item(code) is null) throw new ArgumentException($"bundle {definition.BundleCode} has no item {code}", nameof(request));
        var now = time.GetUtcNow();
        var instance = new WorkflowInstance
        {
            Id = instanceId, BundleCode = definition.BundleCode, DefinitionVersion = definition.Version, Channel = request.Channel,
            FactsJson = request.Facts.ToJsonString(), CreatedAt = now, Version = 1,
        };
        foreach (var flow in definition.Items)
        {
            var item = new WorkflowItem { InstanceId = instanceId, Code = flow.Code };
            var ended = request.EndedItems?.FirstOrDefault(e => e.ItemCode == flow.Code);
            if (!request.Items.Contains(flow.Code))
            {
                item.Decide(ended?.Outcome ?? ItemOutcome.NotApplicable, ended?.Reason ?? "not part of this application", null, now);
                item.EndFlow();
            }
            instance.Items.Add(item);
        }
        db.Add(instance);
        var run = new WorkflowExecution(db, definition, instance, [], calendar, host, now, ct) { Actor = request.Channel };
        run.Record("submitted", detail: $"channel {request.Channel}, items {string.Join(',', request.Items)}");
        if (definition.Acceptance.AutoAcceptChannels.Contains(request.Channel)) await run.AcceptAsync();
        else run.CreateAcceptanceTask();
        await db.SaveChangesAsync(ct);
        return instance;
    }

    /// <summary>A department decides a task. Refused (nothing saved) when the action is not allowed now, a prerequisite
    /// item is undecided, a second supplement is requested for the same item, or the task is no longer open.</summary>
    public Task<WorkflowResult> ResumeAsync(DbContext db, Guid taskId, TaskDecision decision, string actor, CancellationToken ct = default) =>
        WithRetryAsync(db, async () =>
        {
            // the instance is found through the task in the same query
            var run = await TryLoadAsync(db, await InstanceOfTask.For(db)(db, taskId, ct), actor, ct);
            var task = run?.Tasks.SingleOrDefault(t => t.Id == taskId);
            if (run is null || task is null) return WorkflowResult.Refuse(RefusalKind.NotFound, $"task {taskId} does not exist");
            var refusal = Check(run, task, decision);
            if (refusal is not null) return refusal;

            run.LastReason = decision.Reason;
            var outputs = decision.Outputs?.ToJsonString();
            task.Complete(decision.Action, decision.Reason, decision.Materials, outputs, actor, run.Now);
            run.Record("taskDecided", task.ItemCode, task.Id, WorkflowHistoryEntry.Json(new { decision.Action, decision.Reason, decision.Materials, outputs }));

            if (WorkflowExecution.IsAcceptance(task)) await AcceptanceDecidedAsync(run, task, decision);
            else if (WorkflowExecution.IsFlag(task))
            {
                run.Instance.Item(task.ItemCode!).ReviewFlag = null;
                await run.SettleAfterTaskAsync();
            }
            else
            {
                var item = run.Instance.Item(task.ItemCode!);
                if (decision.Action == "requestSupplement")
                {
                    run.PauseForSupplement(item, task, decision.Materials!);
                    await run.EmitAsync(WorkflowEventKind.SupplementRequested, item.Code, task.Id, task.Department,
                        $"{decision.Reason} ({string.Join(", ", decision.Materials!)})");
                }
                else
                {
                    item.MergeOutputs(decision.Outputs);
                    var step = (HumanTaskActivity)run.Flow(item.Code).Step(task.StepId)!;
                    var target = step.Branches.FirstOrDefault(b => decision.Outputs?[b.Output] is { } v && WorkflowExecution.Text(v) == b.EqualTo)?.Goto
                                 ?? step.Actions[decision.Action];
                    await run.ContinueAsync(item, step.Id, target);
                }
            }
            return await SaveAsync(run, ct);
        }, ct);

    /// <summary>The applicant supplied what a supplement request named: the item's clock resumes and the flow goes back to the
    /// task that asked. <paramref name="itemCode"/> null = the acceptance review asked for completion.</summary>
    public Task<WorkflowResult> SupplementAsync(DbContext db, Guid instanceId, string? itemCode, IReadOnlyList<string> materials, string actor, CancellationToken ct = default) =>
        WithRetryAsync(db, async () =>
        {
            var run = await TryLoadAsync(db, instanceId, actor, ct);
            if (run is null) return WorkflowResult.Refuse(RefusalKind.NotFound, $"instance {instanceId} does not exist");
            if (itemCode is null)
            {
                if (run.Instance.Status != InstanceStatus.AwaitingAcceptance || !run.Instance.AcceptanceSupplementRequested
                    || run.Tasks.Any(t => WorkflowExecution.IsAcceptance(t) && t.Status == TaskStatus.Open))
                    return WorkflowResult.Refuse(RefusalKind.NotAwaitingSupplement, "the application is not waiting for completion");
                run.Record("supplemented", detail: string.Join(',', materials));
                run.CreateAcceptanceTask();
                return await SaveAsync(run, ct);
            }
            var item = run.Instance.Items.FirstOrDefault(i => i.Code == itemCode);
            if (item is null) return WorkflowResult.Refuse(RefusalKind.NotFound, $"item {itemCode} is not in this application", itemCode);
            if (item.Status != ItemStatus.AwaitingSupplement)
                return WorkflowResult.Refuse(RefusalKind.NotAwaitingSupplement, $"item {itemCode} is not waiting for a supplement", itemCode);
            run.Record("supplemented", itemCode, detail: string.Join(',', materials));
            await run.ResumeAfterSupplementAsync(item);
            return await SaveAsync(run, ct);
        }, ct);

    /// <summary>Withdraws one item or (<paramref name="itemCode"/> null) every item not yet decided; their tasks end.</summary>
    public Task<WorkflowResult> WithdrawAsync(DbContext db, Guid instanceId, string? itemCode, string reason, string actor, CancellationToken ct = default) =>
        WithRetryAsync(db, async () =>
        {
            var run = await TryLoadAsync(db, instanceId, actor, ct);
            if (run is null) return WorkflowResult.Refuse(RefusalKind.NotFound, $"instance {instanceId} does not exist");
            var instance = run.Instance;
            if (itemCode is null && instance.Status == InstanceStatus.AwaitingAcceptance)
            {
                run.CancelTasks(null, reason);
                foreach (var i in instance.Items.Where(i => i.Status == ItemStatus.Pending))
                {
                    i.Decide(ItemOutcome.Withdrawn, reason, null, run.Now);
                    i.EndFlow();
                }
                instance.Status = InstanceStatus.Withdrawn;
                instance.EndedAt = run.Now;
                run.Record("withdrawn", detail: reason);
                return await SaveAsync(run, ct);
            }
            var targets = instance.Items.Where(i => (itemCode is null || i.Code == itemCode) && !i.HasOutcome && i.Status != ItemStatus.Ended).ToList();
            if (targets.Count == 0)
                return itemCode is not null && instance.Items.All(i => i.Code != itemCode)
                    ? WorkflowResult.Refuse(RefusalKind.NotFound, $"item {itemCode} is not in this application", itemCode)
                    : WorkflowResult.Refuse(RefusalKind.AlreadyDecided, itemCode is null ? "every item is already decided" : $"item {itemCode} is already decided", itemCode);
            run.Record("withdrawn", itemCode, detail: reason);
            foreach (var item in targets) await run.EndItemAsync(item, ItemOutcome.Withdrawn, reason);
            if (instance.Items.Any(i => i.IsOpen && !i.HasOutcome)) await run.ReevaluateAsync(targets[0]);
            return await SaveAsync(run, ct);
        }, ct);

    /// <summary>Records an objection during a public notice (公示异议) of the item.</summary>
    public Task<WorkflowResult> RecordObjectionAsync(DbContext db, Guid instanceId, string itemCode, string text, string actor, CancellationToken ct = default) =>
        WithRetryAsync(db, async () =>
        {
            var run = await TryLoadAsync(db, instanceId, actor, ct);
            var item = run?.Instance.Items.FirstOrDefault(i => i.Code == itemCode);
            if (run is null || item is null) return WorkflowResult.Refuse(RefusalKind.NotFound, $"no item {itemCode} in instance {instanceId}", itemCode);
            if (run.Flow(itemCode).Step(item.StepId) is not TimerActivity { AcceptsObjections: true } || item.PendingTimerId is null)
                return WorkflowResult.Refuse(RefusalKind.ActionNotAllowed, $"item {itemCode} is not in a public notice", itemCode);
            run.RecordObjection(item, text);
            return await SaveAsync(run, ct);
        }, ct);

    /// <summary>Runs a due timer (called by <see cref="Timers.TimerDispatcher"/> inside its transaction). A timer whose task
    /// or step is no longer current does nothing.</summary>
    internal Task FireAsync(DbContext db, Guid timerId, CancellationToken ct) =>
        WithRetryAsync(db, async () =>
        {
            var timer = await db.Set<WorkflowTimer>().AsNoTracking().SingleAsync(t => t.Id == timerId, ct);
            var run = await LoadAsync(db, timer.InstanceId, "timer", ct);
            switch (timer.Kind)
            {
                case TimerKind.Step:
                    var item = run.Instance.Item(timer.ItemCode!);
                    if (item.PendingTimerId != timer.Id || item.StepId != timer.StepId || item.Status != ItemStatus.Active) return WorkflowResult.Done;
                    item.PendingTimerId = null;
                    run.Record("timerFired", item.Code, detail: $"{timer.StepId}, {item.ObjectionCount} objection(s)");
                    await run.ContinueAsync(item, timer.StepId!, Targets.Next);
                    break;
                case TimerKind.Reminder or TimerKind.Escalation:
                    var task = run.Tasks.FirstOrDefault(t => t.Id == timer.TaskId);
                    if (task is not { Status: TaskStatus.Open }) return WorkflowResult.Done;
                    var reminder = timer.Kind == TimerKind.Reminder;
                    if (reminder)
                    {
                        task.RemindedAt = run.Now;
                        run.ScheduleEscalation(task);
                    }
                    else task.EscalatedAt = run.Now;
                    await run.EmitAsync(reminder ? WorkflowEventKind.Reminder : WorkflowEventKind.Escalation, task.ItemCode, task.Id, task.Department,
                        $"{task.Kind} due {task.DueDate:yyyy-MM-dd}");
                    break;
            }
            return await SaveAsync(run, ct);
        }, ct);

    private static async Task AcceptanceDecidedAsync(WorkflowExecution run, HumanTask task, TaskDecision decision)
    {
        switch (decision.Action)
        {
            case "accept":
                await run.AcceptAsync();
                break;
            case "reject":
                await run.RefuseAtAcceptanceAsync(decision.Reason!);
                break;
            case "requestSupplement":
                run.Instance.AcceptanceSupplementRequested = true;
                await run.EmitAsync(WorkflowEventKind.SupplementRequested, null, task.Id, task.Department,
                    $"{decision.Reason} ({string.Join(", ", decision.Materials!)})");
                break;
        }
    }

    private static WorkflowResult? Check(WorkflowExecution run, HumanTask task, TaskDecision decision)
    {
        if (task.Status == TaskStatus.Waiting)
        {
            var first = (task.WaitingFor ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(c => !run.IsDecided(c));
            return WorkflowResult.Refuse(RefusalKind.PrerequisiteUndecided, $"item {first} must be decided before this {task.Kind}", first);
        }
        if (task.Status != TaskStatus.Open)
            return WorkflowResult.Refuse(RefusalKind.TaskNotOpen, $"the task is {task.Status} (action {task.Action ?? "none"} by {task.DecidedBy ?? "nobody"})", task.ItemCode);
        if (!task.Actions.Contains(decision.Action))
            return WorkflowResult.Refuse(RefusalKind.ActionNotAllowed, $"'{decision.Action}' is not allowed on this {task.Kind}; allowed now: {string.Join(", ", task.ActionsNow)}", task.ItemCode);
        if (decision.Action is "reject" or "requestSupplement" && string.IsNullOrWhiteSpace(decision.Reason))
            return WorkflowResult.Refuse(RefusalKind.InvalidDecision, $"a reason is required to {decision.Action}", task.ItemCode);
        if (decision.Action == "requestSupplement")
        {
            if (decision.Materials is not { Count: > 0 })
                return WorkflowResult.Refuse(RefusalKind.InvalidDecision, "a supplement request names the materials it needs", task.ItemCode);
            var alreadyAsked = task.ItemCode is null ? run.Instance.AcceptanceSupplementRequested : run.Instance.Item(task.ItemCode).SupplementRequested;
            if (alreadyAsked)
                return WorkflowResult.Refuse(RefusalKind.SecondSupplement,
                    $"{(task.ItemCode is null ? "the application" : "item " + task.ItemCode)} already had its one supplement request (一次性告知)", task.ItemCode);
        }
        if (task.ItemCode is not null && !WorkflowExecution.IsAcceptance(task) && !WorkflowExecution.IsFlag(task) && decision.Outputs is { } outputs
            && run.Flow(task.ItemCode).Step(task.StepId) is HumanTaskActivity step)
        {
            var unknown = outputs.Select(o => o.Key).FirstOrDefault(k => !step.Outputs.Contains(k));
            if (unknown is not null)
                return WorkflowResult.Refuse(RefusalKind.InvalidDecision,
                    $"output '{unknown}' is not recorded by this {task.Kind} (records: {string.Join(", ", step.Outputs)})", task.ItemCode);
        }
        return null;
    }

    private async Task<WorkflowExecution> LoadAsync(DbContext db, Guid instanceId, string actor, CancellationToken ct) =>
        await TryLoadAsync(db, instanceId, actor, ct) ?? throw new InvalidOperationException($"instance {instanceId} does not exist");

    private static readonly CompiledQuery<Func<DbContext, Guid, CancellationToken, Task<WorkflowInstance?>>> InstanceById = new(() =>
        EF.CompileAsyncQuery((DbContext db, Guid id, CancellationToken ct) => db.Set<WorkflowInstance>().Include(i => i.Items).SingleOrDefault(i => i.Id == id)));

    private static readonly CompiledQuery<Func<DbContext, Guid, CancellationToken, Task<WorkflowInstance?>>> InstanceOfTask = new(() =>
        EF.CompileAsyncQuery((DbContext db, Guid taskId, CancellationToken ct) => db.Set<WorkflowInstance>().Include(i => i.Items)
            .SingleOrDefault(i => db.Set<HumanTask>().Where(t => t.Id == taskId).Select(t => t.InstanceId).Contains(i.Id))));

    private static readonly CompiledQuery<Func<DbContext, Guid, IAsyncEnumerable<HumanTask>>> TasksOf = new(() =>
        EF.CompileAsyncQuery((DbContext db, Guid instanceId) => db.Set<HumanTask>().Where(t => t.InstanceId == instanceId)));

    private async Task<WorkflowExecution?> TryLoadAsync(DbContext db, Guid instanceId, string actor, CancellationToken ct) =>
        await TryLoadAsync(db, await InstanceById.For(db)(db, instanceId, ct), actor, ct);

    private async Task<WorkflowExecution?> TryLoadAsync(DbContext db, WorkflowInstance? instance, string actor, CancellationToken ct)
    {
        if (instance is null) return null;
        var definition = catalog.Find(instance.BundleCode, instance.DefinitionVersion)
                         ?? throw new InvalidOperationException($"workflow {instance.BundleCode} version {instance.DefinitionVersion} is not loaded");
        var tasks = new List<HumanTask>();
        await foreach (var task in TasksOf.For(db)(db, instance.Id).WithCancellation(ct)) tasks.Add(task);
        return new WorkflowExecution(db, definition, instance, tasks, calendar, host, time.GetUtcNow(), ct) { Actor = actor };
    }

    private static async Task<WorkflowResult> SaveAsync(WorkflowExecution run, CancellationToken ct)
    {
        run.Instance.Touch();
        await run.Db.SaveChangesAsync(ct);
        return WorkflowResult.Done;
    }

    private static async Task<WorkflowResult> WithRetryAsync(DbContext db, Func<Task<WorkflowResult>> operation, CancellationToken ct)
    {
        // changes are detected once for both passes (each Entries() call would detect them again)
        db.ChangeTracker.DetectChanges();
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        HashSet<object> before;
        try
        {
            DetachWorkflowEntries(db, onlyUnchanged: true);
            before = db.ChangeTracker.Entries().Select(e => e.Entity).ToHashSet(ReferenceEqualityComparer.Instance);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await operation();
                if (!result.Succeeded) DetachAttempt(db, before);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                ct.ThrowIfCancellationRequested();
                DetachAttempt(db, before);
            }
        }
    }

    /// <summary>Forgets what a failed or refused attempt added or loaded (workflow rows and whatever hooks added), keeping
    /// the host's own pending changes from before the call.</summary>
    private static void DetachAttempt(DbContext db, HashSet<object> before)
    {
        foreach (var entry in db.ChangeTracker.Entries().ToList())
            if (!before.Contains(entry.Entity) || IsWorkflowEntity(entry.Entity))
                entry.State = EntityState.Detached;
    }

    private static void DetachWorkflowEntries(DbContext db, bool onlyUnchanged)
    {
        foreach (var entry in db.ChangeTracker.Entries().ToList())
            if (IsWorkflowEntity(entry.Entity) && (!onlyUnchanged || entry.State == EntityState.Unchanged))
                entry.State = EntityState.Detached;
    }

    private static bool IsWorkflowEntity(object entity) =>
        entity is WorkflowInstance or WorkflowItem or HumanTask or WorkflowTimer or WorkflowHistoryEntry;
}

using System.Text.Json.Nodes;
using Approval.Workflows.Activities;
using Approval.Workflows.Calendar;
using Approval.Workflows.Definitions;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Approval.Workflows.Persistence.TaskStatus;

namespace Approval.Workflows.Runtime;

/// <summary>One operation on one instance (start, decision, supplement, withdrawal, timer): loads the rows, runs the
/// steps until every touched flow waits again, and leaves the changes in the DbContext for one SaveChanges.</summary>
internal sealed class WorkflowExecution
{
    private const int MaxStepsPerRun = 200;
    private const string TaskKindFlag = "flagReview";
    private const string TaskKindAcceptance = "acceptance";

    private readonly WorkingCalendar _calendar;
    private readonly IWorkflowHost _host;
    private readonly CancellationToken _ct;

    public WorkflowExecution(DbContext db, WorkflowDefinition definition, WorkflowInstance instance, List<HumanTask> tasks,
        WorkingCalendar calendar, IWorkflowHost host, DateTimeOffset now, CancellationToken ct)
    {
        Db = db;
        Definition = definition;
        Instance = instance;
        Tasks = tasks;
        _calendar = calendar;
        _host = host;
        Now = now;
        Today = WorkingCalendar.ToChinaDate(now);
        _ct = ct;
    }

    public DbContext Db { get; }
    public WorkflowDefinition Definition { get; }
    public WorkflowInstance Instance { get; }
    public List<HumanTask> Tasks { get; }
    public DateTimeOffset Now { get; }
    public DateOnly Today { get; }
    public string Actor { get; set; } = "system";

    /// <summary>The reason of the decision being processed; a refusal step records it as the item's reason.</summary>
    public string? LastReason { get; set; }

    public void Record(string evt, string? itemCode = null, Guid? taskId = null, string? detail = null) =>
        Db.Add(Instance.Record(Now, evt, itemCode, taskId, Actor, detail));

    public bool IsDecided(string itemCode) => Instance.Item(itemCode) is var i && (i.HasOutcome || i.Status == ItemStatus.Ended);

    // ---- acceptance ----

    public void CreateAcceptanceTask()
    {
        var a = Definition.Acceptance;
        CreateTask(null, TaskKindAcceptance, a.Department, TaskKindAcceptance, a.ReviewDays, AcceptanceActivity.Actions, []);
    }

    public async Task AcceptAsync()
    {
        Instance.Status = InstanceStatus.Running;
        Instance.AcceptedOn = Today;
        Record("accepted");
        foreach (var item in Instance.Items.Where(i => i.Status == ItemStatus.Pending).OrderBy(i => i.Code, StringComparer.Ordinal).ToList())
        {
            var flow = Flow(item.Code);
            item.Status = ItemStatus.Active;
            item.LimitDays = flow.PromisedDays;
            item.StatutoryDays = flow.StatutoryDays;
            item.StartClock(Today, _calendar);
            Record("itemStarted", item.Code, detail: $"due {item.DueDate:yyyy-MM-dd} (statutory {item.StatutoryDueDate:yyyy-MM-dd})");
            NoteUnconfirmedCalendar(item.Code, null, item.StatutoryDueDate!.Value);
        }
        foreach (var item in Instance.Items.Where(i => i.Status == ItemStatus.Active).OrderBy(i => i.Code, StringComparer.Ordinal).ToList())
            await RunFromAsync(item, 0);
        await SettleAsync();
    }

    public async Task RefuseAtAcceptanceAsync(string reason)
    {
        Instance.Status = InstanceStatus.Refused;
        foreach (var item in Instance.Items.Where(i => i.Status == ItemStatus.Pending))
        {
            item.Decide(ItemOutcome.Refused, reason, null, Now);
            item.EndFlow();
        }
        Record("refusedAtAcceptance", detail: reason);
        await SettleAsync();
    }

    // ---- flow execution ----

    public ItemFlow Flow(string itemCode) =>
        Definition.Item(itemCode) ?? throw new InvalidOperationException($"definition {Definition.Version} has no item {itemCode}");

    /// <summary>Runs the item's steps from <paramref name="index"/> until one waits or the flow ends.</summary>
    public async Task RunFromAsync(WorkflowItem item, int index)
    {
        var flow = Flow(item.Code);
        var facts = Instance.Facts();
        for (var guard = 0; ; guard++)
        {
            if (guard > MaxStepsPerRun) throw new InvalidOperationException($"item {item.Code}: more than {MaxStepsPerRun} steps without waiting (a loop in the definition?)");
            if (item.Status == ItemStatus.Ended) return;
            if (index >= flow.Steps.Count)
            {
                await FinishFlowAsync(item);
                return;
            }
            var step = flow.Steps[index];
            if (step.When is { } when && !when.HoldsFor(facts))
            {
                index++;
                continue;
            }
            item.StepId = step.Id;
            var result = await step.ExecuteAsync(this, item);
            if (result.Suspended || item.Status == ItemStatus.Ended) return;
            switch (result.Goto)
            {
                case Targets.Next:
                    index++;
                    break;
                case Targets.End:
                    await FinishFlowAsync(item);
                    return;
                case Targets.Refused:
                    await DecideAsync(item, ItemOutcome.Refused, LastReason, null);
                    await FinishFlowAsync(item);
                    return;
                default:
                    index = flow.IndexOf(result.Goto);
                    break;
            }
        }
    }

    /// <summary>Continues an item after a step that waited (task decided, timer fired) towards <paramref name="target"/>.</summary>
    public Task ContinueAsync(WorkflowItem item, string fromStepId, string target)
    {
        var flow = Flow(item.Code);
        return target switch
        {
            Targets.Next => RunFromAsync(item, flow.IndexOf(fromStepId) + 1),
            Targets.End => FinishFlowAsync(item),
            Targets.Refused => RefuseAndFinishAsync(item),
            _ => RunFromAsync(item, flow.IndexOf(target)),
        };
    }

    private async Task RefuseAndFinishAsync(WorkflowItem item)
    {
        await DecideAsync(item, ItemOutcome.Refused, LastReason, null);
        await FinishFlowAsync(item);
    }

    private Task FinishFlowAsync(WorkflowItem item)
    {
        if (item.Status == ItemStatus.Ended) return Task.CompletedTask;
        item.EndFlow();
        Record("itemFlowEnded", item.Code, detail: item.Outcome);
        return SettleAsync();
    }

    public static string Text(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();

    // ---- tasks ----

    public HumanTask CreateTask(string? itemCode, string stepId, string department, string kind, int days, IEnumerable<string> actions, IReadOnlyList<string> waitsFor)
    {
        var waiting = waitsFor.Where(c => !IsDecided(c)).ToList();
        var task = new HumanTask
        {
            Id = Guid.CreateVersion7(Now),
            InstanceId = Instance.Id,
            ItemCode = itemCode,
            StepId = stepId,
            Department = department,
            Kind = kind,
            LimitDays = days,
            AllowedActions = string.Join(',', actions),
            CreatedAt = Now,
            Status = TaskStatus.Waiting,
            WaitingFor = waiting.Count > 0 ? string.Join(',', waiting) : null,
        };
        Db.Add(task);
        Tasks.Add(task);
        if (waiting.Count == 0) OpenTask(task);
        else Record("taskWaiting", itemCode, task.Id, $"{kind} waits for {task.WaitingFor}");
        return task;
    }

    private void OpenTask(HumanTask task)
    {
        task.Open(Today, _calendar);
        var reminderDay = _calendar.AddWorkingDays(Today, task.LimitDays * 4 / 5);
        // one timer per open task: the escalation timer is created when the reminder fires (ScheduleEscalation)
        AddTimer(TimerKind.Reminder, task.ItemCode, task.Id, task.StepId, WorkingCalendar.EndOf(reminderDay));
        Record("taskOpened", task.ItemCode, task.Id, $"{task.Kind} for {task.Department}, due {task.DueDate:yyyy-MM-dd}");
        NoteUnconfirmedCalendar(task.ItemCode, task.Id, task.DueDate!.Value);
    }

    /// <summary>A due date that runs into a year without a loaded holiday calendar was counted Monday–Friday: say so.</summary>
    private void NoteUnconfirmedCalendar(string? itemCode, Guid? taskId, DateOnly due)
    {
        if (!_calendar.IsConfirmed(Today, due))
            Record("calendarUnconfirmed", itemCode, taskId, $"due {due:yyyy-MM-dd} counted Monday–Friday: no holiday calendar for {due.Year}");
    }

    private void ReleaseWaitingTasks()
    {
        foreach (var task in Tasks.Where(t => t.Status == TaskStatus.Waiting).ToList())
        {
            var waitingFor = (task.WaitingFor ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (waitingFor.All(IsDecided)) OpenTask(task);
        }
    }

    public void CancelTasks(string? itemCode, string reason)
    {
        foreach (var t in Tasks.Where(t => t.ItemCode == itemCode && t.Status is TaskStatus.Open or TaskStatus.Waiting && t.Kind != TaskKindFlag))
        {
            t.Cancel(reason, Now);
            Record("taskCancelled", itemCode, t.Id, reason);
        }
    }

    public static bool IsAcceptance(HumanTask t) => t.Kind == TaskKindAcceptance;
    public static bool IsFlag(HumanTask t) => t.Kind == TaskKindFlag;

    // ---- timers ----

    public WorkflowTimer AddTimer(string kind, string? itemCode, Guid? taskId, string? stepId, DateTimeOffset dueAt)
    {
        var timer = new WorkflowTimer
        {
            Id = Guid.CreateVersion7(Now), InstanceId = Instance.Id, Kind = kind, ItemCode = itemCode, TaskId = taskId, StepId = stepId,
            DueAt = dueAt, CreatedAt = Now,
        };
        Db.Add(timer);
        return timer;
    }

    /// <summary>The task's reminder fired while it is still open: its escalation is due at the end of its due date.</summary>
    public void ScheduleEscalation(HumanTask task) =>
        AddTimer(TimerKind.Escalation, task.ItemCode, task.Id, task.StepId, WorkingCalendar.EndOf(task.DueDate!.Value));

    public void StartStepTimer(WorkflowItem item, TimerActivity step)
    {
        var due = WorkingCalendar.EndOf(_calendar.AddWorkingDays(Today, step.Days));
        var timer = AddTimer(TimerKind.Step, item.Code, null, step.Id, due);
        item.PendingTimerId = timer.Id;
        Record("timerStarted", item.Code, detail: $"{step.Purpose}: {step.Days} working days, until {due:yyyy-MM-dd HH:mm zzz}");
    }

    // ---- outcomes ----

    public async Task DecideAsync(WorkflowItem item, string outcome, string? reason, string? number)
    {
        item.Decide(outcome, reason, number, Now);
        Record("itemDecided", item.Code, detail: WorkflowHistoryEntry.Json(new { outcome, reason, number }));
        await SettleAsync();
    }

    /// <summary>Ends an item that has not been decided (withdrawal, rules): cancels its tasks, records the outcome.</summary>
    public async Task EndItemAsync(WorkflowItem item, string outcome, string reason)
    {
        CancelTasks(item.Code, reason);
        if (item.PausedOn is not null) item.ResumeClock(Today, _calendar);
        item.Decide(outcome, reason, null, Now);
        item.EndFlow();
        Record("itemEnded", item.Code, detail: WorkflowHistoryEntry.Json(new { outcome, reason }));
        await SettleAsync();
    }

    public async Task ReevaluateAsync(WorkflowItem decided)
    {
        var ends = await _host.ReevaluateAsync(Db, new WorkflowSnapshot(Instance, Instance.Facts(), decided.Code), _ct);
        Record("rulesEvaluated", decided.Code, detail: ends.Count == 0 ? null : string.Join("; ", ends.Select(e => $"{e.ItemCode}: {e.Reason}")));
        foreach (var end in ends)
        {
            var item = Instance.Items.FirstOrDefault(i => i.Code == end.ItemCode);
            if (item is null || item.HasOutcome || item.Status == ItemStatus.Ended) continue;
            var saved = Actor;
            Actor = "rules";
            await EndItemAsync(item, end.Outcome, end.Reason);
            Actor = saved;
        }
    }

    public ValueTask<string> IssueNumberAsync(WorkflowItem item, string kind) =>
        _host.IssueNumberAsync(Db, new NumberRequest(kind, Instance, item.Code, Instance.Facts(), item.Outputs()), _ct);

    public async Task EmitAsync(WorkflowEventKind kind, string? itemCode, Guid? taskId, string? department, string? message)
    {
        Record(char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..], itemCode, taskId, message);
        await _host.OnEventAsync(Db, new WorkflowEvent(kind, Instance.Id, itemCode, taskId, department, message), _ct);
    }

    public async Task RaiseFlagAsync(WorkflowItem from, RaiseFlagActivity flag)
    {
        var target = Instance.Item(flag.Item);
        target.ReviewFlag = flag.Reason;
        var task = CreateTask(target.Code, flag.Id, Flow(target.Code).Department, TaskKindFlag, flag.Days, ["resolve"], []);
        await EmitAsync(WorkflowEventKind.ReviewFlag, target.Code, task.Id, task.Department, $"raised by {from.Code}: {flag.Reason}");
    }

    /// <summary>Opens tasks whose prerequisites are now decided; issues the combined result and ends the instance when due.</summary>
    private async Task SettleAsync()
    {
        ReleaseWaitingTasks();
        if (Instance.Status != InstanceStatus.Running && Instance.Status != InstanceStatus.Refused) return;
        if (Instance.ResultIssuedAt is null && Instance.Items.All(i => i.HasOutcome || i.Status == ItemStatus.Ended)
            && Instance.Status == InstanceStatus.Running)
        {
            Instance.ResultIssuedAt = Now;
            var summary = string.Join("; ", Instance.Items.OrderBy(i => i.Code, StringComparer.Ordinal)
                .Select(i => $"{i.Code} {i.Outcome}{(i.Number is null ? "" : " " + i.Number)}"));
            await EmitAsync(WorkflowEventKind.ResultIssued, null, null, null, summary);
        }
        if (Instance.EndedAt is null && Instance.Items.All(i => i.Status == ItemStatus.Ended)
            && Tasks.All(t => t.Status is TaskStatus.Done or TaskStatus.Cancelled))
        {
            if (Instance.Status == InstanceStatus.Running)
                Instance.Status = Instance.Items.All(i => i.Outcome == ItemOutcome.Withdrawn) ? InstanceStatus.Withdrawn : InstanceStatus.Completed;
            Instance.EndedAt = Now;
            Record("instanceEnded", detail: Instance.Status);
        }
    }

    public Task SettleAfterTaskAsync() => SettleAsync();

    // ---- supplements ----

    public void PauseForSupplement(WorkflowItem item, HumanTask task, IReadOnlyList<string> materials)
    {
        item.SupplementRequested = true;
        item.SupplementMaterials = string.Join(',', materials);
        item.ResumeStepId = task.StepId;
        var used = task.OpenedOn is { } opened ? Math.Max(0, _calendar.WorkingDaysBetween(opened, Today)) : 0;
        item.ResumeTaskDays = Math.Max(1, task.LimitDays - used);
        item.Status = ItemStatus.AwaitingSupplement;
        item.PauseClock(Today, _calendar);
    }

    public async Task ResumeAfterSupplementAsync(WorkflowItem item)
    {
        item.ResumeClock(Today, _calendar);
        item.Status = ItemStatus.Active;
        Record("clockResumed", item.Code, detail: $"due {item.DueDate:yyyy-MM-dd}");
        NoteUnconfirmedCalendar(item.Code, null, item.StatutoryDueDate!.Value);
        await RunFromAsync(item, Flow(item.Code).IndexOf(item.ResumeStepId!));
    }

    public void RecordObjection(WorkflowItem item, string text)
    {
        item.ObjectionCount++;
        Record("objection", item.Code, detail: text);
    }
}

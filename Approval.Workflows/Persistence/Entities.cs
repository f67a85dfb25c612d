using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Workflows.Calendar;

namespace Approval.Workflows.Persistence;

public static class InstanceStatus
{
    public const string AwaitingAcceptance = "awaitingAcceptance";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Refused = "refused";
    public const string Withdrawn = "withdrawn";
}

public static class ItemStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string AwaitingSupplement = "awaitingSupplement";
    public const string Ended = "ended";
}

public static class ItemOutcome
{
    public const string Granted = "granted";
    public const string Refused = "refused";
    public const string NotGranted = "notGranted";
    public const string NotApplicable = "notApplicable";
    public const string Ineligible = "ineligible";
    public const string Withdrawn = "withdrawn";
    public const string Revoked = "revoked";
}

public static class TaskStatus
{
    public const string Waiting = "waiting";
    public const string Open = "open";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
}

public static class TimerKind
{
    public const string Step = "step";
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
}

/// <summary>One running application of a bundle's workflow, pinned to the definition version it started with.</summary>
public sealed class WorkflowInstance
{
    public Guid Id { get; set; }
    public string BundleCode { get; set; } = "";
    public string DefinitionVersion { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Status { get; set; } = InstanceStatus.AwaitingAcceptance;
    public string FactsJson { get; set; } = "{}";
    public bool AcceptanceSupplementRequested { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateOnly? AcceptedOn { get; set; }
    public DateTimeOffset? ResultIssuedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int HistoryCount { get; set; }

    /// <summary>Optimistic concurrency token, incremented by the runtime on every change of the instance or its items and tasks.</summary>
    public long Version { get; set; }

    public List<WorkflowItem> Items { get; set; } = [];

    public WorkflowItem Item(string code) =>
        Items.FirstOrDefault(i => i.Code == code) ?? throw new InvalidOperationException($"instance {Id} has no item {code}");

    public JsonObject Facts() => JsonNode.Parse(FactsJson) as JsonObject ?? [];

    public void Touch() => Version++;

    public WorkflowHistoryEntry Record(DateTimeOffset at, string evt, string? itemCode = null, Guid? taskId = null, string? actor = null, string? detail = null) =>
        new()
        {
            Id = Guid.CreateVersion7(at), InstanceId = Id, Seq = ++HistoryCount, At = at, Event = evt, ItemCode = itemCode, TaskId = taskId, Actor = actor, Detail = detail,
        };
}

/// <summary>The state of one item (事项) inside an instance: where its flow is, its outcome and its clock.</summary>
public sealed class WorkflowItem
{
    public Guid InstanceId { get; set; }
    public string Code { get; set; } = "";
    public string Status { get; set; } = ItemStatus.Pending;
    public string? StepId { get; set; }
    public Guid? PendingTimerId { get; set; }
    public string? Outcome { get; set; }
    public string? OutcomeReason { get; set; }
    public string? Number { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string OutputsJson { get; set; } = "{}";

    /// <summary>一次性告知: set on the first supplement request; a second one for the same item is refused.</summary>
    public bool SupplementRequested { get; set; }
    public string? SupplementMaterials { get; set; }
    public string? ResumeStepId { get; set; }
    public int ResumeTaskDays { get; set; }
    public int ObjectionCount { get; set; }
    public string? ReviewFlag { get; set; }

    public DateOnly? ClockStartedOn { get; set; }
    public int LimitDays { get; set; }
    public int StatutoryDays { get; set; }
    public int UsedDays { get; set; }
    public DateOnly? RunningSince { get; set; }
    public DateOnly? PausedOn { get; set; }
    public DateOnly? DueDate { get; set; }
    public DateOnly? StatutoryDueDate { get; set; }

    /// <summary>Paused intervals, JSON <c>[{"from":"2026-03-02","to":"2026-03-05"}]</c> (<c>to</c> null while paused).</summary>
    public string PausesJson { get; set; } = "[]";

    public bool HasOutcome => Outcome is not null;
    public bool IsOpen => Status is ItemStatus.Active or ItemStatus.AwaitingSupplement;

    public JsonObject Outputs() => JsonNode.Parse(OutputsJson) as JsonObject ?? [];

    public void MergeOutputs(JsonObject? outputs)
    {
        if (outputs is null || outputs.Count == 0) return;
        var all = Outputs();
        foreach (var (k, v) in outputs) all[k] = v?.DeepClone();
        OutputsJson = all.ToJsonString();
    }

    public void StartClock(DateOnly today, WorkingCalendar calendar)
    {
        ClockStartedOn = RunningSince = today;
        UsedDays = 0;
        DueDate = calendar.AddWorkingDays(today, LimitDays);
        StatutoryDueDate = calendar.AddWorkingDays(today, StatutoryDays);
    }

    public void PauseClock(DateOnly today, WorkingCalendar calendar)
    {
        if (RunningSince is not { } since) return;
        UsedDays += Math.Max(0, calendar.WorkingDaysBetween(since, today));
        RunningSince = null;
        PausedOn = today;
        DueDate = StatutoryDueDate = null;
        var pauses = Pauses();
        pauses.Add(new JsonObject { ["from"] = today.ToString("yyyy-MM-dd"), ["to"] = null });
        PausesJson = pauses.ToJsonString();
    }

    public void ResumeClock(DateOnly today, WorkingCalendar calendar)
    {
        if (PausedOn is null) return;
        PausedOn = null;
        RunningSince = today;
        DueDate = calendar.AddWorkingDays(today, Math.Max(0, LimitDays - UsedDays));
        StatutoryDueDate = calendar.AddWorkingDays(today, Math.Max(0, StatutoryDays - UsedDays));
        var pauses = Pauses();
        if (pauses.Count > 0 && pauses[^1] is JsonObject last) last["to"] = today.ToString("yyyy-MM-dd");
        PausesJson = pauses.ToJsonString();
    }

    public void Decide(string outcome, string? reason, string? number, DateTimeOffset at)
    {
        Outcome = outcome;
        OutcomeReason = reason;
        Number = number ?? Number;
        DecidedAt = at;
    }

    public void EndFlow()
    {
        Status = ItemStatus.Ended;
        StepId = null;
        PendingTimerId = null;
        RunningSince = null;
    }

    private JsonArray Pauses() => JsonNode.Parse(PausesJson) as JsonArray ?? [];
}

/// <summary>A task for a department: acceptance review, review, assessment, inspection, decision, verification.</summary>
public sealed class HumanTask
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }

    /// <summary>Null for the acceptance review of the whole application.</summary>
    public string? ItemCode { get; set; }
    public string StepId { get; set; } = "";
    public string Department { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Status { get; set; } = TaskStatus.Open;

    /// <summary>Comma-separated item codes whose decision must come first (a waiting task cannot be decided).</summary>
    public string? WaitingFor { get; set; }

    /// <summary>Comma-separated action names.</summary>
    public string AllowedActions { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateOnly? OpenedOn { get; set; }
    public int LimitDays { get; set; }
    public DateOnly? DueDate { get; set; }
    public DateTimeOffset? RemindedAt { get; set; }
    public DateTimeOffset? EscalatedAt { get; set; }
    public string? Action { get; set; }
    public string? Reason { get; set; }
    public string? Materials { get; set; }
    public string? OutputsJson { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    public IReadOnlyList<string> Actions => AllowedActions.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The actions a caller may take now: none while waiting for a prerequisite or when closed.</summary>
    public IReadOnlyList<string> ActionsNow => Status == TaskStatus.Open ? Actions : [];

    public void Open(DateOnly today, WorkingCalendar calendar)
    {
        Status = TaskStatus.Open;
        WaitingFor = null;
        OpenedOn = today;
        DueDate = calendar.AddWorkingDays(today, LimitDays);
    }

    public void Complete(string action, string? reason, IReadOnlyList<string>? materials, string? outputsJson, string actor, DateTimeOffset at)
    {
        Status = TaskStatus.Done;
        Action = action;
        Reason = reason;
        Materials = materials is { Count: > 0 } ? string.Join(',', materials) : null;
        OutputsJson = outputsJson;
        DecidedBy = actor;
        DecidedAt = at;
    }

    public void Cancel(string reason, DateTimeOffset at)
    {
        Status = TaskStatus.Cancelled;
        Reason = reason;
        DecidedAt = at;
    }
}

/// <summary>A durable timer: a step timer (public notice), a task reminder (80 %) or an escalation (overdue).</summary>
public sealed class WorkflowTimer
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public string Kind { get; set; } = TimerKind.Step;
    public string? ItemCode { get; set; }
    public Guid? TaskId { get; set; }
    public string? StepId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Append-only timeline of an instance, ordered by <see cref="Seq"/> (unique per instance: the instance's version
/// check rejects a concurrent writer's entries).</summary>
public sealed class WorkflowHistoryEntry
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public int Seq { get; set; }
    public DateTimeOffset At { get; set; }
    public string Event { get; set; } = "";
    public string? ItemCode { get; set; }
    public Guid? TaskId { get; set; }
    public string? Actor { get; set; }
    public string? Detail { get; set; }

    internal static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}

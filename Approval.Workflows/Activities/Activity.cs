using Approval.Workflows.Definitions;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;

namespace Approval.Workflows.Activities;

/// <summary>One step of an item's flow. Typed inputs come from <c>workflow.yaml</c>; <see cref="ExecuteAsync"/> runs it.</summary>
public abstract record Activity(string Id, int Line)
{
    /// <summary>The step is skipped unless this condition on the application's facts holds.</summary>
    public StepCondition? When { get; init; }

    internal abstract ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item);
}

/// <summary>What a step did: go on (to the next step or a named target) or wait for a task, a timer or the applicant.</summary>
internal readonly record struct StepResult(bool Suspended, string Goto)
{
    public static readonly StepResult Next = new(false, Targets.Next);
    public static readonly StepResult Suspend = new(true, "");
    public static StepResult GoTo(string target) => new(false, target);
}

/// <summary>受理: a window submission is accepted on the spot; other channels wait for a service-hall review task.</summary>
public sealed record AcceptanceActivity(string Department, int ReviewDays, IReadOnlyList<string> AutoAcceptChannels, int Line)
{
    public static readonly IReadOnlyList<string> Actions = ["accept", "reject", "requestSupplement"];
}

/// <summary>A task for a department. Actions route to targets; declared outputs are recorded on the item.</summary>
public sealed record HumanTaskActivity(
    string Id,
    int Line,
    string Department,
    string Kind,
    int Days,
    IReadOnlyDictionary<string, string> Actions,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<OutputBranch> Branches,
    IReadOnlyList<string> WaitsFor) : Activity(Id, Line)
{
    public static readonly IReadOnlyList<string> Kinds = ["review", "assessment", "inspection", "decision", "verification"];

    internal override ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item)
    {
        var days = Days;
        if (item.ResumeStepId == Id && item.ResumeTaskDays > 0) days = item.ResumeTaskDays;
        item.ResumeStepId = null;
        item.ResumeTaskDays = 0;
        run.CreateTask(item.Code, Id, Department, Kind, days, Actions.Keys, WaitsFor);
        return ValueTask.FromResult(StepResult.Suspend);
    }
}

/// <summary>A durable timer of working days (the 5-day public notice); objections may be recorded meanwhile.</summary>
public sealed record TimerActivity(string Id, int Line, int Days, string Purpose, bool AcceptsObjections) : Activity(Id, Line)
{
    internal override ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item)
    {
        run.StartStepTimer(item, this);
        return ValueTask.FromResult(StepResult.Suspend);
    }
}

/// <summary>The host re-runs the rules; items that became ineligible end by themselves with the rule's reason.</summary>
public sealed record EvaluateRulesActivity(string Id, int Line) : Activity(Id, Line)
{
    internal override async ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item)
    {
        await run.ReevaluateAsync(item);
        return StepResult.Next;
    }
}

/// <summary>Records the item's outcome; a granted item may get a number from the host (certificate, licence, credit code).</summary>
public sealed record DecideItemActivity(string Id, int Line, string Outcome, string? NumberKind) : Activity(Id, Line)
{
    public static readonly IReadOnlyList<string> Outcomes = [ItemOutcome.Granted, ItemOutcome.Refused, ItemOutcome.Revoked];

    internal override async ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item)
    {
        var number = NumberKind is not null && Outcome == ItemOutcome.Granted ? await run.IssueNumberAsync(item, NumberKind) : null;
        await run.DecideAsync(item, Outcome, Outcome == ItemOutcome.Granted ? null : run.LastReason, number);
        return StepResult.Next;
    }
}

/// <summary>Tells the host to notify (the applicant or a department); recorded in the timeline.</summary>
public sealed record NotifyActivity(string Id, int Line, string Message) : Activity(Id, Line)
{
    internal override async ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item)
    {
        await run.EmitAsync(WorkflowEventKind.Notify, item.Code, null, null, Message);
        return StepResult.Next;
    }
}

/// <summary>Raises a review flag on another item: a task for that item's department that must be resolved.</summary>
public sealed record RaiseFlagActivity(string Id, int Line, string Item, string Reason, int Days) : Activity(Id, Line)
{
    internal override async ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item)
    {
        await run.RaiseFlagAsync(item, this);
        return StepResult.Next;
    }
}

/// <summary>Ends the item's flow.</summary>
public sealed record CompleteActivity(string Id, int Line) : Activity(Id, Line)
{
    internal override ValueTask<StepResult> ExecuteAsync(WorkflowExecution run, WorkflowItem item) =>
        ValueTask.FromResult(StepResult.GoTo(Targets.End));
}

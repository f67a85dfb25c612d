using System.Text.Json.Nodes;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Workflows.Runtime;

/// <summary>
/// What the runtime needs from the host. Each call receives the DbContext of the current step, so anything the host
/// adds there is saved in the same SaveChanges. After a concurrency conflict the runtime forgets what the attempt added to
/// the DbContext and runs the step again, so hooks are called again: keep them free of side effects outside that DbContext.
/// </summary>
public interface IWorkflowHost
{
    /// <summary>Re-runs the rules after a decision; returns the items that are now ineligible with the rule's reason.</summary>
    ValueTask<IReadOnlyList<ItemEnd>> ReevaluateAsync(DbContext db, WorkflowSnapshot snapshot, CancellationToken ct);

    /// <summary>Produces the number of a result: <c>disability-certificate</c>, <c>credit-code</c>, <c>venue-licence</c>…</summary>
    ValueTask<string> IssueNumberAsync(DbContext db, NumberRequest request, CancellationToken ct);

    /// <summary>Reminders, escalations, supplement requests, review flags, notifications and the combined result.</summary>
    ValueTask OnEventAsync(DbContext db, WorkflowEvent e, CancellationToken ct);
}

public sealed record ItemEnd(string ItemCode, string Reason, string Outcome = ItemOutcome.NotGranted);

/// <summary>The instance as the rules see it: facts from the form plus every item's outcome and recorded outputs.</summary>
public sealed record WorkflowSnapshot(WorkflowInstance Instance, JsonObject Facts, string DecidedItem)
{
    public JsonObject OutputsOf(string itemCode) => Instance.Item(itemCode).Outputs();
}

public sealed record NumberRequest(string Kind, WorkflowInstance Instance, string ItemCode, JsonObject Facts, JsonObject Outputs);

public enum WorkflowEventKind { Reminder, Escalation, SupplementRequested, ReviewFlag, Notify, ResultIssued }

public sealed record WorkflowEvent(WorkflowEventKind Kind, Guid InstanceId, string? ItemCode, Guid? TaskId, string? Department, string? Message);

/// <summary>How a new instance starts: the channel, the form's facts, the items to run and the items already ended
/// by the assessment (not applicable, ineligible). Items of the definition in neither list end as not applicable.</summary>
public sealed record StartRequest(string Channel, JsonObject Facts, IReadOnlyList<string> Items, IReadOnlyList<ItemEnd>? EndedItems = null);

/// <summary>A department's decision on a task (see the API contract: action, reason, materials, outputs).</summary>
public sealed record TaskDecision(string Action, string? Reason = null, IReadOnlyList<string>? Materials = null, JsonObject? Outputs = null);

public enum RefusalKind
{
    NotFound,
    TaskNotOpen,
    ActionNotAllowed,
    PrerequisiteUndecided,
    SecondSupplement,
    InvalidDecision,
    NotAwaitingSupplement,
    AlreadyDecided,
}

/// <summary>Why the runtime did not do what was asked; <see cref="ItemCode"/> names the item concerned (e.g. the undecided prerequisite).</summary>
public sealed record Refusal(RefusalKind Kind, string Reason, string? ItemCode = null);

/// <summary>Either done (<see cref="Refusal"/> null) or refused with a typed reason; nothing was saved when refused.</summary>
public sealed record WorkflowResult(Refusal? Refusal)
{
    public static readonly WorkflowResult Done = new((Refusal?)null);
    public bool Succeeded => Refusal is null;

    public static WorkflowResult Refuse(RefusalKind kind, string reason, string? itemCode = null) => new(new Refusal(kind, reason, itemCode));
}

/// <summary>Every loaded definition by bundle code and version, so instances keep running on the version they started with.</summary>
public sealed class WorkflowCatalog
{
    private readonly Dictionary<(string, string), Definitions.WorkflowDefinition> _byVersion = [];

    public WorkflowCatalog(IEnumerable<Definitions.WorkflowDefinition> definitions)
    {
        foreach (var d in definitions) Add(d);
    }

    public void Add(Definitions.WorkflowDefinition definition) => _byVersion[(definition.BundleCode, definition.Version)] = definition;

    public Definitions.WorkflowDefinition? Find(string bundleCode, string version) =>
        _byVersion.GetValueOrDefault((bundleCode, version));
}

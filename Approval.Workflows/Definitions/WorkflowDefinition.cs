using System.Text.Json.Nodes;
using Approval.Rules.Bundles;
using Approval.Workflows.Activities;

namespace Approval.Workflows.Definitions;

/// <summary>A bundle's workflow as loaded from its <c>workflow.yaml</c>: acceptance, then one flow per item in parallel.</summary>
public sealed class WorkflowDefinition
{
    public WorkflowDefinition(BundleDefinition bundle, string file, AcceptanceActivity acceptance, IReadOnlyList<ItemFlow> items)
    {
        Bundle = bundle;
        File = file;
        Acceptance = acceptance;
        Items = items;
    }

    public BundleDefinition Bundle { get; }
    public string BundleCode => Bundle.Code;

    /// <summary>The bundle version (declared version + content hash); a running instance stays pinned to it.</summary>
    public string Version => Bundle.Version;

    public string File { get; }
    public AcceptanceActivity Acceptance { get; }
    public IReadOnlyList<ItemFlow> Items { get; }

    public ItemFlow? Item(string code) => Items.FirstOrDefault(i => i.Code == code);
}

/// <summary>The steps of one item, run in order; human tasks route their actions to other steps.</summary>
public sealed record ItemFlow(string Code, string Department, int PromisedDays, int StatutoryDays, IReadOnlyList<Activity> Steps, int Line)
{
    public int IndexOf(string stepId)
    {
        for (var i = 0; i < Steps.Count; i++)
            if (Steps[i].Id == stepId) return i;
        return -1;
    }

    public Activity? Step(string? stepId) => stepId is null ? null : Steps.FirstOrDefault(s => s.Id == stepId);

    /// <summary>Items whose decision some step of this flow waits for.</summary>
    public IEnumerable<string> DependsOn => Steps.OfType<HumanTaskActivity>().SelectMany(h => h.WaitsFor).Distinct();
}

/// <summary>A step runs only when a fact of the application has the given value (e.g. <c>fire.path == commitment</c>).</summary>
public sealed record StepCondition(string Fact, string EqualTo)
{
    public bool HoldsFor(JsonObject facts)
    {
        JsonNode? node = facts;
        foreach (var part in Fact.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var v) ? v : null;
        return node is not null && Runtime.WorkflowExecution.Text(node) == EqualTo;
    }
}

/// <summary>After a task's action, an output with the given value sends the flow to another step (<c>notDisabled: true → refused</c>).</summary>
public sealed record OutputBranch(string Output, string EqualTo, string Goto);

/// <summary>Where an action or branch leads: <c>next</c>, <c>end</c>, <c>refused</c>, <c>supplement</c> or a step id.</summary>
public static class Targets
{
    public const string Next = "next";
    public const string End = "end";
    public const string Refused = "refused";
    public const string Supplement = "supplement";

    public static bool IsBuiltIn(string target) => target is Next or End or Refused or Supplement;
}

using Approval.Rules.Yaml;

namespace Approval.Rules;

/// <summary>The outcome of assessing a bundle for one applicant (一次告知).</summary>
public sealed record AssessmentResult(
    IReadOnlyList<ItemAssessment> Items,
    IReadOnlyList<MaterialRequirement> Materials,
    IReadOnlyList<string> MissingFacts,
    IReadOnlyList<TraceEntry>? Trace)
{
    public ItemAssessment Item(string code) => Items.First(i => i.Code == code);
    public MaterialRequirement? Material(string code) => Materials.FirstOrDefault(m => m.Code == code);
}

/// <summary>One item's outcome: the rules that decided it, the items it waits for and the benefit where the policy defines one.</summary>
public sealed record ItemAssessment(
    string Code,
    ItemOutcome Outcome,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<Reason> Reasons,
    Benefit? Benefit);

public enum ItemOutcome { Eligible, Ineligible, Conditional, NotApplicable, NeedsInformation }

/// <summary>
/// Why an item has its outcome. For <c>ineligible</c> and <c>needsInformation</c> ("why not") <see cref="Condition"/>
/// is the rule's condition and <see cref="Values"/> the values it saw. <see cref="Kind"/> is <c>decision</c> for a
/// deciding rule and <c>note</c> for information such as a conflict between shared data and the form. <see cref="Message"/>
/// holds both languages, so a stored result can be shown later in either.
/// </summary>
public sealed record Reason(string RuleId, LocalizedText Message, string Kind = "decision", string? Condition = null, IReadOnlyList<FactValue>? Values = null);

/// <summary>A fact as a rule saw it; missing facts show as <c>(missing)</c>.</summary>
public sealed record FactValue(string Path, string Value);

public sealed record Benefit(decimal? MonthlyAmount, decimal? YearlyAmount, string? Level);

/// <summary>A material listed once with every item it serves; <c>status</c> is <c>required</c> or <c>waived</c>.</summary>
public sealed record MaterialRequirement(string Code, IReadOnlyList<string> RequiredFor, string Status, string? WaivedBy);

/// <summary>One step of the engine: a rule <c>fired</c> or was <c>retracted</c>, with the facts its condition reads.</summary>
public sealed record TraceEntry(int Sequence, string RuleId, string Action, IReadOnlyList<FactValue> Values);

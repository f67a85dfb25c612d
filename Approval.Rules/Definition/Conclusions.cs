using Approval.Rules.Engine;
using Approval.Rules.Expressions;
using Approval.Rules.Yaml;

namespace Approval.Rules.Definition;

/// <summary>A message with <c>{expression}</c> placeholders, filled from the facts when the result is built.</summary>
internal sealed record Template(string[] Literals, int[] Expressions)
{
    public string Format(EvalContext ctx)
    {
        if (Expressions.Length == 0) return Literals[0];
        var parts = new string[Literals.Length + Expressions.Length];
        for (var i = 0; i < Expressions.Length; i++)
        {
            parts[2 * i] = Literals[i];
            parts[2 * i + 1] = ctx.Eval(Expressions[i]).ToString();
        }
        parts[^1] = Literals[^1];
        return string.Concat(parts);
    }
}

/// <summary>A rule's message in both languages; each has its own placeholders, filled from the same facts.</summary>
internal sealed record MessageTemplate(Template Zh, Template En)
{
    public LocalizedText Format(EvalContext ctx) => new(Zh.Format(ctx), En.Format(ctx));
}

internal sealed record BenefitSpec(int? Monthly, int? Yearly, string? Level);

/// <summary>The domain conclusions of one rule: its item outcomes, notes, materials and waivers.</summary>
internal sealed record Conclusions(
    IReadOnlyList<OutcomeConclusion> Outcomes,
    IReadOnlyList<NoteConclusion> Notes,
    IReadOnlyList<RequireConclusion> Requires,
    IReadOnlyList<WaiveConclusion> Waivers);

internal sealed record OutcomeConclusion(string[] Items, ItemOutcome Outcome, MessageTemplate? Message, string[] DependsOn, string[] Missing, BenefitSpec? Benefit);
internal sealed record NoteConclusion(string[] Items, MessageTemplate Message);
internal sealed record RequireConclusion(string[] Items, string[] Materials);
internal sealed record WaiveConclusion(string Material, string By);

/// <summary>
/// Outcome precedence when several active rules conclude on one item: the rule with the higher priority wins;
/// at equal priority ineligible &gt; notApplicable &gt; needsInformation &gt; conditional &gt; eligible.
/// </summary>
internal static class Precedence
{
    public static int Rank(ItemOutcome o) => o switch
    {
        ItemOutcome.Ineligible => 5,
        ItemOutcome.NotApplicable => 4,
        ItemOutcome.NeedsInformation => 3,
        ItemOutcome.Conditional => 2,
        _ => 1,
    };

    public static string Name(ItemOutcome o) => o switch
    {
        ItemOutcome.Eligible => "eligible",
        ItemOutcome.Ineligible => "ineligible",
        ItemOutcome.Conditional => "conditional",
        ItemOutcome.NotApplicable => "notApplicable",
        _ => "needsInformation",
    };

    public static readonly Value[] Values = Enum.GetValues<ItemOutcome>().Select(o => Value.String(Name(o))).ToArray();
}

/// <summary>outcome.&lt;item&gt; = the winning outcome (see <see cref="Precedence"/>) among the active rules concluding on the item.</summary>
internal sealed class OutcomeResolver((int Rule, ItemOutcome Outcome, int Priority)[] writers) : SlotResolver
{
    public override Value Resolve(EvalContext ctx)
    {
        var best = -1;
        var rank = 0;
        var priority = int.MinValue;
        foreach (var (rule, outcome, p) in writers)
        {
            if (!ctx.Active[rule]) continue;
            var r = Precedence.Rank(outcome);
            if (p > priority || p == priority && r > rank) (priority, rank, best) = (p, r, (int)outcome);
        }
        return best < 0 ? Value.Missing : Precedence.Values[best];
    }
}

/// <summary>An intermediate fact = the value assigned by the first active rule (agenda order) that sets it.</summary>
internal sealed class AssignmentResolver((int Rule, int Index)[] writers) : SlotResolver
{
    public override Value Resolve(EvalContext ctx)
    {
        foreach (var (rule, index) in writers)
            if (ctx.Active[rule]) return ctx.Assigned[index];
        return Value.Missing;
    }
}

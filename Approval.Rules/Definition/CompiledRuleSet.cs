using Approval.Rules.Bundles;
using Approval.Rules.Engine;
using Approval.Rules.Expressions;
using Approval.Rules.Yaml;

namespace Approval.Rules.Definition;

/// <summary>A bundle's compiled rules and the plan to turn the engine's fixpoint into an <see cref="AssessmentResult"/>.</summary>
internal sealed class CompiledRuleSet
{
    private readonly NRulesNetwork _engine;
    private readonly IReadOnlyList<Rule> _rules;
    private readonly ItemPlan[] _items;
    private readonly MaterialPlan[] _materials;

    private sealed record ItemPlan(string Code, int Slot, (int Rule, OutcomeConclusion C)[] Decisions, (int Rule, NoteConclusion C)[] Notes);
    private sealed record MaterialPlan(string Code, (int Rule, string[] Items)[] Requires, (int Rule, string By)[] Waivers);

    public CompiledRuleSet(BundleDefinition bundle, NRulesNetwork network, int[] outcomeSlots)
    {
        _engine = network;
        var agenda = network.Rules;
        _rules = agenda;
        var rules = agenda.Select((r, i) => (Index: i, C: (Conclusions)r.Payload!)).ToList();
        _items = bundle.Items.Select((item, n) => new ItemPlan(item.Code, outcomeSlots[n],
            rules.SelectMany(r => r.C.Outcomes.Where(o => o.Items.Contains(item.Code)).Select(o => (r.Index, o))).ToArray(),
            rules.SelectMany(r => r.C.Notes.Where(o => o.Items.Contains(item.Code)).Select(o => (r.Index, o))).ToArray())).ToArray();
        _materials = bundle.Materials.Select(m => new MaterialPlan(m.Code,
            rules.SelectMany(r => r.C.Requires.Where(q => q.Materials.Contains(m.Code)).Select(q => (r.Index, q.Items))).ToArray(),
            rules.SelectMany(r => r.C.Waivers.Where(w => w.Material == m.Code).Select(w => (r.Index, w.By))).ToArray())).ToArray();
    }

    public int RuleCount => _rules.Count;

    public AssessmentResult Assess(FactSet facts, DateOnly asOf, bool trace)
    {
        var ctx = _engine.Rent();
        try
        {
            ctx.Reset(facts, asOf, trace);
            _engine.Run(ctx);
            return Build(ctx);
        }
        finally { ctx.InUse = false; }
    }

    private AssessmentResult Build(EvalContext ctx)
    {
        var rules = _rules;
        var outcomes = new ItemOutcome[_items.Length];
        var items = new ItemAssessment[_items.Length];
        List<string>? missing = null;
        for (var n = 0; n < _items.Length; n++)
        {
            var plan = _items[n];
            var v = ctx.Slots[plan.Slot];
            var decided = !v.IsMissing;
            var outcome = decided ? (ItemOutcome)Array.IndexOf(Precedence.Values, v) : ItemOutcome.NeedsInformation;
            outcomes[n] = outcome;
            var whyNot = outcome is ItemOutcome.Ineligible or ItemOutcome.NeedsInformation;
            var reasons = new List<Reason>(2);
            List<string>? dependsOn = null;
            Benefit? benefit = null;
            foreach (var (r, c) in plan.Decisions)
            {
                if (!ctx.Active[r] || c.Outcome != outcome) continue;
                var rule = rules[r];
                var message = c.Message?.Format(ctx) ?? LocalizedText.Same(rule.Id);
                reasons.Add(whyNot
                    ? new Reason(rule.Id, message, "decision", rule.ConditionText, Shown(ctx, rule))
                    : new Reason(rule.Id, message));
                foreach (var d in c.DependsOn)
                    if (!(dependsOn ??= []).Contains(d)) dependsOn.Add(d);
                if (benefit is null && c.Benefit is { } b)
                    benefit = new Benefit(Amount(ctx, b.Monthly), Amount(ctx, b.Yearly), b.Level);
                if (outcome == ItemOutcome.NeedsInformation)
                    foreach (var p in c.Missing)
                        if (!(missing ??= []).Contains(p)) missing.Add(p);
            }
            if (!decided) reasons.Add(new Reason("(none)", NoRuleDecided));
            foreach (var (r, c) in plan.Notes)
                if (ctx.Active[r]) reasons.Add(new Reason(rules[r].Id, c.Message.Format(ctx), "note"));
            items[n] = new ItemAssessment(plan.Code, outcome, dependsOn ?? (IReadOnlyList<string>)[], reasons, benefit);
        }

        var materials = new List<MaterialRequirement>(_materials.Length);
        foreach (var plan in _materials)
        {
            List<string>? requiredFor = null;
            for (var n = 0; n < _items.Length; n++)
            {
                if (outcomes[n] is ItemOutcome.Ineligible or ItemOutcome.NotApplicable) continue;
                var code = _items[n].Code;
                foreach (var (r, forItems) in plan.Requires)
                    if (ctx.Active[r] && Array.IndexOf(forItems, code) >= 0) { (requiredFor ??= []).Add(code); break; }
            }
            if (requiredFor is null) continue;
            string? waivedBy = null;
            foreach (var (r, by) in plan.Waivers)
                if (ctx.Active[r]) { waivedBy = by; break; }
            materials.Add(new MaterialRequirement(plan.Code, requiredFor, waivedBy is null ? "required" : "waived", waivedBy));
        }
        return new AssessmentResult(items, materials, missing ?? (IReadOnlyList<string>)[], ctx.Trace);
    }

    private static readonly LocalizedText NoRuleDecided = new("没有规则对此事项作出判断。", "No rule decided this item.");

    private static decimal? Amount(EvalContext ctx, int? expression) =>
        expression is { } e && ctx.Eval(e) is { Kind: ValueKind.Number } v ? v.Num : null;

    private static FactValue[] Shown(EvalContext ctx, Rule rule)
    {
        var values = new FactValue[rule.Shown.Length];
        for (var i = 0; i < values.Length; i++) values[i] = new FactValue(rule.Shown[i].Path, ctx.Eval(rule.Shown[i].Expression).ToString());
        return values;
    }
}

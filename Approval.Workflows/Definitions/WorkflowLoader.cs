using Approval.Rules.Bundles;
using Approval.Rules.Yaml;
using Approval.Workflows.Activities;
using YamlDotNet.RepresentationModel;

namespace Approval.Workflows.Definitions;

/// <summary>
/// Reads <c>workflow.yaml</c> of a bundle and validates it against the bundle: unknown items and departments, unknown
/// step references, items without a flow and cycles between items' prerequisites are <see cref="DefinitionException"/>s
/// naming the file and line.
/// </summary>
public static class WorkflowLoader
{
    public const string WorkflowFile = "workflow.yaml";

    private static readonly string[] StepKinds = ["humanTask", "timer", "evaluateRules", "decideItem", "notify", "raiseFlag", "complete"];

    public static WorkflowDefinition Load(BundleDefinition bundle, string? folder = null)
    {
        var file = Path.Combine(folder ?? bundle.Code, WorkflowFile);
        if (!bundle.Files.TryGetValue(WorkflowFile, out var text))
            throw new DefinitionException(file, 0, $"bundle {bundle.Code} has no {WorkflowFile}");
        return Parse(bundle, file, text);
    }

    public static WorkflowDefinition Parse(BundleDefinition bundle, string file, string text)
    {
        var doc = YamlDoc.Parse(file, text);
        var root = doc.Map(doc.Root, "the workflow");
        doc.AllowOnly(root, "bundle", "acceptance", "items");
        if (doc.OptStr(root, "bundle") is { } code && code != bundle.Code)
            throw doc.Error(doc.Need(root, "bundle"), $"workflow is for bundle '{code}' but sits in bundle '{bundle.Code}'");

        var acceptance = Acceptance(doc, bundle, root);
        var flows = new List<ItemFlow>();
        foreach (var node in doc.Seq(doc.Need(root, "items"), "items").Children)
        {
            var m = doc.Map(node, "an item flow");
            doc.AllowOnly(m, "item", "steps");
            var itemCode = doc.Str(m, "item");
            var item = bundle.Item(itemCode) ?? throw doc.Error(doc.Need(m, "item"), $"unknown item '{itemCode}' (bundle items: {string.Join(", ", bundle.Items.Select(i => i.Code))})");
            if (flows.Any(f => f.Code == itemCode)) throw doc.Error(m, $"item {itemCode} has two flows");
            var steps = doc.Seq(doc.Need(m, "steps"), "steps").Children.Select(s => Step(doc, bundle, itemCode, s)).ToList();
            if (steps.Count == 0) throw doc.Error(m, $"item {itemCode}: a flow needs at least one step");
            flows.Add(new ItemFlow(itemCode, item.Department, item.PromisedDays, item.StatutoryDays, steps, (int)m.Start.Line));
        }
        foreach (var missing in bundle.Items.Where(i => flows.All(f => f.Code != i.Code)))
            throw doc.Error(root, $"item {missing.Code} has no flow");

        foreach (var flow in flows) CheckReferences(doc, flow);
        CheckNoCycles(doc, flows);
        return new WorkflowDefinition(bundle, file, acceptance, flows);
    }

    private static AcceptanceActivity Acceptance(YamlDoc doc, BundleDefinition bundle, YamlMappingNode root)
    {
        if (doc.Get(root, "acceptance") is not { } node) return new AcceptanceActivity("service-hall", 1, ["window"], 0);
        var m = doc.Map(node, "acceptance");
        doc.AllowOnly(m, "department", "reviewDays", "autoAccept");
        var department = doc.OptStr(m, "department") ?? "service-hall";
        Department(doc, bundle, m, department);
        var days = doc.OptInt(m, "reviewDays") ?? 1;
        if (days < 1) throw doc.Error(m, "acceptance reviewDays must be at least 1");
        var auto = doc.Get(m, "autoAccept") is null ? ["window"] : doc.StrList(m, "autoAccept");
        foreach (var channel in auto.Where(c => c is not ("window" or "online" or "mobile" or "kiosk")))
            throw doc.Error(doc.Need(m, "autoAccept"), $"unknown channel '{channel}' (window, online, mobile, kiosk)");
        return new AcceptanceActivity(department, days, auto, (int)m.Start.Line);
    }

    private static Activity Step(YamlDoc doc, BundleDefinition bundle, string itemCode, YamlNode node)
    {
        var m = doc.Map(node, "a step");
        doc.AllowOnly(m, ["id", "when", .. StepKinds]);
        var id = doc.Str(m, "id");
        if (Targets.IsBuiltIn(id)) throw doc.Error(doc.Need(m, "id"), $"item {itemCode}: '{id}' is reserved and cannot be a step id");
        var kinds = StepKinds.Where(k => doc.Get(m, k) is not null).ToList();
        if (kinds.Count != 1)
            throw doc.Error(m, $"item {itemCode} step {id}: a step has exactly one kind ({string.Join(", ", StepKinds)})");
        var kind = kinds[0];
        var body = doc.Get(m, kind)!;
        var line = (int)m.Start.Line;
        Activity step = kind switch
        {
            "humanTask" => HumanTask(doc, bundle, itemCode, id, line, doc.Map(body, "humanTask")),
            "timer" => Timer(doc, id, line, doc.Map(body, "timer")),
            "evaluateRules" => new EvaluateRulesActivity(id, line),
            "decideItem" => DecideItem(doc, itemCode, id, line, doc.Map(body, "decideItem")),
            "notify" => Notify(doc, id, line, doc.Map(body, "notify")),
            "raiseFlag" => RaiseFlag(doc, bundle, itemCode, id, line, doc.Map(body, "raiseFlag")),
            _ => new CompleteActivity(id, line),
        };
        if (doc.Get(m, "when") is { } w)
        {
            var wm = doc.Map(w, "when");
            doc.AllowOnly(wm, "fact", "equals");
            var fact = doc.Str(wm, "fact");
            if (bundle.AllFields().All(f => f.Path != fact))
                throw doc.Error(doc.Need(wm, "fact"), $"item {itemCode} step {id}: unknown form field '{fact}'");
            step = step with { When = new StepCondition(fact, doc.Str(wm, "equals")) };
        }
        return step;
    }

    private static HumanTaskActivity HumanTask(YamlDoc doc, BundleDefinition bundle, string itemCode, string id, int line, YamlMappingNode m)
    {
        doc.AllowOnly(m, "department", "kind", "days", "actions", "outputs", "branches", "waitsFor");
        var department = doc.Str(m, "department");
        Department(doc, bundle, m, department);
        var kind = doc.Str(m, "kind");
        if (!HumanTaskActivity.Kinds.Contains(kind))
            throw doc.Error(doc.Need(m, "kind"), $"item {itemCode} step {id}: unknown task kind '{kind}' ({string.Join(", ", HumanTaskActivity.Kinds)})");
        var days = doc.Int(m, "days");
        if (days < 1) throw doc.Error(doc.Need(m, "days"), $"item {itemCode} step {id}: days must be at least 1");
        var actionsNode = doc.Map(doc.Need(m, "actions"), "actions");
        var actions = new Dictionary<string, string>();
        foreach (var (k, v) in actionsNode.Children)
        {
            var action = doc.Scalar(k, "action");
            var target = doc.Scalar(v, action);
            if ((action == "requestSupplement") != (target == Targets.Supplement))
                throw doc.Error(v, $"item {itemCode} step {id}: requestSupplement (and only it) goes to 'supplement'");
            actions[action] = target;
        }
        if (actions.Count == 0) throw doc.Error(actionsNode, $"item {itemCode} step {id}: a task needs at least one action");
        var outputs = doc.StrList(m, "outputs");
        var branches = doc.Get(m, "branches") is { } b
            ? doc.Seq(b, "branches").Children.Select(c =>
            {
                var bm = doc.Map(c, "a branch");
                doc.AllowOnly(bm, "output", "equals", "goto");
                var output = doc.Str(bm, "output");
                if (!outputs.Contains(output))
                    throw doc.Error(bm, $"item {itemCode} step {id}: branch on undeclared output '{output}'");
                return new OutputBranch(output, doc.Str(bm, "equals"), doc.Str(bm, "goto"));
            }).ToList()
            : [];
        var waitsFor = doc.StrList(m, "waitsFor");
        foreach (var w in waitsFor)
        {
            if (bundle.Item(w) is null) throw doc.Error(doc.Need(m, "waitsFor"), $"item {itemCode} step {id}: waitsFor names unknown item '{w}'");
            if (w == itemCode) throw doc.Error(doc.Need(m, "waitsFor"), $"item {itemCode} step {id}: an item cannot wait for itself");
        }
        return new HumanTaskActivity(id, line, department, kind, days, actions, outputs, branches, waitsFor);
    }

    private static TimerActivity Timer(YamlDoc doc, string id, int line, YamlMappingNode m)
    {
        doc.AllowOnly(m, "days", "purpose", "objections");
        var days = doc.Int(m, "days");
        if (days < 1) throw doc.Error(m, $"timer {id}: days must be at least 1");
        return new TimerActivity(id, line, days, doc.OptStr(m, "purpose") ?? id, doc.OptBool(m, "objections", false));
    }

    private static DecideItemActivity DecideItem(YamlDoc doc, string itemCode, string id, int line, YamlMappingNode m)
    {
        doc.AllowOnly(m, "outcome", "number");
        var outcome = doc.Str(m, "outcome");
        if (!DecideItemActivity.Outcomes.Contains(outcome))
            throw doc.Error(doc.Need(m, "outcome"), $"item {itemCode} step {id}: unknown outcome '{outcome}' ({string.Join(", ", DecideItemActivity.Outcomes)})");
        return new DecideItemActivity(id, line, outcome, doc.OptStr(m, "number"));
    }

    private static NotifyActivity Notify(YamlDoc doc, string id, int line, YamlMappingNode m)
    {
        doc.AllowOnly(m, "message");
        return new NotifyActivity(id, line, doc.Str(m, "message"));
    }

    private static RaiseFlagActivity RaiseFlag(YamlDoc doc, BundleDefinition bundle, string itemCode, string id, int line, YamlMappingNode m)
    {
        doc.AllowOnly(m, "item", "reason", "days");
        var target = doc.Str(m, "item");
        if (bundle.Item(target) is null) throw doc.Error(doc.Need(m, "item"), $"item {itemCode} step {id}: unknown item '{target}'");
        return new RaiseFlagActivity(id, line, target, doc.Str(m, "reason"), doc.OptInt(m, "days") ?? 5);
    }

    private static void Department(YamlDoc doc, BundleDefinition bundle, YamlMappingNode m, string department)
    {
        if (bundle.Departments.All(d => d.Code != department))
            throw doc.Error(doc.Need(m, "department"), $"unknown department '{department}' (bundle departments: {string.Join(", ", bundle.Departments.Select(d => d.Code))})");
    }

    private static void CheckReferences(YamlDoc doc, ItemFlow flow)
    {
        var ids = new HashSet<string>();
        foreach (var step in flow.Steps)
            if (!ids.Add(step.Id))
                throw new DefinitionException(doc.File, step.Line, $"item {flow.Code}: duplicate step id '{step.Id}'");
        foreach (var step in flow.Steps.OfType<HumanTaskActivity>())
        foreach (var target in step.Actions.Values.Concat(step.Branches.Select(b => b.Goto)))
            if (!Targets.IsBuiltIn(target) && !ids.Contains(target))
                throw new DefinitionException(doc.File, step.Line,
                    $"item {flow.Code} step {step.Id}: unknown step '{target}' (steps: {string.Join(", ", ids)}; or next, end, refused)");
        if (!flow.Steps.OfType<DecideItemActivity>().Any() && !flow.Steps.OfType<HumanTaskActivity>().Any(h => h.Actions.Values.Contains(Targets.Refused)))
            throw new DefinitionException(doc.File, flow.Line, $"item {flow.Code}: the flow never decides the item (add a decideItem step)");
    }

    private static void CheckNoCycles(YamlDoc doc, IReadOnlyList<ItemFlow> flows)
    {
        var state = new Dictionary<string, int>();
        foreach (var f in flows) Visit(f, []);
        return;

        void Visit(ItemFlow flow, List<string> path)
        {
            if (state.GetValueOrDefault(flow.Code) == 2) return;
            state[flow.Code] = 1;
            path.Add(flow.Code);
            foreach (var step in flow.Steps.OfType<HumanTaskActivity>())
            foreach (var dep in step.WaitsFor)
            {
                if (state.GetValueOrDefault(dep) == 1)
                    throw new DefinitionException(doc.File, step.Line,
                        $"item {flow.Code} step {step.Id}: waiting for {dep} makes a cycle ({string.Join(" → ", path.SkipWhile(p => p != dep))} → {dep})");
                if (flows.FirstOrDefault(f => f.Code == dep) is { } next) Visit(next, path);
            }
            path.RemoveAt(path.Count - 1);
            state[flow.Code] = 2;
        }
    }
}

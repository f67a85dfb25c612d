using System.Globalization;
using Approval.Rules.Bundles;
using Approval.Rules.Engine;
using Approval.Rules.Expressions;
using Approval.Rules.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Approval.Rules.Definition;

/// <summary>Reads <c>rules.yaml</c> of a bundle, validates it against the bundle and compiles it.</summary>
internal sealed class RuleSetLoader
{
    public const string RulesFile = "rules.yaml";
    private static readonly string[] TypeNames = ["bool", "number", "string", "date", "list"];

    private readonly BundleDefinition _bundle;
    private readonly YamlDoc _doc;
    private readonly ProgramBuilder _pb;
    private readonly HashSet<string> _items;
    private readonly HashSet<string> _materials;
    private readonly Dictionary<string, ParamDef> _params = new(StringComparer.Ordinal);

    private RuleSetLoader(BundleDefinition bundle, string file, string text)
    {
        _bundle = bundle;
        _doc = YamlDoc.Parse(file, text);
        _items = bundle.Items.Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        _materials = bundle.Materials.Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
        _pb = new ProgramBuilder(bundle.Form.Select(ToField), _items);
    }

    public static CompiledRuleSet Load(BundleDefinition bundle, string folder = "")
    {
        var file = Path.Combine(folder.Length > 0 ? folder : Path.Combine("bundles", bundle.Code), RulesFile);
        if (!bundle.Files.TryGetValue(RulesFile, out var text))
            throw new DefinitionException(file, 0, "missing rules.yaml");
        return new RuleSetLoader(bundle, file, text).Compile();
    }

    private static FieldInfo ToField(FormField f)
    {
        var type = f.Type switch
        {
            FieldType.Boolean => ExprType.Bool,
            FieldType.Integer or FieldType.Number => ExprType.Number,
            FieldType.Date => ExprType.Date,
            FieldType.Object => ExprType.Object,
            FieldType.Array => ExprType.Array,
            _ => ExprType.String,
        };
        return new FieldInfo(f.Path, type, f.Type == FieldType.Enum ? f.Values : null,
            f.Type == FieldType.Array ? f.ItemFields.Select(ToField).ToDictionary(x => x.Path, StringComparer.Ordinal) : null);
    }

    private CompiledRuleSet Compile()
    {
        var root = _doc.Map(_doc.Root, "the rules file");
        _doc.AllowOnly(root, "sharedFacts", "parameters", "derived", "intermediate", "rules");

        if (_doc.Get(root, "sharedFacts") is { } shared)
            foreach (var (k, v) in _doc.Map(shared, "sharedFacts").Children)
            {
                var name = _doc.Scalar(k, "a shared fact");
                if (!name.StartsWith("shared.", StringComparison.Ordinal)) throw _doc.Error(k, $"shared fact '{name}' must start with 'shared.'");
                _pb.AddSlot(new SlotInfo(SlotKind.Shared, name, TypeOf(v), null, null, null));
            }

        AddParam(new ParamDef("jurisdictionRegions", ExprType.List, [(DateOnly.MinValue, Value.List(_bundle.JurisdictionRegions))]));
        if (_doc.Get(root, "parameters") is { } parameters)
            foreach (var (k, v) in _doc.Map(parameters, "parameters").Children)
            {
                var name = _doc.Scalar(k, "a parameter");
                if (_params.ContainsKey(name)) throw _doc.Error(k, $"parameter '{name}' is defined twice (jurisdictionRegions comes from bundle.yaml)");
                AddParam(Param(name, v));
            }

        if (_doc.Get(root, "intermediate") is { } inter)
            foreach (var (k, v) in _doc.Map(inter, "intermediate").Children)
            {
                var name = _doc.Scalar(k, "an intermediate fact");
                if (name.Contains('.') || _pb.IsKnownName(name)) throw _doc.Error(k, $"intermediate fact '{name}' must be a new name without dots");
                _pb.AddSlot(new SlotInfo(SlotKind.Intermediate, name, TypeOf(v), null, null, null));
            }

        if (_doc.Get(root, "derived") is { } derived)
            foreach (var (k, v) in _doc.Map(derived, "derived").Children)
            {
                var name = _doc.Scalar(k, "a derived fact");
                if (name.Contains('.') || _pb.IsKnownName(name)) throw _doc.Error(k, $"derived fact '{name}' must be a new name without dots");
                var text = _doc.Scalar(v, name);
                try
                {
                    _pb.AddDerived(name, Expressions.Parser.Parse(text), text);
                    _pb.DerivedType(name);
                }
                catch (ExpressionException e) { throw _doc.Error(v, $"derived fact '{name}': {e.Message}"); }
            }

        var specs = _doc.Seq(_doc.Need(root, "rules"), "rules").Children.Select((n, i) => ParseRule(n, i)).ToList();
        var dup = specs.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw _doc.Error(dup.Skip(1).First().Node, $"rule {dup.Key}: duplicate rule id");

        var ordered = specs.OrderByDescending(s => s.Priority).ThenBy(s => s.Order).ToList();
        var rules = new List<Rule>();
        var assignmentIndex = 0;
        var setters = new Dictionary<int, List<(int, int)>>();
        var outcomeWriters = _items.ToDictionary(i => i, _ => new List<(int, ItemOutcome, int)>());
        for (var r = 0; r < ordered.Count; r++)
        {
            var s = ordered[r];
            var assignments = s.Sets.Select(a => new Assignment(a.Slot, a.Expr, assignmentIndex++)).ToArray();
            foreach (var a in assignments) (setters.TryGetValue(a.Slot, out var l) ? l : setters[a.Slot] = []).Add((r, a.Index));
            foreach (var o in s.Conclusions.Outcomes)
                foreach (var item in o.Items) outcomeWriters[item].Add((r, o.Outcome, s.Priority));
            var writes = assignments.Select(a => a.Slot)
                .Concat(s.Conclusions.Outcomes.SelectMany(o => o.Items).Select(_pb.OutcomeSlot)).Distinct().ToArray();
            rules.Add(new Rule(s.Id, s.Priority, s.Order, s.Line, s.When, s.Condition, s.Reads.Order().ToArray(), writes, assignments, s.Shown, s.Conclusions));
        }
        var resolvers = new Dictionary<int, SlotResolver>();
        foreach (var (slot, w) in setters) resolvers[slot] = new AssignmentResolver(w.ToArray());
        foreach (var (item, w) in outcomeWriters) resolvers[_pb.OutcomeSlot(item)] = new OutcomeResolver(w.ToArray());

        var program = _pb.Build();
        var network = new RuleNetwork(program, rules, resolvers);
        return new CompiledRuleSet(_bundle, network, _items.Select(_pb.OutcomeSlot).ToArray());
    }

    private void AddParam(ParamDef p)
    {
        _params[p.Name] = p;
        _pb.AddSlot(new SlotInfo(SlotKind.Param, "param." + p.Name, p.Type, null, null, p));
    }

    private ExprType TypeOf(YamlNode node)
    {
        var t = _doc.Scalar(node, "a type");
        var i = Array.IndexOf(TypeNames, t);
        if (t == "int") return ExprType.Number;
        return i >= 0 ? (ExprType)i : throw _doc.Error(node, $"unknown type '{t}' (one of: bool, number, string, date, list)");
    }

    private ParamDef Param(string name, YamlNode node)
    {
        if (node is YamlSequenceNode seq && seq.Children.Count > 0 && seq.Children.All(c => c is YamlMappingNode))
        {
            var values = new List<(DateOnly, Value)>();
            ExprType? type = null;
            foreach (var c in seq.Children)
            {
                var m = _doc.Map(c, "a dated value");
                _doc.AllowOnly(m, "from", "value");
                var from = _doc.Date(_doc.Need(m, "from"), "from");
                var (t, v) = Literal(_doc.Need(m, "value"));
                if (type is { } known && known != t) throw _doc.Error(c, $"parameter '{name}': every value must be a {ProgramBuilder.Name(known)}");
                if (values.Count > 0 && values[^1].Item1 >= from) throw _doc.Error(c, $"parameter '{name}': 'from' dates must increase");
                type = t;
                values.Add((from, v));
            }
            return new ParamDef(name, type!.Value, values);
        }
        var (type1, value) = Literal(node);
        return new ParamDef(name, type1, [(DateOnly.MinValue, value)]);
    }

    private (ExprType, Value) Literal(YamlNode node)
    {
        if (node is YamlSequenceNode s) return (ExprType.List, Value.List(s.Children.Select(c => _doc.Scalar(c, "a list item")).ToArray()));
        var scalar = (YamlScalarNode)node;
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain)
        {
            if (text is "true" or "false") return (ExprType.Bool, Value.Bool(text == "true"));
            if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return (ExprType.Number, Value.Number(d));
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return (ExprType.Date, Value.Date(day));
        }
        return (ExprType.String, Value.String(text));
    }

    private sealed record RuleSpec(
        string Id, int Priority, int Order, int Line, YamlNode Node, string When, int Condition, HashSet<int> Reads,
        (string, int)[] Shown, List<(int Slot, int Expr)> Sets, Conclusions Conclusions);

    private RuleSpec ParseRule(YamlNode node, int order)
    {
        var m = _doc.Map(node, "a rule");
        _doc.AllowOnly(m, "id", "priority", "item", "description", "when", "then");
        var id = _doc.Str(m, "id");
        DefinitionException Err(YamlNode at, string problem) => _doc.Error(at, $"rule {id}: {problem}");

        var items = Items(m, "item", id) ?? [];
        var whenNode = _doc.Need(m, "when");
        var when = _doc.Scalar(whenNode, "when");
        var reads = new HashSet<int>();
        (int Index, ExprType Type, HashSet<int> Reads, List<string> Paths) Expr(YamlNode at, string text, ExprType? type, bool track = false)
        {
            try
            {
                var e = _pb.Add(text, type, hot: track);
                if (track) reads.UnionWith(e.Reads);
                return e;
            }
            catch (ExpressionException e) { throw Err(at, $"{e.Message} in '{text}'"); }
        }
        var cond = Expr(whenNode, when, ExprType.Bool, track: true);
        var shown = cond.Paths.Select(p => (p, Expr(whenNode, p, null).Index)).ToArray();

        Template? Message(YamlMappingNode a, string key)
        {
            if (_doc.Get(a, key) is not { } n) return null;
            var text = _doc.Scalar(n, key);
            var literals = new List<string>();
            var exprs = new List<int>();
            var pos = 0;
            while (true)
            {
                var open = text.IndexOf('{', pos);
                if (open < 0) break;
                var close = text.IndexOf('}', open);
                if (close < 0) throw Err(n, $"unclosed '{{' in message '{text}'");
                literals.Add(text[pos..open]);
                exprs.Add(Expr(n, text[(open + 1)..close], null).Index);
                pos = close + 1;
            }
            literals.Add(text[pos..]);
            return new Template(literals.ToArray(), exprs.ToArray());
        }

        var outcomes = new List<OutcomeConclusion>();
        var notes = new List<NoteConclusion>();
        var requires = new List<RequireConclusion>();
        var waivers = new List<WaiveConclusion>();
        var sets = new List<(int, int)>();
        foreach (var an in _doc.Seq(_doc.Need(m, "then"), "then").Children)
        {
            var a = _doc.Map(an, "an action");
            var actionItems = Items(a, "item", id) ?? items;
            string[] NeedItems() => actionItems.Length > 0 ? actionItems : throw Err(a, "this action needs an item (set 'item' on the rule or the action)");
            if (_doc.Get(a, "outcome") is { } on)
            {
                _doc.AllowOnly(a, "outcome", "item", "message", "dependsOn", "missing", "benefit");
                if (!Enum.GetValues<ItemOutcome>().Select(Precedence.Name).Contains(_doc.Scalar(on, "outcome")))
                    throw Err(on, $"unknown outcome '{_doc.Scalar(on, "outcome")}' (eligible, ineligible, conditional, notApplicable, needsInformation)");
                var outcome = Enum.GetValues<ItemOutcome>().First(o => Precedence.Name(o) == _doc.Scalar(on, "outcome"));
                var dependsOn = _doc.StrList(a, "dependsOn").ToArray();
                foreach (var d in dependsOn.Where(d => !_items.Contains(d))) throw Err(a, $"dependsOn names unknown item '{d}'");
                var missing = _doc.StrList(a, "missing").ToArray();
                foreach (var p in missing) Expr(a, p, null);
                BenefitSpec? benefit = null;
                if (_doc.Get(a, "benefit") is { } bn)
                {
                    var bm = _doc.Map(bn, "benefit");
                    _doc.AllowOnly(bm, "monthly", "yearly", "level");
                    var level = _doc.OptStr(bm, "level");
                    if (level is not (null or "full" or "partial")) throw Err(bm, $"benefit level must be full or partial, not '{level}'");
                    benefit = new BenefitSpec(
                        _doc.OptStr(bm, "monthly") is { } mo ? Expr(bm, mo, ExprType.Number).Index : null,
                        _doc.OptStr(bm, "yearly") is { } yo ? Expr(bm, yo, ExprType.Number).Index : null, level);
                }
                outcomes.Add(new OutcomeConclusion(NeedItems(), outcome, Message(a, "message"), dependsOn, missing, benefit));
            }
            else if (_doc.Get(a, "note") is not null)
            {
                _doc.AllowOnly(a, "note", "item");
                notes.Add(new NoteConclusion(NeedItems(), Message(a, "note")!));
            }
            else if (_doc.Get(a, "require") is not null)
            {
                _doc.AllowOnly(a, "require", "item");
                var mats = _doc.StrList(a, "require").ToArray();
                foreach (var mat in mats.Where(x => !_materials.Contains(x))) throw Err(a, $"unknown material '{mat}'");
                requires.Add(new RequireConclusion(NeedItems(), mats));
            }
            else if (_doc.Get(a, "waive") is not null)
            {
                _doc.AllowOnly(a, "waive", "by");
                var mat = _doc.Str(a, "waive");
                if (!_materials.Contains(mat)) throw Err(a, $"unknown material '{mat}'");
                var by = _doc.Str(a, "by");
                var valid = by is "identity-verified" or "one-form"
                            || by.StartsWith("shared:", StringComparison.Ordinal) && by.Length > 7
                            || by.StartsWith("bundle:", StringComparison.Ordinal) && _items.Contains(by[7..]);
                if (!valid) throw Err(a, $"waiver source '{by}' must be identity-verified, one-form, shared:<source> or bundle:<item>");
                waivers.Add(new WaiveConclusion(mat, by));
            }
            else if (_doc.Get(a, "set") is not null)
            {
                _doc.AllowOnly(a, "set", "value");
                var name = _doc.Str(a, "set");
                var slot = _pb.Slots.Select((s, i) => (s, i)).FirstOrDefault(x => x.s.Kind == SlotKind.Intermediate && x.s.Name == name);
                if (slot.s is null) throw Err(a, $"'{name}' is not an intermediate fact (declare it under intermediate)");
                var e = Expr(a, _doc.Str(a, "value"), slot.s.Type, track: true);
                sets.Add((slot.i, e.Index));
            }
            else throw Err(a, "an action is one of: outcome, note, require, waive, set");
        }

        var priority = _doc.Get(m, "priority") is { } pn ? _doc.Int(pn, "priority") : 0;
        return new RuleSpec(id, priority, order, (int)whenNode.Start.Line, node, when, cond.Index, reads, shown, sets,
            new Conclusions(outcomes, notes, requires, waivers));
    }

    private string[]? Items(YamlMappingNode m, string key, string id)
    {
        if (_doc.Get(m, key) is not { } n) return null;
        var codes = n is YamlScalarNode { Value: "all" } ? _bundle.Items.Select(i => i.Code).ToArray()
            : n is YamlScalarNode s ? [s.Value ?? ""]
            : _doc.StrList(m, key).ToArray();
        foreach (var c in codes.Where(c => !_items.Contains(c))) throw _doc.Error(n, $"rule {id}: unknown item '{c}'");
        return codes;
    }
}

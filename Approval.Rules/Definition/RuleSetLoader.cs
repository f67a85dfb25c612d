using System.Globalization;
using Approval.Rules.Bundles;
using Approval.Rules.Engine;
using Approval.Rules.Expressions;
using Approval.Rules.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Approval.Rules.Definition;

/// <summary>
/// Reads <c>rules.yaml</c> of a bundle, validates it against the bundle and compiles it. This file reads the
/// sections (shared facts, parameters, derived and intermediate facts); RuleSetLoader.Rules.cs reads the rules.
/// </summary>
internal sealed partial class RuleSetLoader
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
            var claims = s.Conclusions.Outcomes.SelectMany(o => o.Items.Select(i => (_pb.OutcomeSlot(i), Precedence.Rank(o.Outcome), (int)o.Outcome))).ToArray();
            rules.Add(new Rule(s.Id, s.Priority, s.Order, s.Line, s.When, s.Condition, s.Reads.Order().ToArray(), assignments, s.Shown, claims, s.Conclusions));
        }
        var resolvers = new Dictionary<int, SlotResolver>();
        foreach (var (slot, w) in setters) resolvers[slot] = new AssignmentResolver(w.ToArray());
        foreach (var (item, w) in outcomeWriters) resolvers[_pb.OutcomeSlot(item)] = new OutcomeResolver(w.ToArray());

        var program = _pb.Build();
        var outcomeSlots = _items.Select(_pb.OutcomeSlot).ToArray();
        return new CompiledRuleSet(_bundle, new NRulesNetwork(program, rules, resolvers), outcomeSlots);
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
}

using Approval.Rules.Expressions;
using Approval.Rules.Yaml;
using YamlDotNet.RepresentationModel;

namespace Approval.Rules.Definition;

/// <summary>Rules and their actions: outcome, note, require, waive, set.</summary>
internal sealed partial class RuleSetLoader
{
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

        Template Fill(YamlNode n, string text)
        {
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

        // A message is { zh: "…", en: "…" } (both required, each with its own placeholders) or one plain string used for both.
        MessageTemplate? Message(YamlMappingNode a, string key)
        {
            if (_doc.Get(a, key) is not { } n) return null;
            if (n is YamlScalarNode)
            {
                var same = Fill(n, _doc.Scalar(n, key));
                return new MessageTemplate(same, same);
            }
            if (n is not YamlMappingNode m) throw Err(n, $"{key} must be a text or {{ zh: \"…\", en: \"…\" }}");
            foreach (var (k, _) in m.Children)
                if (_doc.Scalar(k, "a language") is not ("zh" or "en") and var other)
                    throw Err(k, $"{key}: unknown key '{other}' (a message has zh and en only)");
            Template Language(string language)
            {
                if (_doc.Get(m, language) is not { } t) throw Err(m, $"{key} has no '{language}' text (a message gives both zh and en)");
                var text = _doc.Scalar(t, $"{key}.{language}");
                if (string.IsNullOrWhiteSpace(text)) throw Err(t, $"{key}.{language} is empty");
                return Fill(t, text);
            }
            return new MessageTemplate(Language("zh"), Language("en"));
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

using FastExpressionCompiler;
using System.Globalization;
using System.Reflection;
using LinqExpr = System.Linq.Expressions.Expression;
using ParamExpr = System.Linq.Expressions.ParameterExpression;

namespace Approval.Rules.Expressions;

internal sealed record Bound(LinqExpr Expr, ExprType Type, IReadOnlyList<string>? EnumValues = null, Value? Constant = null);

/// <summary>
/// Resolves names, checks types and turns syntax trees into expression trees over <see cref="EvalContext"/>.
/// All expressions of a rule set share one builder and are compiled together (<see cref="Build"/>).
/// Functions are bound in ProgramBuilder.Functions.cs.
/// </summary>
internal sealed partial class ProgramBuilder
{
    private static readonly string[] OutcomeNames = ["eligible", "ineligible", "conditional", "notApplicable", "needsInformation"];

    private readonly ParamExpr _ctx = LinqExpr.Parameter(typeof(EvalContext), "ctx");
    private readonly List<LinqExpr> _exprs = [];
    private readonly List<bool> _hot = [];
    private bool _addingHot;
    private readonly List<SlotInfo> _slots = [];
    private readonly Dictionary<string, int> _slotByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FieldInfo> _form;
    private readonly Dictionary<string, (Node Node, string Text)> _derived = new(StringComparer.Ordinal);
    private readonly HashSet<string> _binding = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _derivedSlot = new(StringComparer.Ordinal);
    private readonly HashSet<string> _items;
    private readonly Dictionary<string, (int Index, ExprType Type, HashSet<int> Reads, List<string> Paths)> _cache = new(StringComparer.Ordinal);

    public ProgramBuilder(IEnumerable<FieldInfo> form, IEnumerable<string> items)
    {
        _form = form.ToDictionary(f => f.Path, StringComparer.Ordinal);
        _items = items.ToHashSet(StringComparer.Ordinal);
        foreach (var item in _items)
            AddSlot(new SlotInfo(SlotKind.Outcome, "outcome." + item, ExprType.String, OutcomeNames, null, null));
    }

    public IReadOnlyList<SlotInfo> Slots => _slots;

    public bool IsKnownName(string name) => _slotByName.ContainsKey(name) || _derived.ContainsKey(name) || _form.ContainsKey(name);

    public int AddSlot(SlotInfo slot)
    {
        _slots.Add(slot);
        _slotByName[slot.Name] = _slots.Count - 1;
        return _slots.Count - 1;
    }

    public int OutcomeSlot(string item) => _slotByName["outcome." + item];

    public void AddDerived(string name, Node node, string text) => _derived[name] = (node, text);

    /// <summary>The type of a derived fact, checking its expression.</summary>
    public ExprType DerivedType(string name) => BindPath(name, 0, [], null).Type;

    /// <summary>Parses, binds and registers an expression; returns its index and static type.</summary>
    /// <param name="hot">evaluated by the engine (conditions, assignments) rather than only when building a result</param>
    public (int Index, ExprType Type, HashSet<int> Reads, List<string> Paths) Add(string text, ExprType? expected, bool hot)
    {
        if (_cache.TryGetValue(text, out var cached))
        {
            if (hot) _hot[cached.Index] = true;
            if (expected is { } ce && cached.Type != ce && cached.Type != ExprType.Null)
                throw new ExpressionException($"expected a {Name(ce)} expression but '{text}' is a {Name(cached.Type)}");
            return cached;
        }
        _addingHot = hot;
        var result = AddNew(text, expected);
        _cache[text] = result;
        return result;
    }

    private (int Index, ExprType Type, HashSet<int> Reads, List<string> Paths) AddNew(string text, ExprType? expected)
    {
        var node = Parser.Parse(text);
        var reads = new HashSet<int>();
        var b = Bind(node, reads, null);
        if (expected is { } e && b.Type != e && b.Type != ExprType.Null)
            throw new ExpressionException($"expected a {Name(e)} expression but '{text}' is a {Name(b.Type)}");
        var paths = new List<string>();
        CollectPaths(node, paths);
        return (Register(b.Expr), b.Type, reads, paths);
    }

    private int Register(LinqExpr e, bool? hot = null)
    {
        _exprs.Add(e);
        _hot.Add(hot ?? _addingHot);
        return _exprs.Count - 1;
    }

    /// <summary>
    /// Compiles the expressions in groups, a switch per group: one method per expression costs compile time, one
    /// method for all makes every call zero a huge frame. Hot expressions (evaluated by the engine) get small groups,
    /// cold ones (messages, explanations: a few evaluations per result) larger ones.
    /// </summary>
    public CompiledProgram Build()
    {
        var index = LinqExpr.Parameter(typeof(int), "i");
        var table = new (Func<EvalContext, int, Value>, int)[_exprs.Count];
        foreach (var hot in new[] { true, false })
        {
            var members = Enumerable.Range(0, _exprs.Count).Where(i => _hot[i] == hot).ToList();
            var size = hot ? HotGroup : ColdGroup;
            for (var g = 0; g < members.Count; g += size)
            {
                var group = members.Skip(g).Take(size).ToList();
                var cases = group.Select((e, i) => LinqExpr.SwitchCase(_exprs[e], LinqExpr.Constant(i))).ToArray();
                var fn = LinqExpr.Lambda<Func<EvalContext, int, Value>>(
                    LinqExpr.Switch(index, LinqExpr.Constant(Value.Missing), cases), _ctx, index).CompileFast(ifFastFailedReturnNull: true) ?? throw new InvalidOperationException();
                for (var i = 0; i < group.Count; i++) table[group[i]] = (fn, i);
            }
        }
        return new CompiledProgram(_slots.ToArray(), table);
    }

    private const int HotGroup = 8;
    private const int ColdGroup = 32;

    private void CollectPaths(Node n, List<string> paths)
    {
        switch (n)
        {
            case PathRef p when !p.Path.StartsWith("it.", StringComparison.Ordinal) && !paths.Contains(p.Path): paths.Add(p.Path); break;
            case Unary u: CollectPaths(u.Operand, paths); break;
            case Binary b: CollectPaths(b.Left, paths); CollectPaths(b.Right, paths); break;
            case Call c when c.Function is "param" && c.Args is [Literal { Type: ExprType.String } a]:
                var name = "param." + a.Value.Str;
                if (!paths.Contains(name)) paths.Add(name);
                break;
            case Call c: foreach (var a in c.Args) CollectPaths(a, paths); break;
            case ListLiteral l: foreach (var a in l.Items) CollectPaths(a, paths); break;
        }
    }

    private Bound Bind(Node n, HashSet<int> reads, IReadOnlyDictionary<string, FieldInfo>? it) => n switch
    {
        Literal l => new Bound(LinqExpr.Constant(l.Value), l.Type, null, l.Value),
        PathRef p => BindPath(p.Path, p.Pos, reads, it),
        Unary u => BindUnary(u, reads, it),
        Binary b => BindBinary(b, reads, it),
        Call c => BindCall(c, reads, it),
        ListLiteral => throw new ExpressionException($"a list is only allowed after 'in' (column {n.Pos + 1})"),
        _ => throw new ExpressionException("unsupported expression"),
    };

    private LinqExpr LoadSlot(int slot, HashSet<int> reads)
    {
        reads.Add(slot);
        return LinqExpr.Call(_ctx, nameof(EvalContext.Load), null, LinqExpr.Constant(slot));
    }

    private Bound BindPath(string path, int pos, HashSet<int> reads, IReadOnlyDictionary<string, FieldInfo>? it)
    {
        if (path == "asOf") return new Bound(LinqExpr.Property(_ctx, nameof(EvalContext.AsOfValue)), ExprType.Date);
        if (path.StartsWith("it.", StringComparison.Ordinal))
        {
            if (it is null) throw new ExpressionException($"'it' is only defined inside any(...) or sum(...) (column {pos + 1})");
            var sub = path[3..];
            if (!it.TryGetValue(sub, out var f)) throw new ExpressionException($"unknown field '{sub}' of the array element (column {pos + 1})");
            return new Bound(Call(nameof(Ops.ItPath), _ctx, LinqExpr.Constant(Json.Segments(sub)), LinqExpr.Constant(f.Type)), f.Type, f.EnumValues);
        }
        if (_slotByName.TryGetValue(path, out var slot))
            return new Bound(LoadSlot(slot, reads), _slots[slot].Type, _slots[slot].EnumValues);
        if (_derivedSlot.TryGetValue(path, out var ds))
            return new Bound(LoadSlot(ds, reads), _slots[ds].Type, _slots[ds].EnumValues);
        if (_derived.TryGetValue(path, out var d))
        {
            if (!_binding.Add(path)) throw new ExpressionException($"derived fact '{path}' refers to itself");
            try
            {
                var inner = new HashSet<int>();
                var b = Bind(d.Node, inner, null);
                if (inner.Any(s => _slots[s].Kind is SlotKind.Intermediate or SlotKind.Outcome))
                {
                    reads.UnionWith(inner);
                    return b;
                }
                var derivedSlot = AddSlot(new SlotInfo(SlotKind.Derived, path, b.Type, b.EnumValues, null, null, Register(b.Expr, hot: true)));
                _derivedSlot[path] = derivedSlot;
                return new Bound(LoadSlot(derivedSlot, reads), b.Type, b.EnumValues);
            }
            catch (ExpressionException e) when (!e.Message.StartsWith("in derived", StringComparison.Ordinal))
            {
                throw new ExpressionException($"in derived fact '{path}' ({d.Text}): {e.Message}");
            }
            finally { _binding.Remove(path); }
        }
        if (path.StartsWith("param.", StringComparison.Ordinal))
            throw new ExpressionException($"unknown parameter '{path[6..]}'");
        if (path.StartsWith("shared.", StringComparison.Ordinal))
            throw new ExpressionException($"unknown shared fact '{path}' (declare it under sharedFacts)");
        if (path.StartsWith("outcome.", StringComparison.Ordinal))
            throw new ExpressionException($"unknown item '{path[8..]}' in '{path}'");
        if (_form.TryGetValue(path, out var field))
        {
            var s = AddSlot(new SlotInfo(SlotKind.Form, path, field.Type, field.EnumValues, Json.Segments(path), null));
            return new Bound(LoadSlot(s, reads), field.Type, field.EnumValues);
        }
        throw new ExpressionException($"unknown fact '{path}' (column {pos + 1})");
    }

    private Bound BindUnary(Unary u, HashSet<int> reads, IReadOnlyDictionary<string, FieldInfo>? it)
    {
        var a = Bind(u.Operand, reads, it);
        if (u.Op == "not")
        {
            Expect(a, ExprType.Bool, "'not'", u.Pos);
            return new Bound(Call(nameof(Ops.Not), a.Expr), ExprType.Bool);
        }
        Expect(a, ExprType.Number, "unary '-'", u.Pos);
        return a.Constant is { } c ? new Bound(LinqExpr.Constant(Value.Number(-c.Num)), ExprType.Number, null, Value.Number(-c.Num))
            : new Bound(Call(nameof(Ops.Neg), a.Expr), ExprType.Number);
    }

    private Bound BindBinary(Binary b, HashSet<int> reads, IReadOnlyDictionary<string, FieldInfo>? it)
    {
        if (b.Op == "in") return BindIn(b, reads, it);
        var l = Bind(b.Left, reads, it);
        var r = Bind(b.Right, reads, it);
        switch (b.Op)
        {
            case "and" or "or":
                Expect(l, ExprType.Bool, $"'{b.Op}'", b.Pos);
                Expect(r, ExprType.Bool, $"'{b.Op}'", b.Pos);
                return new Bound(Call(b.Op == "and" ? nameof(Ops.And) : nameof(Ops.Or), l.Expr, r.Expr), ExprType.Bool);
            case "==" or "!=":
                if (l.Type != r.Type && l.Type != ExprType.Null && r.Type != ExprType.Null)
                    throw new ExpressionException($"cannot compare a {Name(l.Type)} with a {Name(r.Type)} using '{b.Op}' (column {b.Pos + 1}); use has()/isMissing() for missing values");
                if (l.Type == ExprType.Null || r.Type == ExprType.Null)
                    throw new ExpressionException($"comparing with null is never true or false (column {b.Pos + 1}); use has() or isMissing()");
                CheckEnum(l, r, b.Pos);
                CheckEnum(r, l, b.Pos);
                return new Bound(Call(b.Op == "==" ? nameof(Ops.Eq) : nameof(Ops.Ne), l.Expr, r.Expr), ExprType.Bool);
            case "<" or "<=" or ">" or ">=":
                if (l.Type != r.Type || l.Type is not (ExprType.Number or ExprType.Date or ExprType.String))
                    throw new ExpressionException($"cannot order a {Name(l.Type)} and a {Name(r.Type)} with '{b.Op}' (column {b.Pos + 1})");
                var op = b.Op switch { "<" => nameof(Ops.Lt), "<=" => nameof(Ops.Le), ">" => nameof(Ops.Gt), _ => nameof(Ops.Ge) };
                return new Bound(Call(op, l.Expr, r.Expr), ExprType.Bool);
            default:
                Expect(l, ExprType.Number, $"'{b.Op}'", b.Pos);
                Expect(r, ExprType.Number, $"'{b.Op}'", b.Pos);
                var m = b.Op switch { "+" => nameof(Ops.Add), "-" => nameof(Ops.Sub), "*" => nameof(Ops.Mul), _ => nameof(Ops.Div) };
                return new Bound(Call(m, l.Expr, r.Expr), ExprType.Number);
        }
    }

    private Bound BindIn(Binary b, HashSet<int> reads, IReadOnlyDictionary<string, FieldInfo>? it)
    {
        var l = Bind(b.Left, reads, it);
        if (b.Right is ListLiteral list)
        {
            var values = new Value[list.Items.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var item = Bind(list.Items[i], reads, it);
                if (item.Constant is not { } c || item.Type != l.Type)
                    throw new ExpressionException($"the list after 'in' must hold {Name(l.Type)} literals (column {list.Items[i].Pos + 1})");
                CheckEnum(l, item, list.Items[i].Pos);
                values[i] = c;
            }
            return new Bound(Call(nameof(Ops.InValues), l.Expr, LinqExpr.Constant(values)), ExprType.Bool);
        }
        var r = Bind(b.Right, reads, it);
        if (r.Type != ExprType.List || l.Type != ExprType.String)
            throw new ExpressionException($"'in' needs a string on the left and a list on the right, found {Name(l.Type)} in {Name(r.Type)} (column {b.Pos + 1})");
        return new Bound(Call(nameof(Ops.In), l.Expr, r.Expr), ExprType.Bool);
    }

    private static void Expect(Bound b, ExprType type, string what, int pos)
    {
        if (b.Type != type && b.Type != ExprType.Null)
            throw new ExpressionException($"{what} needs a {Name(type)}, found a {Name(b.Type)} (column {pos + 1})");
    }

    private static void CheckEnum(Bound field, Bound literal, int pos)
    {
        if (field.EnumValues is { } values && literal.Constant is { Kind: ValueKind.String } c && !values.Contains(c.Str))
            throw new ExpressionException($"'{c.Str}' is not one of the values {string.Join(", ", values)} (column {pos + 1})");
    }

    public static string Name(ExprType t) => t switch
    {
        ExprType.Bool => "bool",
        ExprType.Number => "number",
        ExprType.String => "string",
        ExprType.Date => "date",
        ExprType.List => "list",
        ExprType.Array => "array",
        ExprType.Object => "object",
        _ => "null",
    };

    private static LinqExpr Call(string method, params LinqExpr[] args) =>
        LinqExpr.Call(typeof(Ops).GetMethod(method, BindingFlags.Public | BindingFlags.Static)!, args);
}

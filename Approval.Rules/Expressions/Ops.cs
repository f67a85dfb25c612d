using System.Text.Json;
using Approval.Rules.Identifiers;

namespace Approval.Rules.Expressions;

/// <summary>
/// The operators of the rule language, three-valued: any operand missing makes the result missing,
/// except <c>and</c> (false wins) and <c>or</c> (true wins). Called from the compiled expression trees.
/// </summary>
internal static class Ops
{
    public static Value Not(Value a) => a.Kind == ValueKind.Bool ? Value.Bool(a.Num == 0) : Value.Missing;

    /// <summary>Kleene and: false if either is false, else missing if either is missing. Both sides are evaluated (no side effects).</summary>
    public static Value And(Value a, Value b) =>
        a.IsFalse || b.IsFalse ? Value.False : a.IsMissing || b.IsMissing ? Value.Missing : Value.True;

    /// <summary>Kleene or: true if either is true, else missing if either is missing.</summary>
    public static Value Or(Value a, Value b) =>
        a.IsTrue || b.IsTrue ? Value.True : a.IsMissing || b.IsMissing ? Value.Missing : Value.False;

    public static Value Eq(Value a, Value b) => a.IsMissing || b.IsMissing ? Value.Missing : Value.Bool(a.Equals(b));
    public static Value Ne(Value a, Value b) => a.IsMissing || b.IsMissing ? Value.Missing : Value.Bool(!a.Equals(b));

    public static Value Lt(Value a, Value b) => Cmp(a, b, c => c < 0);
    public static Value Le(Value a, Value b) => Cmp(a, b, c => c <= 0);
    public static Value Gt(Value a, Value b) => Cmp(a, b, c => c > 0);
    public static Value Ge(Value a, Value b) => Cmp(a, b, c => c >= 0);

    private static Value Cmp(Value a, Value b, Func<int, bool> test) =>
        a.IsMissing || b.IsMissing ? Value.Missing
        : a.Kind == ValueKind.String ? Value.Bool(test(string.CompareOrdinal(a.Str, b.Str)))
        : Value.Bool(test(a.Num.CompareTo(b.Num)));

    public static Value Add(Value a, Value b) => a.IsMissing || b.IsMissing ? Value.Missing : Value.Number(a.Num + b.Num);
    public static Value Sub(Value a, Value b) => a.IsMissing || b.IsMissing ? Value.Missing : Value.Number(a.Num - b.Num);
    public static Value Mul(Value a, Value b) => a.IsMissing || b.IsMissing ? Value.Missing : Value.Number(a.Num * b.Num);
    public static Value Div(Value a, Value b) =>
        a.IsMissing || b.IsMissing || b.Num == 0 ? Value.Missing : Value.Number(a.Num / b.Num);
    public static Value Neg(Value a) => a.IsMissing ? Value.Missing : Value.Number(-a.Num);

    public static Value In(Value a, Value list)
    {
        if (a.IsMissing || list.IsMissing) return Value.Missing;
        var items = list.Items;
        for (var i = 0; i < items.Count; i++)
            if (string.Equals(items[i], a.Str, StringComparison.Ordinal)) return Value.True;
        return Value.False;
    }

    public static Value InValues(Value a, Value[] list)
    {
        if (a.IsMissing) return Value.Missing;
        foreach (var v in list)
            if (a.Equals(v)) return Value.True;
        return Value.False;
    }

    public static Value Has(Value a) => Value.Bool(!a.IsMissing);
    public static Value IsMissing(Value a) => Value.Bool(a.IsMissing);

    public static Value Coalesce(Value a, Value b) => a.IsMissing ? b : a;

    public static Value If(Value c, Value a, Value b) => c.IsMissing ? Value.Missing : c.IsTrue ? a : b;

    public static Value BirthDateOf(Value id) =>
        id.Kind == ValueKind.String && ChineseId.TryGetBirthDate(id.Str, out var d) ? Value.Date(d) : Value.Missing;

    public static Value SexOf(Value id) =>
        id.Kind == ValueKind.String && ChineseId.IsMale(id.Str) is { } male ? Value.String(male ? "male" : "female") : Value.Missing;

    public static Value YearsBetween(Value from, Value to) =>
        from.IsMissing || to.IsMissing ? Value.Missing : Value.Number(ChineseId.AgeOn(from.AsDate, to.AsDate));

    public static Value Mask(Value s)
    {
        if (s.Kind != ValueKind.String) return s;
        var t = s.Str;
        return t.Length <= 8 ? Value.String(new string('*', t.Length)) : Value.String(t[..4] + new string('*', t.Length - 8) + t[^4..]);
    }

    public static Value Count(Value arr) => arr.IsMissing ? Value.Missing : Value.Number(arr.Json.GetArrayLength());

    public static Value Any(EvalContext ctx, Value arr, int predicate)
    {
        if (arr.IsMissing) return Value.Missing;
        var sawMissing = false;
        var saved = ctx.It;
        try
        {
            foreach (var e in arr.Json.EnumerateArray())
            {
                ctx.It = e;
                var r = ctx.Eval(predicate);
                if (r.IsTrue) return Value.True;
                if (r.IsMissing) sawMissing = true;
            }
        }
        finally { ctx.It = saved; }
        return sawMissing ? Value.Missing : Value.False;
    }

    public static Value Sum(EvalContext ctx, Value arr, int selector)
    {
        if (arr.IsMissing) return Value.Missing;
        var total = 0m;
        var saved = ctx.It;
        try
        {
            foreach (var e in arr.Json.EnumerateArray())
            {
                ctx.It = e;
                var r = ctx.Eval(selector);
                if (r.IsMissing) return Value.Missing;
                total += r.Num;
            }
        }
        finally { ctx.It = saved; }
        return Value.Number(total);
    }

    /// <summary>Reads <c>it.a.b</c> inside <c>any</c>/<c>sum</c>.</summary>
    public static Value ItPath(EvalContext ctx, byte[][] segments, ExprType type) =>
        ctx.It is { } it ? Json.Read(it, segments, type) : Value.Missing;
}

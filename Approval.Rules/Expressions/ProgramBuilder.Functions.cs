using System.Globalization;
using LinqExpr = System.Linq.Expressions.Expression;

namespace Approval.Rules.Expressions;

/// <summary>The functions of the rule language.</summary>
internal sealed partial class ProgramBuilder
{
    private Bound BindCall(Call c, HashSet<int> reads, IReadOnlyDictionary<string, FieldInfo>? it)
    {
        Bound Arg(int i, ExprType type)
        {
            var a = Bind(c.Args[i], reads, it);
            Expect(a, type, $"argument {i + 1} of {c.Function}()", c.Args[i].Pos);
            return a;
        }
        void Arity(int min, int max)
        {
            if (c.Args.Count < min || c.Args.Count > max)
                throw new ExpressionException($"{c.Function}() takes {(min == max ? min.ToString(CultureInfo.InvariantCulture) : $"{min} to {max}")} argument(s), got {c.Args.Count}");
        }
        switch (c.Function)
        {
            case "has" or "isMissing":
                Arity(1, 1);
                var a = Bind(c.Args[0], reads, it);
                return new Bound(Call(c.Function == "has" ? nameof(Ops.Has) : nameof(Ops.IsMissing), a.Expr), ExprType.Bool);
            case "coalesce":
                Arity(2, 8);
                var parts = c.Args.Select(x => Bind(x, reads, it)).ToList();
                var type = parts.Select(p => p.Type).FirstOrDefault(t => t != ExprType.Null, ExprType.Null);
                if (parts.Any(p => p.Type != type && p.Type != ExprType.Null))
                    throw new ExpressionException($"coalesce() arguments must have one type (column {c.Pos + 1})");
                var e = parts[^1].Expr;
                for (var i = parts.Count - 2; i >= 0; i--) e = Call(nameof(Ops.Coalesce), parts[i].Expr, e);
                return new Bound(e, type, parts.Select(p => p.EnumValues).FirstOrDefault(v => v is not null));
            case "if":
                Arity(3, 3);
                var cond = Arg(0, ExprType.Bool);
                var x1 = Bind(c.Args[1], reads, it);
                var x2 = Arg(2, x1.Type);
                return new Bound(Call(nameof(Ops.If), cond.Expr, x1.Expr, x2.Expr), x1.Type, x1.EnumValues);
            case "date":
                Arity(1, 1);
                if (c.Args[0] is not Literal { Type: ExprType.String } s
                    || !DateOnly.TryParseExact(s.Value.Str, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    throw new ExpressionException($"date() takes a literal like '2026-01-01' (column {c.Pos + 1})");
                return new Bound(LinqExpr.Constant(Value.Date(d)), ExprType.Date, null, Value.Date(d));
            case "param":
                Arity(1, 1);
                if (c.Args[0] is not Literal { Type: ExprType.String } pn)
                    throw new ExpressionException($"param() takes a literal parameter name (column {c.Pos + 1})");
                return BindPath("param." + pn.Value.Str, c.Pos, reads, it);
            case "birthDateOf":
                Arity(1, 1);
                return new Bound(Call(nameof(Ops.BirthDateOf), Arg(0, ExprType.String).Expr), ExprType.Date);
            case "sexOf":
                Arity(1, 1);
                return new Bound(Call(nameof(Ops.SexOf), Arg(0, ExprType.String).Expr), ExprType.String, ["male", "female"]);
            case "ageOn":
                Arity(1, 2);
                var birth = Arg(0, ExprType.Date);
                var on = c.Args.Count == 2 ? Arg(1, ExprType.Date).Expr : LinqExpr.Property(_ctx, nameof(EvalContext.AsOfValue));
                return new Bound(Call(nameof(Ops.YearsBetween), birth.Expr, on), ExprType.Number);
            case "age":
                Arity(1, 1);
                return new Bound(Call(nameof(Ops.YearsBetween), Call(nameof(Ops.BirthDateOf), Arg(0, ExprType.String).Expr),
                    LinqExpr.Property(_ctx, nameof(EvalContext.AsOfValue))), ExprType.Number);
            case "yearsBetween":
                Arity(2, 2);
                return new Bound(Call(nameof(Ops.YearsBetween), Arg(0, ExprType.Date).Expr, Arg(1, ExprType.Date).Expr), ExprType.Number);
            case "mask":
                Arity(1, 1);
                return new Bound(Call(nameof(Ops.Mask), Arg(0, ExprType.String).Expr), ExprType.String);
            case "count":
                Arity(1, 1);
                return new Bound(Call(nameof(Ops.Count), Arg(0, ExprType.Array).Expr), ExprType.Number);
            case "any" or "sum":
                Arity(2, 2);
                var arr = Arg(0, ExprType.Array);
                var fields = c.Args[0] is PathRef ap && _form.TryGetValue(ap.Path, out var af) ? af.ItemFields : null;
                if (fields is null) throw new ExpressionException($"{c.Function}() needs an array fact as its first argument (column {c.Pos + 1})");
                var inner = Bind(c.Args[1], reads, fields);
                Expect(inner, c.Function == "any" ? ExprType.Bool : ExprType.Number, $"argument 2 of {c.Function}()", c.Args[1].Pos);
                var idx = Register(inner.Expr);
                return new Bound(Call(c.Function == "any" ? nameof(Ops.Any) : nameof(Ops.Sum), _ctx, arr.Expr, LinqExpr.Constant(idx)),
                    c.Function == "any" ? ExprType.Bool : ExprType.Number);
            default:
                throw new ExpressionException($"unknown function '{c.Function}' (column {c.Pos + 1})");
        }
    }

}

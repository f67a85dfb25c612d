namespace Approval.Rules.Expressions;

/// <summary>
/// Recursive descent: or → and → not → comparison (== != &lt; &lt;= &gt; &gt;= in) → additive → multiplicative → unary → primary.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _t;
    private int _i;

    private Parser(string text) => _t = Lexer.Tokenize(text);

    public static Node Parse(string text)
    {
        var p = new Parser(text);
        var n = p.Or();
        if (p.Peek.Kind != Tok.End) throw new ExpressionException($"unexpected '{p.Peek.Text}' at column {p.Peek.Pos + 1}");
        return n;
    }

    private Token Peek => _t[_i];
    private Token Next() => _t[_i++];
    private bool IsWord(string w) => Peek.Kind == Tok.Ident && Peek.Text == w;
    private bool IsOp(string op) => Peek.Kind == Tok.Op && Peek.Text == op;

    private Token Expect(Tok kind, string what)
    {
        if (Peek.Kind != kind) throw new ExpressionException($"expected {what} at column {Peek.Pos + 1}, found '{(Peek.Kind == Tok.End ? "end" : Peek.Text)}'");
        return Next();
    }

    private Node Or()
    {
        var left = And();
        while (IsWord("or") || IsOp("||")) { var t = Next(); left = new Binary("or", left, And(), t.Pos); }
        return left;
    }

    private Node And()
    {
        var left = Not();
        while (IsWord("and") || IsOp("&&")) { var t = Next(); left = new Binary("and", left, Not(), t.Pos); }
        return left;
    }

    private Node Not()
    {
        if (IsWord("not") || IsOp("!")) { var t = Next(); return new Unary("not", Not(), t.Pos); }
        return Comparison();
    }

    private Node Comparison()
    {
        var left = Additive();
        if (Peek.Kind == Tok.Op && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            var t = Next();
            return new Binary(t.Text, left, Additive(), t.Pos);
        }
        if (IsWord("in")) { var t = Next(); return new Binary("in", left, Additive(), t.Pos); }
        if (IsWord("not") && _t[_i + 1] is { Kind: Tok.Ident, Text: "in" })
        {
            var t = Next(); Next();
            return new Unary("not", new Binary("in", left, Additive(), t.Pos), t.Pos);
        }
        return left;
    }

    private Node Additive()
    {
        var left = Multiplicative();
        while (IsOp("+") || IsOp("-")) { var t = Next(); left = new Binary(t.Text, left, Multiplicative(), t.Pos); }
        return left;
    }

    private Node Multiplicative()
    {
        var left = UnaryMinus();
        while (IsOp("*") || IsOp("/")) { var t = Next(); left = new Binary(t.Text, left, UnaryMinus(), t.Pos); }
        return left;
    }

    private Node UnaryMinus()
    {
        if (IsOp("-")) { var t = Next(); return new Unary("-", UnaryMinus(), t.Pos); }
        return Primary();
    }

    private Node Primary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case Tok.Number: return new Literal(Value.Number(t.Number), ExprType.Number, t.Pos);
            case Tok.String: return new Literal(Value.String(t.Text), ExprType.String, t.Pos);
            case Tok.LParen:
                var inner = Or();
                Expect(Tok.RParen, "')'");
                return inner;
            case Tok.LBracket:
                var items = new List<Node>();
                if (Peek.Kind != Tok.RBracket)
                    do items.Add(Or()); while (Peek.Kind == Tok.Comma && Next().Kind == Tok.Comma);
                Expect(Tok.RBracket, "']'");
                return new ListLiteral(items, t.Pos);
            case Tok.Ident:
                if (t.Text is "true" or "false") return new Literal(Value.Bool(t.Text == "true"), ExprType.Bool, t.Pos);
                if (t.Text == "null") return new Literal(Value.Missing, ExprType.Null, t.Pos);
                if (Peek.Kind == Tok.LParen)
                {
                    Next();
                    var args = new List<Node>();
                    if (Peek.Kind != Tok.RParen)
                        do args.Add(Or()); while (Peek.Kind == Tok.Comma && Next().Kind == Tok.Comma);
                    Expect(Tok.RParen, "')'");
                    return new Call(t.Text, args, t.Pos);
                }
                var path = t.Text;
                while (Peek.Kind == Tok.Dot)
                {
                    Next();
                    path += "." + Expect(Tok.Ident, "a name after '.'").Text;
                }
                return new PathRef(path, t.Pos);
            default:
                throw new ExpressionException($"unexpected '{(t.Kind == Tok.End ? "end" : t.Text)}' at column {t.Pos + 1}");
        }
    }
}

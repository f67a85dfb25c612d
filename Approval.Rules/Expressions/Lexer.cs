using System.Globalization;

namespace Approval.Rules.Expressions;

internal enum Tok { Ident, Number, String, LParen, RParen, LBracket, RBracket, Comma, Dot, Op, End }

internal readonly record struct Token(Tok Kind, string Text, int Pos, decimal Number = 0);

/// <summary>Thrown by the lexer, parser and binder; the rule loader turns it into a <see cref="Yaml.DefinitionException"/>.</summary>
internal sealed class ExpressionException(string message) : Exception(message);

internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))) i++;
                var s = text[start..i];
                tokens.Add(new Token(Tok.Number, s, start, decimal.Parse(s, CultureInfo.InvariantCulture)));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(Tok.Ident, text[start..i], start));
            }
            else if (c is '\'' or '"')
            {
                i++;
                while (i < text.Length && text[i] != c) i++;
                if (i >= text.Length) throw new ExpressionException($"unterminated string starting at column {start + 1}");
                tokens.Add(new Token(Tok.String, text[(start + 1)..i], start));
                i++;
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(new Token(Tok.Op, two, start));
                    i += 2;
                    continue;
                }
                var kind = c switch
                {
                    '(' => Tok.LParen, ')' => Tok.RParen, '[' => Tok.LBracket, ']' => Tok.RBracket,
                    ',' => Tok.Comma, '.' => Tok.Dot,
                    '<' or '>' or '+' or '-' or '*' or '/' or '!' => Tok.Op,
                    _ => throw new ExpressionException($"unexpected character '{c}' at column {i + 1}"),
                };
                tokens.Add(new Token(kind, c.ToString(), start));
                i++;
            }
        }
        tokens.Add(new Token(Tok.End, "", text.Length));
        return tokens;
    }
}

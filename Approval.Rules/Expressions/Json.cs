using System.Globalization;
using System.Text.Json;

namespace Approval.Rules.Expressions;

internal static class Json
{
    /// <summary>Reads a nested property as the declared type; null, absent or of another JSON kind is missing.</summary>
    /// <summary>A dotted path as UTF-8 property names, so that look-ups need no transcoding.</summary>
    public static byte[][] Segments(string path) => path.Split('.').Select(System.Text.Encoding.UTF8.GetBytes).ToArray();

    public static Value Read(JsonElement root, byte[][] segments, ExprType type)
    {
        var e = root;
        foreach (var s in segments)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(s, out e)) return Value.Missing;
        }
        return Convert(e, type);
    }

    public static Value Convert(JsonElement e, ExprType type) => (type, e.ValueKind) switch
    {
        (ExprType.Bool, JsonValueKind.True) => Value.True,
        (ExprType.Bool, JsonValueKind.False) => Value.False,
        (ExprType.Number, JsonValueKind.Number) => e.TryGetDecimal(out var d) ? Value.Number(d) : Value.Missing,
        (ExprType.String, JsonValueKind.String) => Value.String(e.GetString()),
        (ExprType.Date, JsonValueKind.String) =>
            DateOnly.TryParseExact(e.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? Value.Date(day) : Value.Missing,
        (ExprType.List, JsonValueKind.Array) => Value.List(e.EnumerateArray().Select(x => x.ToString()).ToArray()),
        (ExprType.Array, JsonValueKind.Array) => Value.Array(e),
        (ExprType.Object, JsonValueKind.Object) => Value.PresentObject,
        _ => Value.Missing,
    };
}

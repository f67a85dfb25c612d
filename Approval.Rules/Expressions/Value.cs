using System.Globalization;
using System.Text.Json;

namespace Approval.Rules.Expressions;

internal enum ValueKind : byte { Missing, Bool, Number, String, Date, List, Array, Object }

/// <summary>A fact or expression value. <see cref="ValueKind.Missing"/> is the third truth value: unknown.</summary>
internal readonly struct Value : IEquatable<Value>
{
    public readonly ValueKind Kind;
    public readonly decimal Num;
    public readonly object? Obj;

    private Value(ValueKind kind, decimal num, object? obj) => (Kind, Num, Obj) = (kind, num, obj);

    public static readonly Value Missing = default;
    public static readonly Value True = new(ValueKind.Bool, 1, null);
    public static readonly Value False = new(ValueKind.Bool, 0, null);
    public static readonly Value PresentObject = new(ValueKind.Object, 0, null);

    public static Value Bool(bool b) => b ? True : False;
    public static Value Number(decimal d) => new(ValueKind.Number, d, null);
    public static Value String(string? s) => s is null ? Missing : new(ValueKind.String, 0, s);
    public static Value Date(DateOnly d) => new(ValueKind.Date, d.DayNumber, null);
    public static Value List(IReadOnlyList<string> items) => new(ValueKind.List, 0, items);
    public static Value Array(JsonElement array) => new(ValueKind.Array, 0, array);

    public bool IsMissing => Kind == ValueKind.Missing;
    public bool IsTrue => Kind == ValueKind.Bool && Num != 0;
    public bool IsFalse => Kind == ValueKind.Bool && Num == 0;
    public string Str => (string)Obj!;
    public DateOnly AsDate => DateOnly.FromDayNumber((int)Num);
    public IReadOnlyList<string> Items => (IReadOnlyList<string>)Obj!;
    public JsonElement Json => (JsonElement)Obj!;

    public bool Equals(Value other) => Kind == other.Kind && Kind switch
    {
        ValueKind.String => string.Equals(Str, other.Str, StringComparison.Ordinal),
        ValueKind.List => Items.SequenceEqual(other.Items),
        ValueKind.Array => ReferenceEquals(Obj, other.Obj),
        _ => Num == other.Num,
    };

    public override bool Equals(object? obj) => obj is Value v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Kind, Num, Obj);

    /// <summary>How a value is shown in messages and explanations.</summary>
    public override string ToString() => Kind switch
    {
        ValueKind.Missing => "(missing)",
        ValueKind.Bool => Num != 0 ? "true" : "false",
        ValueKind.Number => Num == decimal.Truncate(Num) && Math.Abs(Num) < long.MaxValue
            ? ((long)Num).ToString(CultureInfo.InvariantCulture)
            : Num.ToString("0.##########", CultureInfo.InvariantCulture),
        ValueKind.String => Str,
        ValueKind.Date => AsDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ValueKind.List => "[" + string.Join(", ", Items) + "]",
        ValueKind.Array => $"[{Json.GetArrayLength()} items]",
        _ => "(present)",
    };

    public object? ToObject() => Kind switch
    {
        ValueKind.Missing => null,
        ValueKind.Bool => Num != 0,
        ValueKind.Number => Num,
        ValueKind.String => Str,
        ValueKind.Date => AsDate,
        ValueKind.List => Items,
        _ => ToString(),
    };
}

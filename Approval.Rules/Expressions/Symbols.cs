namespace Approval.Rules.Expressions;

/// <summary>A form field as the expression language sees it.</summary>
internal sealed record FieldInfo(string Path, ExprType Type, IReadOnlyList<string>? EnumValues, IReadOnlyDictionary<string, FieldInfo>? ItemFields);

internal enum SlotKind { Form, Shared, Param, Derived, Intermediate, Outcome }

/// <summary>
/// A value the working memory holds: loaded lazily from the facts (form, shared, parameters), computed once from them
/// (derived facts that read no rule conclusion, <see cref="Expression"/>), or written by rules.
/// </summary>
internal sealed record SlotInfo(SlotKind Kind, string Name, ExprType Type, IReadOnlyList<string>? EnumValues, byte[][]? Segments, ParamDef? Param, int Expression = -1);

/// <summary>A parameter with dated values; the value in force on a date is the last one whose <c>from</c> is not after it.</summary>
internal sealed record ParamDef(string Name, ExprType Type, IReadOnlyList<(DateOnly From, Value Value)> Values)
{
    public Value At(DateOnly asOf)
    {
        var v = Value.Missing;
        foreach (var (from, value) in Values)
        {
            if (from > asOf) break;
            v = value;
        }
        return v;
    }
}

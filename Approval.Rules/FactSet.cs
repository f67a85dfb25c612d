using System.Collections;
using System.Text.Json;
using Approval.Rules.Expressions;

namespace Approval.Rules;

/// <summary>
/// One applicant's facts: the validated one-form JSON object and shared-data facts by dotted path
/// (<c>shared.civilAffairs.dibao</c>; values bool, string, int/long, decimal, DateOnly or a list of strings; absent = no data).
/// The facts are read during <see cref="BundleRules.Assess"/>: keep their <see cref="JsonDocument"/> alive until then.
/// </summary>
public sealed class FactSet
{
    private static readonly IReadOnlyDictionary<string, object?> NoShared = new Dictionary<string, object?>();

    private readonly JsonElement _form;
    private readonly IReadOnlyDictionary<string, object?> _shared;

    private FactSet(JsonElement form, IReadOnlyDictionary<string, object?> shared) => (_form, _shared) = (form, shared);

    public static FactSet From(JsonElement facts, IReadOnlyDictionary<string, object?>? shared = null)
    {
        if (facts.ValueKind != JsonValueKind.Object) throw new ArgumentException("facts must be a JSON object", nameof(facts));
        return new FactSet(facts, shared ?? NoShared);
    }

    internal Value Form(byte[][] segments, ExprType type) => Json.Read(_form, segments, type);

    internal Value Shared(string path, ExprType type)
    {
        if (!_shared.TryGetValue(path, out var v) || v is null) return Value.Missing;
        return (type, v) switch
        {
            (ExprType.Bool, bool b) => Value.Bool(b),
            (ExprType.String, string s) => Value.String(s),
            (ExprType.Number, int i) => Value.Number(i),
            (ExprType.Number, long l) => Value.Number(l),
            (ExprType.Number, decimal d) => Value.Number(d),
            (ExprType.Number, double d) => Value.Number((decimal)d),
            (ExprType.Date, DateOnly d) => Value.Date(d),
            (ExprType.List, IReadOnlyList<string> l) => Value.List(l),
            (ExprType.List, IEnumerable e) => Value.List(e.Cast<object?>().Select(x => x?.ToString() ?? "").ToArray()),
            _ => throw new ArgumentException($"shared fact '{path}' must be a {ProgramBuilder.Name(type)}, got {v.GetType().Name}"),
        };
    }
}

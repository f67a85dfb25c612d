namespace Approval.Rules.Engine;

/// <summary>
/// A compiled production rule, free of any domain meaning: a condition over slots, the slots it reads and
/// the assignments evaluated when it fires. Domain conclusions hang off <see cref="Payload"/>.
/// </summary>
internal sealed record Rule(
    string Id,
    int Priority,
    int Order,
    int Line,
    string ConditionText,
    int Condition,
    int[] Reads,
    Assignment[] Assignments,
    (string Path, int Expression)[] Shown,
    (int Slot, int Rank, int Outcome)[] OutcomeClaims,
    object? Payload);

/// <summary>An intermediate fact asserted by a rule: slot ← expression, index into the assigned-value table.</summary>
internal sealed record Assignment(int Slot, int Expression, int Index);

/// <summary>Computes a written slot's value from the rules that are active now (truth maintenance).</summary>
internal abstract class SlotResolver
{
    public abstract Expressions.Value Resolve(Expressions.EvalContext ctx);
}

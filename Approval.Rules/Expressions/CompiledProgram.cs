namespace Approval.Rules.Expressions;

/// <summary>Every expression of a rule set as (delegate of a group of expressions, case) by index, plus the slot table.</summary>
internal sealed class CompiledProgram(IReadOnlyList<SlotInfo> slots, (Func<EvalContext, int, Value> Group, int Case)[] table)
{
    public IReadOnlyList<SlotInfo> Slots { get; } = slots;

    public Value Eval(EvalContext ctx, int expression)
    {
        var (group, index) = table[expression];
        return group(ctx, index);
    }

    public Value LoadSlot(EvalContext ctx, int slot)
    {
        var s = Slots[slot];
        return s.Kind switch
        {
            SlotKind.Form => ctx.Facts.Form(s.Segments!, s.Type),
            SlotKind.Shared => ctx.Facts.Shared(s.Name, s.Type),
            SlotKind.Param => s.Param!.At(ctx.AsOf),
            SlotKind.Derived => ctx.Eval(s.Expression),
            _ => Value.Missing,
        };
    }
}

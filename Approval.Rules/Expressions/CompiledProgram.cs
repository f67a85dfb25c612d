namespace Approval.Rules.Expressions;

/// <summary>Every expression of a rule set compiled into one delegate (a switch on the expression index), plus the slot table.</summary>
internal sealed class CompiledProgram(IReadOnlyList<SlotInfo> slots, Func<EvalContext, int, Value> eval)
{
    public IReadOnlyList<SlotInfo> Slots { get; } = slots;

    public Value Eval(EvalContext ctx, int expression) => eval(ctx, expression);

    public Value LoadSlot(EvalContext ctx, int slot)
    {
        var s = Slots[slot];
        return s.Kind switch
        {
            SlotKind.Form => ctx.Facts.Form(s.Segments!, s.Type),
            SlotKind.Shared => ctx.Facts.Shared(s.Name, s.Type),
            SlotKind.Param => s.Param!.At(ctx.AsOf),
            _ => Value.Missing,
        };
    }
}

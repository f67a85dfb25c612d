using Approval.Rules.Expressions;

namespace Approval.Rules.Engine;

/// <summary>
/// The applicant as one fact: the form, shared data, parameters and derived facts behind the expression context, with
/// the run's slot facts and which rule claims which value for them (<see cref="NRulesNetwork"/>).
/// </summary>
internal sealed class ApplicantFact(EvalContext context, SlotFact[] slots, int claims)
{
    public EvalContext Context { get; } = context;
    public SlotFact[] Slots { get; } = slots;
    public bool[] Claimed { get; } = new bool[claims];
    public Value[] ClaimValues { get; } = new Value[claims];
}

/// <summary>
/// The resolved value of an intermediate fact or of an item's outcome that other rules read: always present (missing
/// is a value), kept equal to the winning claim of the rules whose match stands.
/// </summary>
internal sealed class SlotFact(int slot)
{
    public int Slot { get; } = slot;
    public Value Value { get; set; }
}

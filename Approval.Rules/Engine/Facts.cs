using Approval.Rules.Expressions;

namespace Approval.Rules.Engine;

/// <summary>The applicant as one fact: the form, shared data, parameters and derived facts behind the expression context.</summary>
internal sealed class ApplicantFact(EvalContext context)
{
    public EvalContext Context { get; } = context;
}

/// <summary>
/// The resolved value of an intermediate fact or of an item's outcome that other rules read: always present (missing
/// is a value), kept equal to what the active claims say by the slot's resolver rule.
/// </summary>
internal sealed class SlotFact(int slot, EvalContext context)
{
    public int Slot { get; } = slot;
    public Value Value { get; set; }
    public EvalContext Context { get; } = context;
}

/// <summary>A linked fact: an active rule claims a value for a slot (an outcome for an item, or an assignment).</summary>
internal sealed class ClaimFact(int slot, int rule, int priority, int rank, Value value)
{
    public int Slot { get; } = slot;
    public int Rule { get; } = rule;
    public int Priority { get; } = priority;
    public int Rank { get; } = rank;
    public Value Value { get; set; } = value;

    /// <summary>Outcomes: higher priority, then precedence rank; assignments (rank 0): the earlier rule in agenda order.</summary>
    public bool Beats(ClaimFact other) =>
        Priority != other.Priority ? Priority > other.Priority
        : Rank != other.Rank ? Rank > other.Rank
        : Rule < other.Rule;
}

/// <summary>A linked fact: the rule's conclusions (outcomes, notes, materials, waivers) hold while its match holds.</summary>
internal sealed class ConclusionFact(int rule)
{
    public int Rule { get; } = rule;
}

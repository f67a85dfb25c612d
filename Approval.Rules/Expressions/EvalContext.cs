using System.Text.Json;

namespace Approval.Rules.Expressions;

/// <summary>
/// The working memory of one evaluation: lazily loaded fact slots plus the engine's per-rule state.
/// Owned by one thread at a time; <see cref="Engine.NRulesNetwork"/> reuses one per thread.
/// </summary>
internal sealed class EvalContext
{
    private readonly CompiledProgram _program;
    public readonly Value[] Slots;
    private readonly bool[] _loaded;

    public FactSet Facts = null!;
    public DateOnly AsOf;
    public JsonElement? It;

    public readonly bool[] Active;
    public readonly int[] Fired;
    public readonly Value[] Assigned;
    public List<TraceEntry>? Trace;
    public bool InUse;

    /// <summary>The engine's reusable state for this context (the NRules session kept between assessments).</summary>
    public object? Engine;

    public EvalContext(CompiledProgram program, int ruleCount, int assignmentCount)
    {
        _program = program;
        Slots = new Value[program.Slots.Count];
        _loaded = new bool[Slots.Length];
        Active = new bool[ruleCount];
        Fired = new int[ruleCount];
        Assigned = new Value[assignmentCount];
    }

    public void Reset(FactSet facts, DateOnly asOf, bool trace)
    {
        Facts = facts;
        AsOf = asOf;
        It = null;
        Array.Clear(Slots);
        Array.Clear(_loaded);
        Array.Clear(Active);
        Array.Clear(Fired);
        Array.Clear(Assigned);
        Trace = trace ? [] : null;
        for (var i = 0; i < Slots.Length; i++)
            if (_program.Slots[i].Kind is SlotKind.Intermediate or SlotKind.Outcome) _loaded[i] = true;
    }

    public Value AsOfValue => Value.Date(AsOf);

    public Value Load(int slot)
    {
        if (!_loaded[slot])
        {
            Slots[slot] = _program.LoadSlot(this, slot);
            _loaded[slot] = true;
        }
        return Slots[slot];
    }

    public void Write(int slot, Value v) => Slots[slot] = v;

    public Value Eval(int expression) => _program.Eval(this, expression);
}

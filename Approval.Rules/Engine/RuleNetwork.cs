using Approval.Rules.Expressions;

namespace Approval.Rules.Engine;

/// <summary>
/// Forward chaining to a fixpoint. Rules are kept in agenda order (priority descending, then declaration order).
/// Each cycle re-evaluates the rules whose inputs changed, then fires the first rule whose condition holds and
/// that is not already active (refraction: a rule fires once per match; a match is renewed only when a slot it reads
/// changes). Conclusions are logical: a rule whose inputs change is retracted, and what it wrote is recomputed from
/// the rules still active. A rule set that keeps changing its own inputs hits <see cref="MaxCycles"/>.
/// </summary>
internal sealed class RuleNetwork
{
    private readonly Rule[] _rules;
    private readonly int[][] _readers;
    private readonly SlotResolver?[] _resolvers;
    private readonly CompiledProgram _program;
    private readonly int _assignments;

    /// <summary>One reusable working memory per thread and network; weak keys so that replaced rule sets are collected.</summary>
    [ThreadStatic] private static System.Runtime.CompilerServices.ConditionalWeakTable<RuleNetwork, EvalContext>? t_contexts;

    public RuleNetwork(CompiledProgram program, IReadOnlyList<Rule> rules, IReadOnlyDictionary<int, SlotResolver> resolvers)
    {
        _program = program;
        _rules = rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Order).ToArray();
        var readers = new List<int>[program.Slots.Count];
        for (var i = 0; i < _rules.Length; i++)
            foreach (var s in _rules[i].Reads)
                (readers[s] ??= []).Add(i);
        _readers = readers.Select(r => r?.ToArray() ?? []).ToArray();
        _resolvers = new SlotResolver?[program.Slots.Count];
        foreach (var (slot, resolver) in resolvers) _resolvers[slot] = resolver;
        _assignments = _rules.Sum(r => r.Assignments.Length);
        MaxCycles = 100 + 10 * _rules.Length;
    }

    /// <summary>Rules in agenda order; indices into the context's per-rule arrays.</summary>
    public IReadOnlyList<Rule> Rules => _rules;

    public int MaxCycles { get; init; }

    public EvalContext Rent()
    {
        var map = t_contexts ??= new();
        if (map.TryGetValue(this, out var ctx) && !ctx.InUse)
        {
            ctx.InUse = true;
            return ctx;
        }
        var fresh = new EvalContext(_program, _rules.Length, _assignments) { InUse = true };
        if (ctx is null) map.AddOrUpdate(this, fresh);
        return fresh;
    }

    public static void Return(EvalContext ctx) => ctx.InUse = false;

    public void Run(EvalContext ctx)
    {
        var cycles = 0;
        var scanFrom = 0;
        while (true)
        {
            while (ctx.DirtyCount > 0)
            {
                for (var i = 0; i < _rules.Length && ctx.DirtyCount > 0; i++)
                {
                    if (!ctx.Dirty[i]) continue;
                    ctx.Dirty[i] = false;
                    ctx.DirtyCount--;
                    if (i < scanFrom) scanFrom = i;
                    if (ctx.Active[i])
                    {
                        ctx.Active[i] = false;
                        Note(ctx, i, "retracted");
                        Count(ctx, ref cycles, i);
                        Propagate(ctx, i);
                    }
                    ctx.Holds[i] = ctx.Eval(_rules[i].Condition).IsTrue;
                }
            }

            var next = -1;
            for (var i = scanFrom; i < _rules.Length; i++)
            {
                if (!ctx.Active[i] && ctx.Holds[i]) { next = i; break; }
            }
            if (next < 0) return;
            scanFrom = next;

            var rule = _rules[next];
            foreach (var a in rule.Assignments) ctx.Assigned[a.Index] = ctx.Eval(a.Expression);
            ctx.Active[next] = true;
            Note(ctx, next, "fired");
            Count(ctx, ref cycles, next);
            Propagate(ctx, next);
        }
    }

    private void Count(EvalContext ctx, ref int cycles, int rule)
    {
        ctx.Fired[rule]++;
        if (++cycles <= MaxCycles) return;
        var looping = Enumerable.Range(0, _rules.Length).Where(i => ctx.Fired[i] > 1)
            .OrderByDescending(i => ctx.Fired[i]).Select(i => _rules[i].Id).ToList();
        throw new RuleEvaluationException(
            $"the rule set did not reach a fixpoint within {MaxCycles} cycles; rules still firing: {string.Join(", ", looping.Select(id => $"{id} ({ctx.Fired[Array.FindIndex(_rules, r => r.Id == id)]}×)"))}",
            looping);
    }

    private void Propagate(EvalContext ctx, int rule)
    {
        foreach (var slot in _rules[rule].Writes)
        {
            var resolver = _resolvers[slot];
            if (resolver is null) continue;
            var value = resolver.Resolve(ctx);
            if (value.Equals(ctx.Slots[slot])) continue;
            ctx.Write(slot, value);
            foreach (var reader in _readers[slot])
            {
                if (ctx.Dirty[reader]) continue;
                ctx.Dirty[reader] = true;
                ctx.DirtyCount++;
            }
        }
    }

    private void Note(EvalContext ctx, int rule, string what)
    {
        if (ctx.Trace is null) return;
        var r = _rules[rule];
        ctx.Trace.Add(new TraceEntry(ctx.Trace.Count + 1, r.Id, what,
            r.Shown.Select(s => new FactValue(s.Path, ctx.Eval(s.Expression).ToString())).ToArray()));
    }
}

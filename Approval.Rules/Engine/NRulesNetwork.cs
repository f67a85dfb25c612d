using Approval.Rules.Expressions;
using NRules;
using NRules.Diagnostics;
using NRules.RuleModel;
using NRules.RuleModel.Builders;
using LinqExpr = System.Linq.Expressions.Expression;
using ParamExpr = System.Linq.Expressions.ParameterExpression;

namespace Approval.Rules.Engine;

/// <summary>
/// The rule set as NRules rules, compiled once into a shared <see cref="ISessionFactory"/>; each assessment runs in a
/// session kept by its thread and emptied afterwards (see <see cref="Worker"/>).
/// Each rule matches the <see cref="ApplicantFact"/> (its condition is an alpha condition calling the compiled
/// expression) and, when it reads an intermediate fact or an item's outcome, that slot's <see cref="SlotFact"/>
/// (a join). A rule's actions are tied to NRules' activation triggers: when its match is created or updated it
/// records its conclusions and its claims on the slots other rules read; when the match is removed (a fact changed)
/// NRules runs its deactivation action, which withdraws them. Either way the claimed slot facts are settled to the
/// winning claim and updated in the session, which re-evaluates the rules that read them.
/// </summary>
internal sealed class NRulesNetwork
{
    private static readonly System.Reflection.MethodInfo HoldsMethod = typeof(NRulesNetwork).GetMethod(nameof(Holds))!;
    private static readonly System.Reflection.MethodInfo HoldsJoinMethod = typeof(NRulesNetwork).GetMethod(nameof(HoldsJoin))!;

    private readonly Rule[] _rules;
    private readonly CompiledProgram _program;
    private readonly IReadOnlyDictionary<int, SlotResolver> _resolvers;
    private readonly int[] _networkSlots;
    private readonly ClaimSpec[][] _claims;
    private readonly ClaimSpec[][] _slotClaims;
    private readonly Dictionary<string, int> _index;
    private readonly ISessionFactory _factory;
    private readonly int _assignments;

    /// <summary>Rule <paramref name="Rule"/> claims a value for network slot <paramref name="SlotIndex"/>; <paramref name="Id"/> indexes the run's claim state.</summary>
    private sealed record ClaimSpec(int Id, int Rule, int SlotIndex, int Priority, int Rank, Value Outcome, int Assignment)
    {
        /// <summary>Outcomes: higher priority, then precedence rank; assignments (rank 0): the earlier rule in agenda order.</summary>
        public bool Beats(ClaimSpec other) =>
            Priority != other.Priority ? Priority > other.Priority
            : Rank != other.Rank ? Rank > other.Rank
            : Rule < other.Rule;
    }

    [ThreadStatic] private static System.Runtime.CompilerServices.ConditionalWeakTable<NRulesNetwork, EvalContext>? t_contexts;

    public NRulesNetwork(CompiledProgram program, IReadOnlyList<Rule> rules, IReadOnlyDictionary<int, SlotResolver> resolvers)
    {
        _program = program;
        _rules = rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Order).ToArray();
        _resolvers = resolvers;
        _index = _rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        _assignments = _rules.Sum(r => r.Assignments.Length);
        _networkSlots = _rules.SelectMany(r => r.Reads)
            .Where(s => program.Slots[s].Kind is SlotKind.Intermediate or SlotKind.Outcome).Distinct().Order().ToArray();
        var slotIndex = _networkSlots.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var id = 0;
        _claims = _rules.Select((r, ri) =>
                r.OutcomeClaims.Where(c => slotIndex.ContainsKey(c.Slot))
                    .Select(c => (c.Slot, c.Rank, Outcome: Definition.Precedence.Values[c.Outcome], Assignment: -1))
                    .Concat(r.Assignments.Where(a => slotIndex.ContainsKey(a.Slot)).Select(a => (a.Slot, Rank: 0, Outcome: Value.Missing, Assignment: a.Index)))
                    .Select(c => new ClaimSpec(id++, ri, slotIndex[c.Slot], r.Priority, c.Rank, c.Outcome, c.Assignment)).ToArray())
            .ToArray();
        _slotClaims = _networkSlots.Select((_, i) => _claims.SelectMany(c => c).Where(c => c.SlotIndex == i).ToArray()).ToArray();
        ClaimCount = id;
        MaxFirings = 100 + 10 * (_rules.Length + _networkSlots.Length);

        var definitions = _rules.Select(Define).ToList();
        _factory = new RuleCompiler { ExpressionCompiler = new FastCompiler() }.Compile(definitions);
    }

    public IReadOnlyList<Rule> Rules => _rules;

    public int MaxFirings { get; }

    private int ClaimCount { get; }

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

    /// <summary>Runs one session to its fixpoint; afterwards <c>ctx.Active</c> holds the rules whose conclusions stand.</summary>
    public void Run(EvalContext ctx)
    {
        var worker = ctx.Engine as Worker ?? new Worker(this, ctx);
        ctx.Engine = null;
        var session = worker.Session;
        var tracer = ctx.Trace is null ? null : new Tracer(this, ctx);
        tracer?.Attach(session.Events);
        var settled = false;
        try
        {
            Array.Clear(worker.Applicant.Claimed);
            foreach (var s in worker.Slots) s.Value = Value.Missing;
            session.Insert(worker.Applicant);
            session.Fire(MaxFirings);
            settled = session.Agenda.IsEmpty;
        }
        catch (RuleExecutionException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
        }
        finally
        {
            tracer?.Detach(session.Events);
            if (settled) ctx.Engine = worker.Clear();
        }
        if (!settled) throw NotSettled(ctx);

        foreach (var (slot, resolver) in _resolvers) ctx.Write(slot, resolver.Resolve(ctx));
    }

    /// <summary>
    /// A session kept with its context between assessments on one thread: creating one (its node memories) costs
    /// more than the assessment. The slot facts stay in the session; after each run the applicant is retracted, which
    /// removes every match (each rule's first pattern is the applicant), and the deactivations this queues are dropped
    /// from the agenda (the run's conclusions are reset at the start of the next one). With no applicant in the session
    /// no match holds a slot fact, so resetting the slots' values needs no update, and the next run starts clean.
    /// </summary>
    private sealed class Worker
    {
        public readonly ISession Session;
        public readonly ApplicantFact Applicant;
        public readonly SlotFact[] Slots;

        public Worker(NRulesNetwork network, EvalContext ctx)
        {
            Session = network._factory.CreateSession();
            Slots = network._networkSlots.Select(s => new SlotFact(s)).ToArray();
            Applicant = new ApplicantFact(ctx, Slots, network.ClaimCount);
            Session.InsertAll(Slots);
        }

        public Worker? Clear()
        {
            try
            {
                Session.Retract(Applicant);
                Session.Agenda.Clear();
            }
            catch (Exception) { return null; }
            return this;
        }
    }

    private RuleEvaluationException NotSettled(EvalContext ctx)
    {
        var looping = Enumerable.Range(0, _rules.Length).Where(i => ctx.Fired[i] > 1).OrderByDescending(i => ctx.Fired[i]).ToList();
        return new RuleEvaluationException(
            $"the rule set did not reach a fixpoint within {MaxFirings} rule firings; rules still firing: {string.Join(", ", looping.Select(i => $"{_rules[i].Id} ({ctx.Fired[i]}×)"))}",
            looping.Select(i => _rules[i].Id).ToList());
    }

    // ---- called from the compiled rule expressions ------------------------------------------------------------

    public static bool Holds(ApplicantFact a, int condition) => a.Context.Eval(condition).IsTrue;

    public static bool HoldsJoin(ApplicantFact a, int condition, SlotFact[] slots)
    {
        var ctx = a.Context;
        foreach (var s in slots) ctx.Write(s.Slot, s.Value);
        return ctx.Eval(condition).IsTrue;
    }

    /// <summary>The rule's match was created or updated: its conclusions stand, its claims take its current values.</summary>
    public void Fire(IContext context, ApplicantFact a, int rule)
    {
        var ctx = a.Context;
        ctx.Fired[rule]++;
        ctx.Active[rule] = true;
        foreach (var assignment in _rules[rule].Assignments) ctx.Assigned[assignment.Index] = ctx.Eval(assignment.Expression);
        foreach (var c in _claims[rule])
        {
            var value = c.Assignment < 0 ? c.Outcome : ctx.Assigned[c.Assignment];
            if (a.Claimed[c.Id] && a.ClaimValues[c.Id].Equals(value)) continue;
            a.Claimed[c.Id] = true;
            a.ClaimValues[c.Id] = value;
            Settle(context, a, c.SlotIndex);
        }
    }

    /// <summary>The rule's match went (NRules' deactivation trigger): its conclusions and claims are withdrawn.</summary>
    public void Withdraw(IContext context, ApplicantFact a, int rule)
    {
        a.Context.Active[rule] = false;
        foreach (var c in _claims[rule])
        {
            if (!a.Claimed[c.Id]) continue;
            a.Claimed[c.Id] = false;
            Settle(context, a, c.SlotIndex);
        }
    }

    /// <summary>Keeps the slot fact equal to its winning claim; a change is an update in the session, which re-evaluates its readers.</summary>
    private void Settle(IContext context, ApplicantFact a, int slotIndex)
    {
        ClaimSpec? best = null;
        foreach (var c in _slotClaims[slotIndex])
            if (a.Claimed[c.Id] && (best is null || c.Beats(best))) best = c;
        var value = best is null ? Value.Missing : a.ClaimValues[best.Id];
        var slot = a.Slots[slotIndex];
        if (value.Equals(slot.Value)) return;
        slot.Value = value;
        a.Context.Write(slot.Slot, value);
        context.Update(slot);
    }

    // ---- the rule model --------------------------------------------------------------------------------------

    private IRuleDefinition Define(Rule rule, int index)
    {
        var builder = new RuleBuilder();
        builder.Name(rule.Id);
        builder.Priority(rule.Priority);
        var lhs = builder.LeftHandSide();
        var applicant = lhs.Pattern(typeof(ApplicantFact), "a");
        var a = applicant.Declaration.ToParameterExpression();
        var joined = rule.Reads.Where(s => Array.BinarySearch(_networkSlots, s) >= 0).ToArray();
        if (joined.Length == 0)
            applicant.Condition(LinqExpr.Lambda(LinqExpr.Call(HoldsMethod, a, LinqExpr.Constant(rule.Condition)), a));
        else
        {
            var parameters = new List<ParamExpr> { a };
            PatternBuilder last = applicant;
            for (var i = 0; i < joined.Length; i++)
            {
                last = lhs.Pattern(typeof(SlotFact), "s" + i);
                var s = last.Declaration.ToParameterExpression();
                last.Condition(LinqExpr.Lambda(LinqExpr.Equal(LinqExpr.Property(s, nameof(SlotFact.Slot)), LinqExpr.Constant(joined[i])), s));
                parameters.Add(s);
            }
            last.Condition(LinqExpr.Lambda(
                LinqExpr.Call(HoldsJoinMethod, a, LinqExpr.Constant(rule.Condition), LinqExpr.NewArrayInit(typeof(SlotFact), parameters.Skip(1))),
                parameters));
        }
        var context = LinqExpr.Parameter(typeof(IContext), "ctx");
        var rhs = builder.RightHandSide();
        rhs.Action(LinqExpr.Lambda(
            LinqExpr.Call(LinqExpr.Constant(this), nameof(Fire), null, context, a, LinqExpr.Constant(index)), context, a),
            ActionTrigger.Activated | ActionTrigger.Reactivated);
        // A match on the applicant alone holds for the whole run (the applicant does not change during it); only a match
        // that joins slot facts can go, so only such a rule needs a deactivation action.
        if (joined.Length > 0)
            rhs.Action(LinqExpr.Lambda(
                LinqExpr.Call(LinqExpr.Constant(this), nameof(Withdraw), null, context, a, LinqExpr.Constant(index)), context, a),
                ActionTrigger.Deactivated);
        return builder.Build();
    }

    /// <summary>NRules' conditions and actions are small lambdas calling back into this class: compiled without Reflection.Emit's cost.</summary>
    private sealed class FastCompiler : NRules.Extensibility.IExpressionCompiler
    {
        public TDelegate Compile<TDelegate>(System.Linq.Expressions.Expression<TDelegate> expression) where TDelegate : Delegate =>
            FastExpressionCompiler.ExpressionCompiler.CompileFast(expression, ifFastFailedReturnNull: true) ?? expression.Compile();
    }

    /// <summary>The trace from the session's events: a rule fired, or its match (and so its conclusions) went.</summary>
    private sealed class Tracer(NRulesNetwork network, EvalContext ctx)
    {
        private readonly bool[] _fired = new bool[network._rules.Length];

        public void Attach(IEventProvider events)
        {
            events.RuleFiringEvent += OnFiring;
            events.ActivationDeletedEvent += OnWithdrawn;
            events.ActivationUpdatedEvent += OnWithdrawn;
        }

        public void Detach(IEventProvider events)
        {
            events.RuleFiringEvent -= OnFiring;
            events.ActivationDeletedEvent -= OnWithdrawn;
            events.ActivationUpdatedEvent -= OnWithdrawn;
        }

        private void OnFiring(object? sender, AgendaEventArgs e) => Note(e, e.Match.Trigger == MatchTrigger.Removed ? "retracted" : "fired");

        private void OnWithdrawn(object? sender, AgendaEventArgs e) => Note(e, "retracted");

        private void Note(AgendaEventArgs e, string action)
        {
            if (!network._index.TryGetValue(e.Rule.Name, out var i)) return;
            if (action == "fired" == _fired[i]) return;
            _fired[i] = action == "fired";
            foreach (var f in e.Facts)
                if (f.Value is SlotFact s) ctx.Write(s.Slot, s.Value);
            var rule = network._rules[i];
            ctx.Trace!.Add(new TraceEntry(ctx.Trace.Count + 1, rule.Id, action,
                rule.Shown.Select(x => new FactValue(x.Path, ctx.Eval(x.Expression).ToString())).ToArray()));
        }
    }
}

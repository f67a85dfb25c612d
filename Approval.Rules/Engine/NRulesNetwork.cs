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
/// (a join). Firing inserts linked facts (<see cref="ConclusionFact"/>, and a <see cref="ClaimFact"/> per slot other
/// rules read); NRules' truth maintenance retracts them when the match goes. Per slot a resolver rule (highest
/// priority) collects the claims and keeps the slot fact equal to the winning claim, which re-evaluates its readers.
/// </summary>
internal sealed class NRulesNetwork
{
    private const string ResolverPrefix = "(resolve ";
    private static readonly System.Reflection.MethodInfo HoldsMethod = typeof(NRulesNetwork).GetMethod(nameof(Holds))!;
    private static readonly System.Reflection.MethodInfo HoldsJoinMethod = typeof(NRulesNetwork).GetMethod(nameof(HoldsJoin))!;
    private static readonly object ConclusionKey = "conclusion";

    private readonly Rule[] _rules;
    private readonly CompiledProgram _program;
    private readonly IReadOnlyDictionary<int, SlotResolver> _resolvers;
    private readonly int[] _networkSlots;
    private readonly ClaimSpec[][] _claims;
    private readonly Dictionary<string, int> _index;
    private readonly ISessionFactory _factory;
    private readonly int _assignments;

    private sealed record ClaimSpec(object Key, int Slot, int Rank, Value Outcome, int Assignment);

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
        var inNetwork = new HashSet<int>(_networkSlots);
        _claims = _rules.Select(r =>
                r.OutcomeClaims.Where(c => inNetwork.Contains(c.Slot))
                    .Select(c => (c.Slot, c.Rank, Outcome: Definition.Precedence.Values[c.Outcome], Assignment: -1))
                    .Concat(r.Assignments.Where(a => inNetwork.Contains(a.Slot)).Select(a => (a.Slot, Rank: 0, Outcome: Value.Missing, Assignment: a.Index)))
                    .Select((c, i) => new ClaimSpec($"claim{i}", c.Slot, c.Rank, c.Outcome, c.Assignment)).ToArray())
            .ToArray();
        MaxFirings = 100 + 10 * (_rules.Length + _networkSlots.Length);

        var definitions = _rules.Select(Define).Concat(_networkSlots.Select(DefineResolver)).ToList();
        _factory = new RuleCompiler { ExpressionCompiler = new FastCompiler() }.Compile(definitions);
    }

    public IReadOnlyList<Rule> Rules => _rules;

    public int MaxFirings { get; }

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
            worker.Recording = true;
            session.Insert(worker.Applicant);
            foreach (var s in worker.Slots)
            {
                s.Value = Value.Missing;
                session.Insert(s);
            }
            session.Fire(MaxFirings);
            settled = session.Agenda.IsEmpty;
        }
        catch (RuleExecutionException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
        }
        finally
        {
            worker.Recording = false;
            tracer?.Detach(session.Events);
            if (settled) ctx.Engine = worker.Clear();
        }
        if (!settled) throw NotSettled(ctx);

        foreach (var (slot, resolver) in _resolvers) ctx.Write(slot, resolver.Resolve(ctx));
    }

    /// <summary>
    /// A session kept with its context between assessments on one thread: creating one (its node memories) costs
    /// more than the assessment. After each run the inserted facts are retracted, which retracts every linked fact
    /// and empties the agenda, so the next run starts from an empty working memory.
    /// </summary>
    private sealed class Worker
    {
        public readonly ISession Session;
        public readonly ApplicantFact Applicant;
        public readonly SlotFact[] Slots;
        public bool Recording;

        public Worker(NRulesNetwork network, EvalContext ctx)
        {
            Session = network._factory.CreateSession();
            Applicant = new ApplicantFact(ctx);
            Slots = network._networkSlots.Select(s => new SlotFact(s, ctx)).ToArray();
            Session.Events.FactInsertedEvent += (_, e) => { if (Recording && e.Fact.Value is ConclusionFact c) ctx.Active[c.Rule] = true; };
            Session.Events.FactRetractedEvent += (_, e) => { if (Recording && e.Fact.Value is ConclusionFact c) ctx.Active[c.Rule] = false; };
        }

        public Worker? Clear()
        {
            try
            {
                Session.RetractAll(Slots);
                Session.Retract(Applicant);
            }
            catch (Exception) { return null; }
            return Session.Agenda.IsEmpty ? this : null;
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

    public void Fire(IContext context, ApplicantFact a, int rule)
    {
        var ctx = a.Context;
        ctx.Fired[rule]++;
        foreach (var assignment in _rules[rule].Assignments) ctx.Assigned[assignment.Index] = ctx.Eval(assignment.Expression);
        var claims = _claims[rule];
        if (context.GetLinked(ConclusionKey) is null)
        {
            context.InsertLinked(ConclusionKey, new ConclusionFact(rule));
            foreach (var c in claims)
                context.InsertLinked(c.Key, new ClaimFact(c.Slot, rule, _rules[rule].Priority, c.Rank, c.Assignment < 0 ? c.Outcome : ctx.Assigned[c.Assignment]));
            return;
        }
        foreach (var c in claims)
        {
            if (c.Assignment < 0) continue;
            var fact = (ClaimFact)context.GetLinked(c.Key)!;
            if (fact.Value.Equals(ctx.Assigned[c.Assignment])) continue;
            fact.Value = ctx.Assigned[c.Assignment];
            context.UpdateLinked(c.Key, fact);
        }
    }

    public static bool Differs(SlotFact s, IEnumerable<ClaimFact> claims) => !Winner(claims).Equals(s.Value);

    public static void Resolve(IContext context, SlotFact s, IEnumerable<ClaimFact> claims)
    {
        s.Value = Winner(claims);
        s.Context.Write(s.Slot, s.Value);
        context.Update(s);
    }

    private static Value Winner(IEnumerable<ClaimFact> claims)
    {
        ClaimFact? best = null;
        foreach (var c in claims)
            if (best is null || c.Beats(best)) best = c;
        return best?.Value ?? Value.Missing;
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
        builder.RightHandSide().Action(LinqExpr.Lambda(
            LinqExpr.Call(LinqExpr.Constant(this), nameof(Fire), null, context, a, LinqExpr.Constant(index)), context, a));
        return builder.Build();
    }

    private IRuleDefinition DefineResolver(int slot)
    {
        var builder = new RuleBuilder();
        builder.Name(ResolverPrefix + _program.Slots[slot].Name + ")");
        builder.Priority(int.MaxValue);
        var lhs = builder.LeftHandSide();
        var slotPattern = lhs.Pattern(typeof(SlotFact), "s");
        var s = slotPattern.Declaration.ToParameterExpression();
        slotPattern.Condition(LinqExpr.Lambda(LinqExpr.Equal(LinqExpr.Property(s, nameof(SlotFact.Slot)), LinqExpr.Constant(slot)), s));

        var claimsPattern = lhs.Pattern(typeof(IEnumerable<ClaimFact>), "claims");
        var aggregate = claimsPattern.Aggregate();
        aggregate.Collect();
        var claim = aggregate.Pattern(typeof(ClaimFact), "c");
        var c = claim.Declaration.ToParameterExpression();
        claim.Condition(LinqExpr.Lambda(LinqExpr.Equal(LinqExpr.Property(c, nameof(ClaimFact.Slot)), LinqExpr.Constant(slot)), c));
        var claims = claimsPattern.Declaration.ToParameterExpression();
        claimsPattern.Condition(LinqExpr.Lambda(LinqExpr.Call(typeof(NRulesNetwork).GetMethod(nameof(Differs))!, s, claims), s, claims));

        var context = LinqExpr.Parameter(typeof(IContext), "ctx");
        builder.RightHandSide().Action(LinqExpr.Lambda(
            LinqExpr.Call(typeof(NRulesNetwork).GetMethod(nameof(Resolve))!, context, s, claims), context, s, claims));
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

        private void OnFiring(object? sender, AgendaEventArgs e) => Note(e, "fired");

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

using Approval.Rules;
using Approval.Rules.Engine;
using static Approval.Tests.Rules.MiniBundle;

namespace Approval.Tests.Rules;

/// <summary>Forward chaining, conflict resolution, refraction, truth maintenance and three-valued conditions.</summary>
public class EngineTests
{
    [Fact]
    public void Chaining_IntermediateFactAndOtherItemsOutcome_ReachFixpoint()
    {
        var r = Run("""
            intermediate: { big: bool }
            rules:
              - { id: y-follows-x, item: Y, when: "outcome.X == 'eligible'", then: [{ outcome: conditional, dependsOn: [X] }] }
              - { id: x-when-big, item: X, when: big, then: [{ outcome: eligible }] }
              - { id: derive-big, when: n > 10, then: [{ set: big, value: "true" }] }
            """, """{ "n": 11 }""", trace: true);
        Assert.Equal(ItemOutcome.Eligible, r.Item("X").Outcome);
        Assert.Equal(ItemOutcome.Conditional, r.Item("Y").Outcome);
        Assert.Equal(["derive-big", "x-when-big", "y-follows-x"], r.Trace!.Where(t => t.Action == "fired").Select(t => t.RuleId));
    }

    [Fact]
    public void Refraction_RuleWhoseFactsDoNotChange_FiresOnce()
    {
        var r = Run("""
            rules:
              - { id: always, item: X, when: "true", then: [{ outcome: eligible }] }
              - { id: also, item: Y, when: n > 1, then: [{ outcome: eligible }] }
            """, """{ "n": 2 }""", trace: true);
        Assert.Single(r.Trace!, t => t.RuleId == "always");
        Assert.Single(r.Trace!, t => t.RuleId == "also");
    }

    [Fact]
    public void ConflictResolution_HigherPriorityFiresFirstThenDeclarationOrder()
    {
        var r = Run("""
            rules:
              - { id: first-declared, item: X, when: "true", then: [{ outcome: eligible }] }
              - { id: second-declared, item: Y, when: "true", then: [{ outcome: eligible }] }
              - { id: urgent, priority: 5, item: Y, when: "true", then: [{ note: "n is {n}" }] }
            """, trace: true);
        Assert.Equal(["urgent", "first-declared", "second-declared"], r.Trace!.Select(t => t.RuleId));
        Assert.Contains(r.Item("Y").Reasons, x => x.Kind == "note" && x.Message == Approval.Rules.Yaml.LocalizedText.Same("n is (missing)"));
    }

    [Fact]
    public void OutcomePrecedence_EqualPriority_IneligibleBeatsEligibleAndOnlyDecidingRulesListed()
    {
        var r = Run("""
            rules:
              - { id: ok, item: X, when: "true", then: [{ outcome: eligible }] }
              - { id: barred, item: X, when: n < 0, then: [{ outcome: ineligible, message: "n is {n}" }] }
            """, """{ "n": -1 }""");
        var x = r.Item("X");
        Assert.Equal(ItemOutcome.Ineligible, x.Outcome);
        Assert.Equal("barred", x.Reasons.Single().RuleId);
        Assert.Equal("n < 0", x.Reasons[0].Condition);
        Assert.Equal([new FactValue("n", "-1")], x.Reasons[0].Values!);
    }

    [Fact]
    public void OutcomePrecedence_HigherPriorityEligibleBeatsLowerPriorityIneligible()
    {
        var r = Run("""
            rules:
              - { id: ok, priority: 10, item: X, when: "true", then: [{ outcome: eligible }] }
              - { id: barred, item: X, when: "true", then: [{ outcome: ineligible }] }
            """);
        Assert.Equal(ItemOutcome.Eligible, r.Item("X").Outcome);
    }

    [Fact]
    public void TruthMaintenance_ConclusionBasedOnOutcomeThatChanges_IsRetracted()
    {
        var r = Run("""
            intermediate: { negative: bool }
            rules:
              - { id: x-ok, priority: 10, item: X, when: "true", then: [{ outcome: eligible }] }
              - { id: y-after-x, priority: 5, item: Y, when: "outcome.X == 'eligible'", then: [{ outcome: conditional }, { note: "X was granted" }] }
              - { id: y-waits, priority: 5, item: Y, when: "outcome.X == 'ineligible'", then: [{ outcome: needsInformation }] }
              - { id: x-barred, priority: 10, item: X, when: "negative", then: [{ outcome: ineligible }] }
              - { id: late-fact, priority: 1, when: "n < 0", then: [{ set: negative, value: "true" }] }
            """, """{ "n": -5 }""", trace: true);
        Assert.Equal(ItemOutcome.Ineligible, r.Item("X").Outcome);
        Assert.DoesNotContain(r.Item("Y").Reasons, x => x.RuleId == "y-after-x");
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("Y").Outcome);
        Assert.Equal(["x-ok", "y-after-x", "late-fact", "x-barred", "y-after-x", "y-waits"], r.Trace!.Select(t => t.RuleId));
        Assert.Equal("retracted", r.Trace![4].Action);
    }

    [Fact]
    public void TruthMaintenance_IntermediateFactWhoseRuleStopsMatching_IsWithdrawnAndItsReadersFollow()
    {
        var r = Run("""
            intermediate: { marked: bool, negative: bool }
            rules:
              - { id: set-mark, priority: 10, when: "not coalesce(negative, false)", then: [{ set: marked, value: "true" }] }
              - { id: marked-x, priority: 5, item: X, when: "coalesce(marked, false)", then: [{ outcome: eligible }] }
              - { id: unmarked, priority: 5, item: X, when: "not coalesce(marked, false)", then: [{ outcome: ineligible }] }
              - { id: late-fact, priority: 1, when: "n < 0", then: [{ set: negative, value: "true" }] }
            """, """{ "n": -5 }""", trace: true);
        Assert.Equal(ItemOutcome.Ineligible, r.Item("X").Outcome);
        Assert.Equal(["unmarked"], r.Item("X").Reasons.Select(x => x.RuleId));
        Assert.Equal(["set-mark", "marked-x", "late-fact", "set-mark", "marked-x", "unmarked"], r.Trace!.Select(t => t.RuleId));
    }

    [Fact]
    public void Trace_LinkedConclusionWithdrawn_RetractionShowsTheMatchedFactThatEndedIt()
    {
        var r = Run("""
            intermediate: { negative: bool }
            rules:
              - { id: x-ok, priority: 10, item: X, when: "true", then: [{ outcome: eligible }] }
              - { id: y-after-x, priority: 5, item: Y, when: "outcome.X == 'eligible'", then: [{ outcome: conditional }] }
              - { id: y-waits, priority: 5, item: Y, when: "outcome.X == 'ineligible'", then: [{ outcome: needsInformation }] }
              - { id: x-barred, priority: 10, item: X, when: "negative", then: [{ outcome: ineligible }] }
              - { id: late-fact, priority: 1, when: "n < 0", then: [{ set: negative, value: "true" }] }
            """, """{ "n": -5 }""", trace: true);

        var fired = r.Trace!.First(t => t.RuleId == "y-after-x");
        Assert.Equal("fired", fired.Action);
        Assert.Equal([new FactValue("outcome.X", "eligible")], fired.Values);
        var retracted = r.Trace!.Single(t => t.Action == "retracted");
        Assert.Equal("y-after-x", retracted.RuleId);
        Assert.Equal([new FactValue("outcome.X", "ineligible")], retracted.Values);
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("Y").Outcome);
        Assert.DoesNotContain(r.Item("Y").Reasons, x => x.RuleId == "y-after-x");
    }

    [Fact]
    public void Session_ReusedOnTheThread_NothingCarriesOverBetweenAssessments()
    {
        var rules = Compile("""
            intermediate: { negative: bool }
            rules:
              - { id: mark, when: "n < 0", then: [{ set: negative, value: "true" }] }
              - { id: x-barred, item: X, when: "negative", then: [{ outcome: ineligible }] }
              - { id: x-ok, item: X, when: "n >= 0", then: [{ outcome: eligible }] }
            """);
        AssessmentResult Assess(string json, bool trace = false) =>
            rules.Assess(FactSet.From(System.Text.Json.JsonDocument.Parse(json).RootElement), new DateOnly(2026, 1, 1), trace);

        Assert.Equal(ItemOutcome.Ineligible, Assess("""{ "n": -1 }""").Item("X").Outcome);
        var next = Assess("""{ "n": 1 }""", trace: true);
        Assert.Equal(ItemOutcome.Eligible, next.Item("X").Outcome);
        Assert.Equal(["x-ok"], next.Trace!.Select(t => t.RuleId));
        Assert.Equal("x-ok", next.Item("X").Reasons.Single().RuleId);
    }

    [Fact]
    public void NonTermination_RuleUndoingItsOwnMatch_ThrowsNamingTheRules()
    {
        var rules = Compile("""
            intermediate: { on: bool }
            rules:
              - { id: flip, item: X, when: isMissing(on), then: [{ set: on, value: "true" }, { outcome: eligible }] }
            """);
        var e = Assert.Throws<RuleEvaluationException>(() => rules.Assess(FactSet.From(System.Text.Json.JsonDocument.Parse("{}").RootElement), new DateOnly(2026, 1, 1)));
        Assert.Equal(["flip"], e.RuleIds);
        Assert.Contains("flip", e.Message);
    }

    [Fact]
    public void NoRuleDecides_ItemNeedsInformationWithExplicitReason()
    {
        var y = Run("rules: [{ id: x, item: X, when: 'true', then: [{ outcome: eligible }] }]").Item("Y");
        Assert.Equal(ItemOutcome.NeedsInformation, y.Outcome);
        Assert.Equal("(none)", y.Reasons.Single().RuleId);
    }

    [Theory]
    [InlineData("n > 5")]
    [InlineData("not (n > 5)")]
    [InlineData("n == 5 or n != 5")]
    [InlineData("s == 'a'")]
    public void ThreeValued_ConditionOnMissingFact_NeitherTrueNorFalse(string condition)
    {
        var r = Run($"""
            rules:
              - {"{"} id: test, item: X, when: "{condition}", then: [{"{"} outcome: eligible {"}"}] {"}"}
            """);
        Assert.Equal("(none)", r.Item("X").Reasons.Single().RuleId);
    }

    [Theory]
    [InlineData("false and n > 5", false)]
    [InlineData("true or n > 5", true)]
    [InlineData("isMissing(n) and not has(n)", true)]
    [InlineData("coalesce(n, 7) == 7", true)]
    public void ThreeValued_KnownOperandDecidesAndOr(string condition, bool fires)
    {
        var r = Run($"rules: [{{ id: t, item: X, when: \"{condition}\", then: [{{ outcome: eligible }}] }}]");
        Assert.Equal(fires, r.Item("X").Outcome == ItemOutcome.Eligible);
    }

    [Theory]
    [InlineData("n * 2 + 1 == 7", true)]
    [InlineData("(n - 1) / 2 == 1", true)]
    [InlineData("-n < 0", true)]
    [InlineData("s in ['a', 'b']", true)]
    [InlineData("s not in ['a']", true)]
    [InlineData("'371581' in param.jurisdictionRegions", true)]
    [InlineData("when < date('2026-01-01')", true)]
    [InlineData("yearsBetween(when, asOf) == 1", true)]
    [InlineData("any(list, it.v > 4)", true)]
    [InlineData("any(list, it.v > 9)", false)]
    [InlineData("sum(list, it.v) == 8 and count(list) == 2", true)]
    [InlineData("param('limit') == 2 and param.limit == 2", true)]
    [InlineData("if(flag, 1, 2) == 1", true)]
    [InlineData("age('11010519491231002X') == 76", true)]
    [InlineData("sexOf('11010519491231002X') == 'female'", true)]
    public void Language_OperatorsAndFunctions_Evaluate(string condition, bool fires)
    {
        var r = Run($$"""
            parameters: { limit: 2 }
            rules: [{ id: t, item: X, when: "{{condition}}", then: [{ outcome: eligible }] }]
            """, """{ "n": 3, "s": "b", "flag": true, "when": "2025-06-30", "list": [{ "v": 5 }, { "v": 3 }] }""");
        Assert.Equal(fires, r.Item("X").Outcome == ItemOutcome.Eligible);
    }

    [Fact]
    public void DatedParameter_ValueInForceOnAsOf_AndMissingBeforeFirstDate()
    {
        const string rules = """
            parameters: { amount: [{ from: 2025-01-01, value: 120 }, { from: 2026-01-01, value: 140 }] }
            rules: [{ id: t, item: X, when: param.amount > 0, then: [{ outcome: eligible, benefit: { monthly: param.amount } }] }]
            """;
        Assert.Equal(120m, Run(rules, asOf: new DateOnly(2025, 12, 31)).Item("X").Benefit!.MonthlyAmount);
        Assert.Equal(140m, Run(rules, asOf: new DateOnly(2026, 1, 1)).Item("X").Benefit!.MonthlyAmount);
        Assert.Equal(ItemOutcome.NeedsInformation, Run(rules, asOf: new DateOnly(2024, 12, 31)).Item("X").Outcome);
    }

    [Fact]
    public void Materials_WaiverSourceAndItemsServed()
    {
        var r = Run("""
            rules:
              - { id: x, item: [X, Y], when: "true", then: [{ outcome: eligible }, { require: [m1] }] }
              - { id: w, when: flag, then: [{ waive: m1, by: "shared:registry" }] }
            """, """{ "flag": true }""");
        var m = r.Materials.Single();
        Assert.Equal(("m1", "waived", "shared:registry"), (m.Code, m.Status, m.WaivedBy));
        Assert.Equal(["X", "Y"], m.RequiredFor);
    }

    [Fact]
    public void Assess_ConcurrentCallsOnOneCompiledRuleSet_AgreeWithSequential()
    {
        var rules = TestBundles.A;
        var forms = Enumerable.Range(0, 200).Select(i => TestBundles.ApplicantA(TestBundles.IdAged(10 + i % 60))).ToList();
        var expected = forms.Select(f => TestBundles.Describe(rules.Assess(TestBundles.Facts(f), TestBundles.AsOf))).ToList();
        var actual = new string[forms.Count];
        Parallel.For(0, forms.Count, i => actual[i] = TestBundles.Describe(rules.Assess(TestBundles.Facts(forms[i]), TestBundles.AsOf)));
        Assert.Equal(expected, actual);
    }
}

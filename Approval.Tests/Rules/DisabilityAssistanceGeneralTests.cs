using System.Text.Json.Nodes;
using Approval.Rules;
using static Approval.Tests.Rules.TestBundles;

namespace Approval.Tests.Rules;

/// <summary>Bundle A general clauses G1–G3 (shared/domain/disability-assistance.md).</summary>
public class DisabilityAssistanceGeneralTests
{
    private static JsonObject Minor(DateOnly birth, string? relation = null)
    {
        var f = ApplicantA(Id(birth));
        if (relation is not null)
            f["agent"] = new JsonObject { ["name"] = "王五", ["idNumber"] = IdAged(45), ["relation"] = relation };
        return f;
    }

    [Fact]
    public void G1_Under16WithoutAgent_EveryItemNeedsInformation()
    {
        var r = AssessA(Minor(AsOf.AddYears(-10)));
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.NeedsInformation, i.Outcome));
        Assert.All(r.Items, i => Assert.Contains(i.Reasons, x => x.RuleId == "G1-minor-needs-guardian"));
        Assert.Contains("agent", r.MissingFacts);
    }

    [Fact]
    public void G1_Under16WithNonGuardianAgent_EveryItemNeedsInformation()
    {
        var r = AssessA(Minor(AsOf.AddYears(-10), "spouse"));
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.NeedsInformation, i.Outcome));
    }

    [Fact]
    public void G1_DayBeforeSixteenthBirthday_NeedsGuardian()
    {
        var r = AssessA(Minor(AsOf.AddYears(-16).AddDays(1)));
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.NeedsInformation, i.Outcome));
        var reason = r.Item("A1").Reasons.Single(x => x.RuleId == "G1-minor-needs-guardian");
        Assert.Contains("15", reason.Message.Zh);
        Assert.Contains("15", reason.Message.En);
        Assert.Contains(reason.Values!, v => v.Path == "isMinor" && v.Value == "true");
    }

    [Fact]
    public void G1_TurnsSixteenToday_NoGuardianNeeded()
    {
        var r = AssessA(Minor(AsOf.AddYears(-16)));
        Assert.DoesNotContain(r.Items, i => i.Reasons.Any(x => x.RuleId == "G1-minor-needs-guardian"));
        Assert.Equal(ItemOutcome.Eligible, r.Item("A2").Outcome);
        Assert.Equal(ItemOutcome.Eligible, r.Item("A5").Outcome);
    }

    [Fact]
    public void G1_Under16WithGuardian_ItemsAssessed()
    {
        var r = AssessA(Minor(AsOf.AddYears(-10), "guardian"));
        Assert.Equal(ItemOutcome.NotApplicable, r.Item("A1").Outcome);
        Assert.Equal(ItemOutcome.Eligible, r.Item("A2").Outcome);
        Assert.Equal(ItemOutcome.Ineligible, r.Item("A5").Outcome);
    }

    [Fact]
    public void G2_GuardianOfMinor_NeedsAgentIdAndGuardianshipProofNotAuthorization()
    {
        var r = AssessA(Minor(AsOf.AddYears(-10), "guardian"));
        Assert.Equal(["A2", "A3", "A4"], r.Material("agent-id")!.RequiredFor);
        Assert.Equal("required", r.Material("guardianship-proof")!.Status);
        Assert.Null(r.Material("agent-authorization"));
    }

    [Fact]
    public void G2_GuardianshipConfirmedByRegistry_GuardianshipProofWaived()
    {
        var r = AssessA(Minor(AsOf.AddYears(-10), "guardian"), new Dictionary<string, object?> { ["shared.population.guardianConfirmed"] = true });
        var m = r.Material("guardianship-proof")!;
        Assert.Equal("waived", m.Status);
        Assert.Equal("shared:population-registry", m.WaivedBy);
    }

    [Fact]
    public void G2_AdultWithAgent_NeedsAgentIdAndAuthorization()
    {
        var f = ApplicantA();
        f["agent"] = new JsonObject { ["name"] = "王五", ["idNumber"] = IdAged(45), ["relation"] = "child" };
        var r = AssessA(f);
        Assert.Equal("required", r.Material("agent-id")!.Status);
        Assert.Equal(["A2", "A3", "A4", "A5"], r.Material("agent-authorization")!.RequiredFor);
        Assert.Null(r.Material("guardianship-proof"));
    }

    [Fact]
    public void G2_NoAgent_NoAgentMaterials()
    {
        var r = AssessA(ApplicantA());
        Assert.Null(r.Material("agent-id"));
        Assert.Null(r.Material("agent-authorization"));
    }

    [Fact]
    public void G3_HukouOutsideJurisdiction_EveryItemIneligible()
    {
        var f = ApplicantA();
        f.Obj("applicant")["hukouRegion"] = "370102";
        var r = AssessA(f);
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.Ineligible, i.Outcome));
        var reason = r.Item("A3").Reasons.Single();
        Assert.Equal("G3-hukou-outside-jurisdiction", reason.RuleId);
        Assert.Contains("apply where your household is registered", reason.Message.En);
        Assert.Contains("请到户籍所在地申请", reason.Message.Zh);
        Assert.Empty(r.Materials);
    }

    [Fact]
    public void G3_RegistryHukouOutsideOverridesDeclaredLocalHukou_IneligibleWithConflictNote()
    {
        var r = AssessA(ApplicantA(), new Dictionary<string, object?> { ["shared.population.hukouRegion"] = "370102" });
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.Ineligible, i.Outcome));
        Assert.All(r.Items, i => Assert.Contains(i.Reasons, x => x.RuleId == "G3-hukou-conflict" && x.Kind == "note" && x.Message.Zh.Contains("370102") && x.Message.En.Contains("370102")));
    }

    [Fact]
    public void G3_OutsideJurisdictionAndMinorWithoutGuardian_IneligibleTakesPrecedence()
    {
        var f = Minor(AsOf.AddYears(-10));
        f.Obj("applicant")["hukouRegion"] = "370102";
        var r = AssessA(f);
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.Ineligible, i.Outcome));
        Assert.Empty(r.MissingFacts);
    }

    [Fact]
    public void Assess_EveryItemOnceInBundleOrder()
    {
        var r = AssessA(ApplicantA());
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], r.Items.Select(i => i.Code));
        Assert.Equal(r.Materials.Count, r.Materials.Select(m => m.Code).Distinct().Count());
    }

    [Fact]
    public void Assess_WithTrace_EveryFiredRuleInOrderWithTheValuesItRead()
    {
        Assert.Null(AssessA(ApplicantA()).Trace);
        var r = A.Assess(Facts(ApplicantA()), AsOf, trace: true);
        Assert.NotEmpty(r.Trace!);
        Assert.Equal(Enumerable.Range(1, r.Trace!.Count), r.Trace.Select(t => t.Sequence));
        var a2 = r.Trace.Single(t => t.RuleId == "A2-held-certificate");
        Assert.Equal("fired", a2.Action);
        Assert.Contains(a2.Values, v => v.Path == "holdsCertificate" && v.Value == "true");
    }

    [Fact]
    public void FactSet_SharedValueOfWrongType_Rejected()
    {
        Assert.Throws<ArgumentException>(() => AssessA(ApplicantA(), new Dictionary<string, object?> { ["shared.civilAffairs.dibao"] = "yes" }));
    }

    [Fact]
    public void FactSet_SharedKeyWithNullValue_TreatedAsNoData()
    {
        var r = AssessA(ApplicantA(), new Dictionary<string, object?> { ["shared.civilAffairs.dibao"] = null });
        Assert.Equal(ItemOutcome.Eligible, r.Item("A2").Outcome);
        Assert.Equal("required", r.Material("dibao-proof")!.Status);
    }

    [Fact]
    public void G2_AgeUnknownWithGuardianAgent_ListsOrdinaryAgentMaterials()
    {
        var f = ApplicantA();
        f.Obj("applicant").Remove("idNumber");
        f["agent"] = new JsonObject { ["name"] = "王五", ["idNumber"] = IdAged(45), ["relation"] = "guardian" };
        var r = AssessA(f);
        Assert.NotNull(r.Material("agent-id"));
        Assert.NotNull(r.Material("agent-authorization"));
        Assert.Null(r.Material("guardianship-proof"));
    }

    [Fact]
    public void G1_MinorWithAgentWithoutRelation_MissingIsAgentRelation()
    {
        var f = Minor(AsOf.AddYears(-10));
        f["agent"] = new JsonObject { ["name"] = "王五", ["idNumber"] = IdAged(45) };
        var r = AssessA(f);
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.NeedsInformation, i.Outcome));
        Assert.All(r.Items, i => Assert.Contains(i.Reasons, x => x.RuleId == "G1-minor-agent-relation-missing"));
        Assert.Contains("agent.relation", r.MissingFacts);
        Assert.DoesNotContain("agent", r.MissingFacts);
    }
}

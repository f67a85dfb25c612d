using Approval.Rules.Yaml;
using Approval.Workflows.Activities;
using Approval.Workflows.Definitions;

namespace Approval.Tests.Workflows;

public class WorkflowLoaderTests
{
    private const string File = "disability-assistance/workflow.yaml";

    // Line numbers below refer to this text (line 1 = "bundle: …").
    private const string Valid = """
        bundle: disability-assistance
        items:
          - item: A1
            steps:
              - id: review
                humanTask: { department: dpf, kind: review, days: 2, actions: { approve: next, reject: refused } }
              - id: grant
                decideItem: { outcome: granted }
          - item: A2
            steps:
              - id: decision
                humanTask: { department: civil-affairs, kind: decision, days: 5, waitsFor: [A1], actions: { approve: next, reject: refused } }
              - id: grant
                decideItem: { outcome: granted }
          - item: A3
            steps:
              - id: grant
                decideItem: { outcome: granted }
          - item: A4
            steps:
              - id: grant
                decideItem: { outcome: granted }
          - item: A5
            steps:
              - id: grant
                decideItem: { outcome: granted }
        """;

    private static readonly Approval.Rules.Bundles.BundleDefinition BundleA = Repo.Bundle("disability-assistance");

    private static DefinitionException Fails(string text) =>
        Assert.Throws<DefinitionException>(() => WorkflowLoader.Parse(BundleA, File, text));

    [Fact]
    public void Load_BothBundleWorkflows_ItemsAndDependenciesAsDocumented()
    {
        var a = Repo.Workflow("disability-assistance");
        var b = Repo.Workflow("entertainment-venue");
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], a.Items.Select(i => i.Code));
        Assert.Equal(["A1"], a.Item("A2")!.DependsOn);
        Assert.Equal(["A1"], a.Item("A3")!.DependsOn);
        Assert.Empty(a.Item("A4")!.DependsOn);
        Assert.Equal(["A1"], a.Item("A5")!.DependsOn);
        var assessment = Assert.IsType<HumanTaskActivity>(a.Item("A1")!.Step("hospital-assessment"));
        Assert.Equal(("designated-hospital", 10), (assessment.Department, assessment.Days));
        Assert.Equal(5, Assert.IsType<TimerActivity>(a.Item("A1")!.Step("public-notice")).Days);
        Assert.Equal(["B1"], b.Item("B2")!.DependsOn);
        Assert.Equal(["B1"], b.Item("B3")!.DependsOn);
        Assert.Equal(20, Assert.IsType<HumanTaskActivity>(b.Item("B3")!.Step("follow-up-check")).Days);
        Assert.Equal("B2", Assert.IsType<RaiseFlagActivity>(b.Item("B3")!.Step("flag-venue-licence")).Item);
        Assert.Equal(a.Bundle.Version, a.Version);
    }

    [Fact]
    public void Parse_MinimalValid_Loads() => Assert.Equal(5, WorkflowLoader.Parse(BundleA, File, Valid).Items.Count);

    [Fact]
    public void Parse_UnknownItem_ThrowsWithLine()
    {
        var e = Fails(Valid.Replace("  - item: A5", "  - item: A9"));
        Assert.Equal((File, 23), (e.File, e.Line));
        Assert.Contains("unknown item 'A9'", e.Problem);
    }

    [Fact]
    public void Parse_UnknownDepartment_ThrowsWithLine()
    {
        var e = Fails(Valid.Replace("department: dpf", "department: police"));
        Assert.Equal(6, e.Line);
        Assert.Contains("unknown department 'police'", e.Problem);
    }

    [Fact]
    public void Parse_UnknownStepReference_ThrowsWithLine()
    {
        var e = Fails(Valid.Replace("reject: refused } }\n      - id: grant\n        decideItem: { outcome: granted }\n  - item: A2",
            "reject: appeal } }\n      - id: grant\n        decideItem: { outcome: granted }\n  - item: A2"));
        Assert.Equal(5, e.Line);
        Assert.Contains("unknown step 'appeal'", e.Problem);
    }

    [Fact]
    public void Parse_CycleInItemDependencies_ThrowsWithLine()
    {
        var cyclic = Valid.Replace("humanTask: { department: dpf, kind: review, days: 2,", "humanTask: { department: dpf, kind: review, days: 2, waitsFor: [A2],");
        var e = Fails(cyclic);
        Assert.Contains("cycle", e.Problem);
        Assert.Contains("A1 → A2 → A1", e.Problem);
        Assert.Equal(11, e.Line);
    }

    [Fact]
    public void Parse_WaitsForUnknownItem_ThrowsWithLine()
    {
        var e = Fails(Valid.Replace("waitsFor: [A1]", "waitsFor: [A7]"));
        Assert.Equal(12, e.Line);
        Assert.Contains("unknown item 'A7'", e.Problem);
    }

    [Fact]
    public void Parse_ItemWithoutFlow_Throws()
    {
        var e = Fails(Valid[..Valid.IndexOf("  - item: A5", StringComparison.Ordinal)]);
        Assert.Contains("item A5 has no flow", e.Problem);
    }

    [Fact]
    public void Parse_UnknownKey_ThrowsWithLine()
    {
        var e = Fails(Valid.Replace("        decideItem: { outcome: granted }\n  - item: A2", "        decideItem: { outcome: granted }\n        colour: red\n  - item: A2"));
        Assert.Equal(9, e.Line);
        Assert.Contains("unknown key 'colour'", e.Problem);
    }

    [Fact]
    public void Parse_SupplementTargetOnOtherAction_Throws()
    {
        var e = Fails(Valid.Replace("approve: next, reject: refused } }\n      - id: grant\n        decideItem: { outcome: granted }\n  - item: A2",
            "approve: supplement, reject: refused } }\n      - id: grant\n        decideItem: { outcome: granted }\n  - item: A2"));
        Assert.Equal(6, e.Line);
    }
}

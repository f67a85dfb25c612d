using System.Text.Json.Nodes;
using Approval.Tests.Workflows;
using Approval.Workflows.Definitions;

namespace Approval.Tests.Reform;

public class CriticalPathTests
{
    private static readonly WorkflowDefinition A = Repo.Workflow("disability-assistance");
    private static readonly WorkflowDefinition B = Repo.Workflow("entertainment-venue");
    private static readonly string[] AllOfA = ["A1", "A2", "A3", "A4", "A5"];
    private static readonly string[] AllOfB = ["B1", "B2", "B3"];

    private static JsonObject Fire(string path) => new() { ["fire"] = new JsonObject { ["path"] = path } };

    [Fact]
    public void Of_BundleAAtTheWindow_A2WaitsForTheCertificateAndIsLongest()
    {
        var path = CriticalPaths.Of(A, "window", [], AllOfA);

        // A1: review 2 + hospital 10 + notice 5 + decision 2 = 19; A2: its pre-review (5) runs meanwhile, its decision (5) starts at 19.
        Assert.Equal(0, path.AcceptanceDays);
        Assert.Equal(19, path.Items.Single(i => i.Item == "A1").WorkingDays);
        Assert.Equal(24, path.WorkingDays);
        Assert.Equal("A2", path.Longest);
        Assert.Equal(["A1"], path.Items.Single(i => i.Item == "A2").WaitedFor);
        Assert.Equal(10, path.Items.Single(i => i.Item == "A4").WorkingDays);
        Assert.Empty(path.Items.Single(i => i.Item == "A4").WaitedFor);
    }

    [Fact]
    public void Of_OnlineChannel_AddsTheAcceptanceReview()
    {
        var window = CriticalPaths.Of(A, "window", [], AllOfA);
        var online = CriticalPaths.Of(A, "online", [], AllOfA);

        Assert.Equal(1, online.AcceptanceDays);
        Assert.Equal(window.WorkingDays + 1, online.WorkingDays);
    }

    [Fact]
    public void Of_WithoutTheAwaitedItem_DoesNotWait()
    {
        var path = CriticalPaths.Of(A, "window", [], ["A2", "A4"]);

        Assert.Equal(["A2", "A4"], path.Items.Select(i => i.Item));
        Assert.Equal(10, path.Items.Single(i => i.Item == "A2").WorkingDays);
        Assert.Empty(path.Items.Single(i => i.Item == "A2").WaitedFor);
    }

    [Fact]
    public void Of_BundleBFirePaths_FollowTheStepConditions()
    {
        var commitment = CriticalPaths.Of(B, "online", Fire("commitment"), AllOfB);
        var inspection = CriticalPaths.Of(B, "online", Fire("inspection"), AllOfB);

        // commitment: pre-review 1 + decision 1 (the 20-day follow-up comes after the grant); inspection: 1 + 10 + 3.
        Assert.Equal(1 + 1 + 1, commitment.Items.Single(i => i.Item == "B3").WorkingDays);
        Assert.DoesNotContain("follow-up-check", commitment.Items.Single(i => i.Item == "B3").Steps);
        Assert.Equal(1 + 1 + 10 + 3, inspection.Items.Single(i => i.Item == "B3").WorkingDays);
        Assert.Equal(["pre-review", "inspection", "inspection-decision", "inspection-granted"], inspection.Items.Single(i => i.Item == "B3").Steps);
        Assert.Equal("B3", inspection.Longest);
        Assert.True(inspection.WorkingDays <= 16, $"critical path {inspection.WorkingDays} working days");
    }
}

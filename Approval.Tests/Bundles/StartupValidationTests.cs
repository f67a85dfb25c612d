using Approval.Api.Bundles;
using Approval.Api.Infrastructure;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Approval.Tests.Bundles;

/// <summary>A broken bundle, rule or workflow file stops start-up with the file, the line and the problem.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approval-bundles-" + Guid.NewGuid().ToString("N"));

    public StartupValidationTests()
    {
        foreach (var dir in Directory.GetDirectories(RepoPaths.Bundles))
        {
            var target = Path.Combine(_folder, Path.GetFileName(dir));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(dir)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (bool Ok, string? Message) Start()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Bundles:Folder"] = _folder;
        var problems = new ConfigurationProblems();
        builder.AddBundles(problems);
        return (!problems.Any, problems.Lines.FirstOrDefault());
    }

    private void Break(string bundle, string file, string find, string replace)
    {
        var path = Path.Combine(_folder, bundle, file);
        var text = File.ReadAllText(path);
        Assert.Contains(find, text);
        File.WriteAllText(path, text.Replace(find, replace));
    }

    [Fact]
    public void AddBundles_ShippedBundles_Succeeds() => Assert.True(Start().Ok);

    [Fact]
    public void AddBundles_RuleReadingAnUnknownFact_FailsNamingRulesFileAndLine()
    {
        Break("disability-assistance", "rules.yaml", "household.dibao", "household.dibaoo");

        var (ok, message) = Start();

        Assert.False(ok);
        Assert.Matches(@"disability-assistance[/\\]rules\.yaml:\d+: .*household\.dibaoo", message);
    }

    [Fact]
    public void AddBundles_WorkflowTaskOfUnknownDepartment_FailsNamingWorkflowFileAndLine()
    {
        Break("entertainment-venue", "workflow.yaml", "department: market-regulation", "department: tax-office");

        var (ok, message) = Start();

        Assert.False(ok);
        Assert.Matches(@"entertainment-venue[/\\]workflow\.yaml:\d+: .*tax-office", message);
    }

    [Fact]
    public void AddBundles_BrokenBundleYaml_FailsNamingBundleFileAndLine()
    {
        Break("entertainment-venue", "bundle.yaml", "statutoryDays: 20", "statutoryDays: twenty");

        var (ok, message) = Start();

        Assert.False(ok);
        Assert.Matches(@"entertainment-venue[/\\]bundle\.yaml:\d+: .*whole number", message);
    }
}

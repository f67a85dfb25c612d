using Approval.Api.Forms;
using Approval.Rules.Bundles;

namespace Approval.Tests.Rules.Corpus;

/// <summary>Runs only when <see cref="FrozenCorpus.FreezeVariable"/> is set: rewrites the frozen files.</summary>
public sealed class FreezeFactAttribute : FactAttribute
{
    public FreezeFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(FrozenCorpus.FreezeVariable) != "1")
            Skip = $"set {FrozenCorpus.FreezeVariable}=1 to re-freeze the corpus";
    }
}

/// <summary>The engine must reproduce the frozen answers exactly; the generator must cover every rule, material and waiver.</summary>
public class FrozenCorpusTests
{
    public static TheoryData<string> Sources => new(FrozenCorpus.SourceNames);

    [Theory]
    [MemberData(nameof(Sources))]
    public void Assess_FrozenCorpus_ReproducesEveryResult(string source)
    {
        var expected = FrozenCorpus.Read(FrozenCorpus.FileOf(source));
        var actual = FrozenCorpus.Compute(source).ToList();
        Assert.Equal(expected.Select(e => (e.Key, e.Input)), actual.Select(a => (a.Key, a.Input)));
        var diffs = expected.Zip(actual)
            .Where(p => !p.First.Result.SequenceEqual(p.Second.Result))
            .Select(p => $"{p.First.Key} (input {p.First.Input}):\n"
                         + string.Join("\n", p.First.Result.Except(p.Second.Result).Select(l => "  - " + l))
                         + "\n" + string.Join("\n", p.Second.Result.Except(p.First.Result).Select(l => "  + " + l)))
            .ToList();
        Assert.True(diffs.Count == 0, $"{diffs.Count} of {expected.Count} results differ; the first:\n{string.Join("\n", diffs.Take(5))}");
    }

    [Fact]
    public void Generator_SameSeed_SameApplicants()
    {
        var first = CorpusGenerator.BundleA().Take(50).Select(FrozenCorpus.InputHash).ToList();
        var again = CorpusGenerator.BundleA().Take(50).Select(FrozenCorpus.InputHash).ToList();
        Assert.Equal(first, again);
        Assert.Equal(50, first.Distinct().Count());
    }

    [Theory]
    [InlineData("disability-assistance")]
    [InlineData("entertainment-venue")]
    public void Generator_GeneratedApplicants_AreValidAgainstTheForm(string bundle)
    {
        var definition = BundleLoader.LoadFolder(TestBundles.Folder(bundle));
        var cases = bundle == "disability-assistance" ? CorpusGenerator.BundleA() : CorpusGenerator.BundleB();
        var invalid = cases.Select(c => (c.Key, Errors: FormValidator.Validate(definition, System.Text.Json.JsonSerializer.SerializeToElement(c.Form))))
            .Where(x => x.Errors.Count > 0).Take(3)
            .Select(x => x.Key + ": " + string.Join("; ", x.Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")))
            .ToList();
        Assert.True(invalid.Count == 0, string.Join("\n", invalid));
    }

    [Theory]
    [InlineData("disability-assistance")]
    [InlineData("entertainment-venue")]
    public void Generator_Corpus_FiresEveryRuleAndHitsEveryMaterialAndWaiver(string bundle)
    {
        var rules = FrozenCorpus.Rules(bundle);
        var cases = (bundle == "disability-assistance" ? CorpusGenerator.BundleA().Concat(CorpusGenerator.OffFormA())
            : CorpusGenerator.BundleB().Concat(CorpusGenerator.OffFormB())).ToList();
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var firedOnForm = new HashSet<string>(StringComparer.Ordinal);
        var materials = new HashSet<string>(StringComparer.Ordinal);
        var waivers = new HashSet<(string, string)>();
        foreach (var c in cases)
        {
            var r = FrozenCorpus.Assess(c, trace: true);
            foreach (var t in r.Trace!.Where(t => t.Action == "fired"))
            {
                fired.Add(t.RuleId);
                if (!c.OffForm) firedOnForm.Add(t.RuleId);
            }
            foreach (var m in r.Materials)
            {
                materials.Add(m.Code);
                if (m.WaivedBy is { } by) waivers.Add((m.Code, by));
            }
        }
        var ruleIds = RuleIds(bundle);
        Assert.Equal(ruleIds.Count, rules.RuleCount);
        Assert.Empty(ruleIds.Except(fired));
        string[] offFormOnly = bundle == "disability-assistance" ? ["G1-minor-agent-relation-missing"] : ["B2-room-area-missing"];
        Assert.Equal(offFormOnly, ruleIds.Except(firedOnForm).Order());
        Assert.Empty(rules.Bundle.Materials.Select(m => m.Code).Except(materials));
        Assert.Empty(Waivers(bundle).Except(waivers));
    }

    [FreezeFact]
    public void Freeze_WritesTheFrozenFiles()
    {
        if (Environment.GetEnvironmentVariable(FrozenCorpus.CaptureVariable) is { Length: > 0 } raw && File.Exists(raw))
            FrozenCorpus.StoreCaptured(raw);
        foreach (var source in FrozenCorpus.SourceNames)
            FrozenCorpus.Write(FrozenCorpus.FileOf(source), FrozenCorpus.Compute(source));
    }

    private static List<string> RuleIds(string bundle) =>
        File.ReadLines(Path.Combine(TestBundles.Folder(bundle), "rules.yaml"))
            .Select(l => l.Trim()).Where(l => l.StartsWith("- id: ", StringComparison.Ordinal)).Select(l => l[6..].Trim()).ToList();

    private static List<(string, string)> Waivers(string bundle)
    {
        var lines = File.ReadAllLines(Path.Combine(TestBundles.Folder(bundle), "rules.yaml")).Select(l => l.Trim()).ToList();
        return lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("- waive: ", StringComparison.Ordinal))
            .Select(x => (x.l[9..].Trim(), lines[x.i + 1]["by: ".Length..].Trim())).ToList();
    }
}

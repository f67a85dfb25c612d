using Approval.Rules.Bundles;
using Approval.Rules.Yaml;
using Approval.Tests.Support;

namespace Approval.Tests.Bundles;

public sealed class BundleLoaderTests
{
    [Fact]
    public void LoadAll_ShippedBundles_LoadsBothWithStableHashes()
    {
        var first = BundleLoader.LoadAll(RepoPaths.Bundles);
        var again = BundleLoader.LoadAll(RepoPaths.Bundles);

        Assert.Equal(["disability-assistance", "entertainment-venue"], first.Select(b => b.Code));
        Assert.Equal(first.Select(b => b.ContentHash), again.Select(b => b.ContentHash));
        Assert.Equal(5, first[0].Items.Count);
        Assert.Equal(20, first[0].Item("A2")!.StatutoryDays);
    }

    [Fact]
    public void Load_ChangedFile_ChangesTheContentHash()
    {
        var files = ReadShipped("entertainment-venue");
        var original = BundleLoader.Load("ev", files);
        files["bundle.yaml"] = files["bundle.yaml"].Replace("promisedDays: 10", "promisedDays: 9");

        var changed = BundleLoader.Load("ev", files);

        Assert.NotEqual(original.ContentHash, changed.ContentHash);
        Assert.Equal(original.DeclaredVersion, changed.DeclaredVersion);
    }

    [Theory]
    [InlineData("department: dpf\n", "department: nobody\n", "unknown department 'nobody'")]
    [InlineData("statutoryDays: 20\n    promisedDays: 15", "statutoryDays: 20\n    promisedDays: 25", "promisedDays must be between 1 and statutoryDays")]
    [InlineData("jurisdictionRegions:", "jurisdictionRegion:", "unknown key 'jurisdictionRegion'")]
    [InlineData("type: boolean, required: true, label: { zh: 是否持有残疾人证", "type: flag, required: true, label: { zh: 是否持有残疾人证", "unknown type 'flag'")]
    [InlineData("neededBy: [A1], waivedWhen: \"never (a kiosk", "neededBy: [A9], waivedWhen: \"never (a kiosk", "unknown item 'A9'")]
    public void Load_BrokenBundle_FailsNamingFileLineAndProblem(string find, string replace, string problem)
    {
        var files = ReadShipped("disability-assistance");
        Assert.Contains(find, files["bundle.yaml"]);
        files["bundle.yaml"] = ReplaceFirst(files["bundle.yaml"], find, replace);
        var expectedLine = LineOf(files["bundle.yaml"], replace.TrimEnd('\n').Split('\n')[^1]);

        var error = Assert.Throws<DefinitionException>(() => BundleLoader.Load("bundles/disability-assistance", files));

        Assert.EndsWith("bundle.yaml", error.File);
        Assert.Contains(problem, error.Problem);
        Assert.InRange(error.Line, expectedLine - 6, expectedLine);
    }

    [Fact]
    public void Load_MalformedYaml_ReportsTheParserLine()
    {
        var files = ReadShipped("entertainment-venue");
        files["bundle.yaml"] = files["bundle.yaml"].Replace("code: B1, name:", "code: B1, name: [");

        var error = Assert.Throws<DefinitionException>(() => BundleLoader.Load("ev", files));

        Assert.True(error.Line > 1);
        Assert.Contains("bundle.yaml:", error.Message);
    }

    private static Dictionary<string, string> ReadShipped(string code) =>
        Directory.GetFiles(RepoPaths.Bundle(code)).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var i = text.IndexOf(find, StringComparison.Ordinal);
        return text[..i] + replace + text[(i + find.Length)..];
    }

    private static int LineOf(string text, string fragment) =>
        text[..text.IndexOf(fragment, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
}

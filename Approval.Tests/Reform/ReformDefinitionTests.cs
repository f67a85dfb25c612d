using Approval.Api.Reform;
using Approval.Rules.Yaml;
using Approval.Tests.Workflows;

namespace Approval.Tests.Reform;

public class ReformDefinitionTests
{
    private static readonly Approval.Rules.Bundles.BundleDefinition A = Repo.Bundle("disability-assistance");
    private static readonly string Text = File.ReadAllText(Repo.Path("Approval.Api", "bundles", "disability-assistance", ReformDefinition.FileName));

    private static DefinitionException Fails(string text) => Assert.Throws<DefinitionException>(() => ReformDefinition.Load(A, "bundles/a", text));

    private static string Replaced(string from, string to)
    {
        Assert.Contains(from, Text);
        return Text.Replace(from, to);
    }

    [Fact]
    public void Load_BundleAFile_BaselineAsInThePolicy()
    {
        var reform = ReformDefinition.Load(A, "bundles/a", Text);

        Assert.Equal(22, reform.Baseline.Sum(b => b.Materials));
        Assert.Equal(5, reform.Baseline.Sum(b => b.Forms));
        Assert.Equal("window", reform.Reference.Channel);
        Assert.Equal(true, reform.Reference.Shared["shared.civilAffairs.dibao"]);
        Assert.Equal("371581", reform.Reference.Shared["shared.population.hukouRegion"]);
        Assert.Equal("371581198005010133", reform.Reference.Facts["applicant"]!["idNumber"]!.GetValue<string>());
    }

    [Fact]
    public void Load_ItemWithoutBaseline_ErrorNamesTheItem()
    {
        var e = Fails(Replaced("  - { item: A5, forms: 1, materials: 3, visits: 1 }\n", ""));
        Assert.Contains("item A5 has no baseline", e.Problem);
    }

    [Fact]
    public void Load_UnknownItem_ErrorWithLine()
    {
        var e = Fails(Replaced("item: A5,", "item: A9,"));
        Assert.Contains("unknown item 'A9'", e.Problem);
        Assert.Equal(9, e.Line);
    }

    [Fact]
    public void Load_ReferenceFactsFailTheForm_ErrorNamesTheField()
    {
        var e = Fails(Replaced("idNumber: \"371581198005010133\"", "idNumber: \"371581198005010134\""));
        Assert.Contains("facts.applicant.idNumber", e.Problem);
    }

    [Fact]
    public void Load_UnknownChannel_Error()
    {
        var e = Fails(Replaced("channel: window", "channel: fax"));
        Assert.Contains("channel must be one of", e.Problem);
    }
}

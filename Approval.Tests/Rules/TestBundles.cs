using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Rules;
using Approval.Rules.Bundles;
using Approval.Rules.Identifiers;

namespace Approval.Tests.Rules;

/// <summary>The real bundle folders of Approval.Api and helpers to build applicants.</summary>
internal static class TestBundles
{
    public static readonly DateOnly AsOf = new(2026, 11, 22);

    public static string RepoRoot => Support.RepoPaths.Root;

    public static string Folder(string code) => Support.RepoPaths.Bundle(code);

    private static readonly Lazy<BundleRules> LazyA = new(() => Load("disability-assistance"));
    private static readonly Lazy<BundleRules> LazyB = new(() => Load("entertainment-venue"));

    public static BundleRules A => LazyA.Value;
    public static BundleRules B => LazyB.Value;

    public static BundleRules Load(string code) => BundleRules.Compile(BundleLoader.LoadFolder(Folder(code)), Folder(code));

    /// <summary>The real bundle with its rules.yaml edited (e.g. a parameter switched).</summary>
    public static BundleRules WithRules(string code, Func<string, string> edit)
    {
        var folder = Folder(code);
        var files = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        var before = files["rules.yaml"];
        files["rules.yaml"] = edit(before);
        Assert.NotEqual(before, files["rules.yaml"]);
        return BundleRules.Compile(BundleLoader.Load(folder, files), folder);
    }

    /// <summary>A valid GB 11643 ID number for a birth date.</summary>
    public static string Id(DateOnly birth, bool male = true, string region = "371581")
    {
        var first17 = $"{region}{birth:yyyyMMdd}01{(male ? 1 : 2)}";
        return first17 + ChineseId.ComputeCheck(first17);
    }

    /// <summary>Someone whose age on <see cref="AsOf"/> is <paramref name="years"/> (birthday in March).</summary>
    public static string IdAged(int years) => Id(new DateOnly(AsOf.Year - years, 3, 15));

    /// <summary>A typical bundle-A applicant: 40 years old, local hukou, holds a grade-2 physical certificate, dibao.</summary>
    public static JsonObject ApplicantA(string? idNumber = null)
    {
        var id = idNumber ?? IdAged(40);
        return new JsonObject
        {
            ["applicant"] = new JsonObject { ["idNumber"] = id, ["name"] = "张三", ["phone"] = "13800000000", ["hukouRegion"] = "371581" },
            ["disability"] = new JsonObject
            {
                ["hasCertificate"] = true, ["certificateNumber"] = id + "42", ["category"] = "physical", ["grade"] = 2,
                ["needsLongTermCare"] = true,
            },
            ["household"] = new JsonObject { ["dibao"] = true },
            ["pension"] = new JsonObject { ["enrolled"] = true, ["receiving"] = false },
        };
    }

    /// <summary>A typical bundle-B company: new LLC, KTV in a commercial building, 500 m from a school.</summary>
    public static JsonObject CompanyB() => new()
    {
        ["enterprise"] = new JsonObject
        {
            ["proposedName"] = "临清欢乐歌城有限公司", ["type"] = "llc", ["registeredCapital"] = 500000,
            ["legalRepresentative"] = new JsonObject { ["name"] = "李四", ["idNumber"] = IdAged(45), ["phone"] = "13900000000" },
            ["investors"] = new JsonArray(new JsonObject { ["name"] = "李四", ["idNumber"] = IdAged(45), ["sharePercent"] = 100 }),
        },
        ["venue"] = new JsonObject
        {
            ["regionCode"] = "371581", ["address"] = "临清市新华路1号", ["kind"] = "song-and-dance", ["floorAreaM2"] = 600,
            ["roomCount"] = 12, ["smallestRoomAreaM2"] = 12, ["buildingUse"] = "commercial", ["lowestFloor"] = 1,
            ["distanceToNearestSchoolM"] = 500, ["adjacentToHazardousChemicalsStore"] = false, ["premises"] = "leased",
        },
        ["fire"] = new JsonObject { ["path"] = "commitment" },
        ["declarations"] = new JsonObject { ["noDisqualifyingRecord"] = true },
    };

    public static FactSet Facts(JsonObject form, IReadOnlyDictionary<string, object?>? shared = null)
    {
        Corpus.FrozenCorpus.Capture(form, shared);
        return FactSet.From(JsonSerializer.SerializeToElement(form), shared);
    }

    public static AssessmentResult AssessA(JsonObject form, IReadOnlyDictionary<string, object?>? shared = null, DateOnly? asOf = null) =>
        A.Assess(Facts(form, shared), asOf ?? AsOf);

    public static AssessmentResult AssessB(JsonObject form, IReadOnlyDictionary<string, object?>? shared = null, DateOnly? asOf = null) =>
        B.Assess(Facts(form, shared), asOf ?? AsOf);

    public static JsonObject Obj(this JsonObject o, string name) => (JsonObject)o[name]!;

    public static string Describe(AssessmentResult r) => string.Join("\n",
        r.Items.Select(i => $"{i.Code} {i.Outcome} [{string.Join(",", i.DependsOn)}] {i.Benefit} :: {string.Join(" | ", i.Reasons.Select(x => x.RuleId + ": " + x.Message))}")
            .Concat(r.Materials.Select(m => $"{m.Code} {m.Status} {m.WaivedBy} for {string.Join(",", m.RequiredFor)}"))
            .Append("missing: " + string.Join(",", r.MissingFacts)));
}

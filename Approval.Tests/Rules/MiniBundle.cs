using System.Text.Json;
using Approval.Rules;
using Approval.Rules.Bundles;

namespace Approval.Tests.Rules;

/// <summary>A two-item bundle to test the engine and the rule language in isolation.</summary>
internal static class MiniBundle
{
    public const string Folder = "/bundles/mini";

    private const string BundleYaml = """
        code: mini
        version: "1"
        name: Mini
        jurisdictionRegions: ["371581"]
        departments: [{ code: d, name: D }]
        items:
          - { code: X, name: X, department: d, statutoryDays: 2, promisedDays: 1 }
          - { code: Y, name: Y, department: d, statutoryDays: 2, promisedDays: 1 }
        form:
          - { path: n, type: number, label: N }
          - { path: s, type: enum, values: [a, b], label: S }
          - { path: flag, type: boolean, label: F }
          - { path: when, type: date, label: W }
          - { path: list, type: array, label: L, items: [{ path: v, type: number, label: V }] }
        materials:
          - { code: m1, name: M1, neededBy: [X, Y] }
        """;

    public static BundleRules Compile(string rulesYaml) =>
        BundleRules.Compile(BundleLoader.Load(Folder, new Dictionary<string, string> { ["bundle.yaml"] = BundleYaml, ["rules.yaml"] = rulesYaml }), Folder);

    public static AssessmentResult Run(string rulesYaml, string json = "{}", bool trace = false, DateOnly? asOf = null) =>
        Compile(rulesYaml).Assess(FactSet.From(JsonDocument.Parse(json).RootElement), asOf ?? new DateOnly(2026, 11, 22), trace);
}

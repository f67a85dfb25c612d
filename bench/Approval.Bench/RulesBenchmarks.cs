using System.Text.Json;
using Approval.Rules;
using Approval.Rules.Bundles;
using Approval.Rules.Identifiers;
using BenchmarkDotNet.Attributes;

namespace Approval.Bench;

/// <summary>Compiling both rule sets and assessing applicants with them.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class RulesBenchmarks
{

    private static readonly DateOnly AsOf = new(2026, 11, 22);
    private BundleDefinition _bundleA = null!;
    private BundleDefinition _bundleB = null!;
    private BundleRules _rulesA = null!;
    private BundleRules _rulesB = null!;
    private FactSet _applicant = null!;
    private FactSet _company = null!;
    private FactSet[] _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        var bundles = Path.Combine(RepoRoot(), "Approval.Api", "bundles");
        _bundleA = BundleLoader.LoadFolder(Path.Combine(bundles, "disability-assistance"));
        _bundleB = BundleLoader.LoadFolder(Path.Combine(bundles, "entertainment-venue"));
        _rulesA = BundleRules.Compile(_bundleA);
        _rulesB = BundleRules.Compile(_bundleB);
        _applicant = Applicant(40, dibao: true, grade: 2);
        _company = FactSet.From(JsonDocument.Parse(CompanyJson).RootElement);
        _batch = Enumerable.Range(0, 1000).Select(i => Applicant(10 + i % 60, dibao: i % 3 == 0, grade: i % 5 == 0 ? null : 1 + i % 4)).ToArray();
    }

    [Benchmark]
    public BundleRules CompileDisabilityAssistance() => BundleRules.Compile(_bundleA);

    [Benchmark]
    public BundleRules CompileEntertainmentVenue() => BundleRules.Compile(_bundleB);

    [Benchmark]
    public AssessmentResult AssessApplicantBundleA() => _rulesA.Assess(_applicant, AsOf);

    [Benchmark]
    public AssessmentResult AssessCompanyBundleB() => _rulesB.Assess(_company, AsOf);

    [Benchmark(OperationsPerInvoke = 1000)]
    public int AssessBatchOf1000BundleA()
    {
        var n = 0;
        foreach (var f in _batch) n += _rulesA.Assess(f, AsOf).Materials.Count;
        return n;
    }

    /// <summary>100,000 applicants (the 1,000 varied ones, 100 times) over both cores, a session per applicant.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public int AssessParallel100000BundleA()
    {
        var n = 0;
        Parallel.For(0, 100_000, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => 0, (i, _, local) => local + _rulesA.Assess(_batch[i % _batch.Length], AsOf).Materials.Count,
            local => Interlocked.Add(ref n, local));
        return n;
    }

    private static FactSet Applicant(int age, bool dibao, int? grade)
    {
        var first17 = $"371581{AsOf.Year - age}0315011";
        var id = first17 + ChineseId.ComputeCheck(first17);
        var disability = grade is { } g
            ? $$"""{ "hasCertificate": true, "certificateNumber": "{{id}}4{{g}}", "category": "physical", "grade": {{g}}, "needsLongTermCare": true }"""
            : """{ "hasCertificate": false, "category": "physical", "needsLongTermCare": true }""";
        var json = $$"""
            { "applicant": { "idNumber": "{{id}}", "name": "张三", "phone": "13800000000", "hukouRegion": "371581" },
              "disability": {{disability}},
              "household": { "dibao": {{(dibao ? "true" : "false")}} },
              "pension": { "enrolled": true, "receiving": false } }
            """;
        return FactSet.From(JsonDocument.Parse(json).RootElement);
    }

    private const string CompanyJson = """
        { "enterprise": { "proposedName": "临清欢乐歌城有限公司", "type": "llc", "registeredCapital": 500000,
                          "legalRepresentative": { "name": "李四", "idNumber": "11010519491231002X", "phone": "13900000000" },
                          "investors": [ { "name": "李四", "idNumber": "11010519491231002X", "sharePercent": 100 } ] },
          "venue": { "regionCode": "371581", "address": "临清市新华路1号", "kind": "song-and-dance", "floorAreaM2": 600, "roomCount": 12,
                     "smallestRoomAreaM2": 12, "buildingUse": "commercial", "lowestFloor": 1, "distanceToNearestSchoolM": 500,
                     "adjacentToHazardousChemicalsStore": false, "premises": "leased" },
          "fire": { "path": "commitment" },
          "declarations": { "noDisqualifyingRecord": true } }
        """;

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApprovalService.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ApprovalService.sln not found");
    }
}

using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Rules;

namespace Approval.Tests.Rules.Corpus;

/// <summary>
/// The frozen results of the rules on the generated corpus and on every fact set the rule tests build
/// (Corpus/*.jsonl.gz). Messages are left out on purpose: only decisions, reasons' rule ids, why-not values,
/// dependsOn, benefits, materials and missing facts are compared.
/// </summary>
internal static class FrozenCorpus
{
    public const string FreezeVariable = "APPROVAL_FREEZE_CORPUS";
    public const string CaptureVariable = "APPROVAL_CAPTURE_CASES";
    public static string Folder => Path.Combine(TestBundles.RepoRoot, "Approval.Tests", "Rules", "Corpus");
    public static string CapturedCasesFile => Path.Combine(Folder, "test-cases.jsonl.gz");

    public sealed record Entry(string Key, string Input, string[] Result);

    public static BundleRules Rules(string bundle) => bundle == "disability-assistance" ? TestBundles.A : TestBundles.B;

    public static IEnumerable<CorpusCase> Sources(string name) => name switch
    {
        "generated-A" => CorpusGenerator.BundleA(),
        "generated-B" => CorpusGenerator.BundleB(),
        "off-form" => CorpusGenerator.OffFormA().Concat(CorpusGenerator.OffFormB()),
        "test-cases" => CapturedCases(),
        _ => throw new ArgumentException(name),
    };

    public static readonly string[] SourceNames = ["generated-A", "generated-B", "off-form", "test-cases"];

    public static string FileOf(string source) => Path.Combine(Folder, $"frozen-{source}.jsonl.gz");

    public static string InputHash(CorpusCase c)
    {
        var text = c.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + c.Form.ToJsonString()
                   + string.Concat(c.Shared.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"|{kv.Key}={kv.Value}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    public static AssessmentResult Assess(CorpusCase c, bool trace = false) =>
        Rules(c.Bundle).Assess(FactSet.From(JsonSerializer.SerializeToElement(c.Form), c.Shared), c.AsOf, trace);

    /// <summary>One line per item, material and the missing facts; stable and readable in a diff.</summary>
    public static string[] Describe(AssessmentResult r)
    {
        var lines = new List<string>();
        foreach (var i in r.Items)
        {
            var b = i.Benefit is { } x ? $"{x.MonthlyAmount?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{x.YearlyAmount?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{x.Level ?? "-"}" : "-";
            var reasons = string.Join("; ", i.Reasons.Select(x =>
                (x.Kind == "note" ? "note:" : "") + x.RuleId
                + (x.Values is { } v ? "{" + string.Join(", ", v.Select(f => $"{f.Path}={f.Value}")) + "}" : "")));
            lines.Add($"{i.Code} {i.Outcome} dependsOn=[{string.Join(",", i.DependsOn)}] benefit={b} reasons=[{reasons}]");
        }
        foreach (var m in r.Materials)
            lines.Add($"material {m.Code} {m.Status}{(m.WaivedBy is null ? "" : " by " + m.WaivedBy)} for [{string.Join(",", m.RequiredFor)}]");
        lines.Add($"missing [{string.Join(",", r.MissingFacts)}]");
        return lines.ToArray();
    }

    public static IEnumerable<Entry> Compute(string source) =>
        Sources(source).Select(c => new Entry(c.Key, InputHash(c), DescribeOrError(c)));

    private static string[] DescribeOrError(CorpusCase c)
    {
        try { return Describe(Assess(c)); }
        catch (ArgumentException e) { return [$"error {e.GetType().Name}"]; }
    }

    public static void Write(string file, IEnumerable<Entry> entries)
    {
        using var gz = new GZipStream(File.Create(file), CompressionLevel.SmallestSize);
        using var w = new StreamWriter(gz, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var e in entries) w.WriteLine(JsonSerializer.Serialize(new { key = e.Key, input = e.Input, result = e.Result }));
    }

    public static List<Entry> Read(string file)
    {
        using var gz = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var r = new StreamReader(gz, Encoding.UTF8);
        var list = new List<Entry>();
        while (r.ReadLine() is { } line)
        {
            var o = JsonNode.Parse(line)!;
            list.Add(new Entry((string)o["key"]!, (string)o["input"]!, o["result"]!.AsArray().Select(x => (string)x!).ToArray()));
        }
        return list;
    }

    // ---- fact sets built by the rule tests, captured with APPROVAL_CAPTURE_CASES=<file> ----------------------------

    private static readonly Lock CaptureLock = new();

    /// <summary>Called by <see cref="TestBundles.Facts"/>: appends the fact set to the capture file when capturing.</summary>
    public static void Capture(JsonObject form, IReadOnlyDictionary<string, object?>? shared)
    {
        if (Environment.GetEnvironmentVariable(CaptureVariable) is not { Length: > 0 } file) return;
        var bundle = form.ContainsKey("applicant") || form.ContainsKey("disability") ? "disability-assistance" : "entertainment-venue";
        var line = JsonSerializer.Serialize(new
        {
            bundle, form = form.ToJsonString(),
            shared = (shared ?? new Dictionary<string, object?>()).ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : JsonSerializer.SerializeToNode(kv.Value)),
        });
        lock (CaptureLock) File.AppendAllText(file, line + "\n");
    }

    /// <summary>The captured fact sets, once each, assessed on two dates.</summary>
    private static IEnumerable<CorpusCase> CapturedCases()
    {
        using var gz = new GZipStream(File.OpenRead(CapturedCasesFile), CompressionMode.Decompress);
        using var r = new StreamReader(gz, Encoding.UTF8);
        var n = 0;
        while (r.ReadLine() is { } line)
        {
            var o = JsonNode.Parse(line)!;
            var shared = new Dictionary<string, object?>();
            foreach (var (k, v) in o["shared"]!.AsObject())
                shared[k] = v switch
                {
                    null => null,
                    JsonValue b when b.GetValueKind() is JsonValueKind.True or JsonValueKind.False => (bool)b,
                    JsonValue s when s.GetValueKind() == JsonValueKind.String => (string)s!,
                    JsonValue x when x.TryGetValue<int>(out var i) => i,
                    JsonValue x => (decimal)x,
                    _ => v.ToJsonString(),
                };
            var form = JsonNode.Parse((string)o["form"]!)!.AsObject();
            foreach (var asOf in new[] { TestBundles.AsOf, new DateOnly(2025, 12, 31) })
                yield return new CorpusCase($"test-{n}-{asOf:yyyyMMdd}", (string)o["bundle"]!, asOf, (JsonObject)form.DeepClone(), shared);
            n++;
        }
    }

    /// <summary>Makes the captured file: distinct fact sets in first-seen order.</summary>
    public static void StoreCaptured(string rawFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (var line in File.ReadLines(rawFile))
        {
            if (!seen.Add(line)) continue;
            kept.Add(line);
        }
        using var gz = new GZipStream(File.Create(CapturedCasesFile), CompressionLevel.SmallestSize);
        using var w = new StreamWriter(gz, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var line in kept) w.WriteLine(line);
    }
}

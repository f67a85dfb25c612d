using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Forms;
using Approval.Rules;
using Approval.Rules.Bundles;
using Approval.Rules.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Approval.Api.Reform;

/// <summary>One item applied for on its own, before the bundle: its forms, material submissions and visits.</summary>
public sealed record BaselineItem(string Item, int Forms, int Materials, int Visits);

/// <summary>The applicant the "after" figures are computed for: one-form facts and what the registries answer about them.</summary>
public sealed record ReferenceApplicant(LocalizedText Description, string Channel, DateOnly AsOf, JsonObject Facts, IReadOnlyDictionary<string, object?> Shared);

/// <summary>A bundle's <c>reform.yaml</c>: the baseline of separate applications and the reference applicant.</summary>
public sealed record ReformDefinition(IReadOnlyList<BaselineItem> Baseline, int Visits, ReferenceApplicant Reference)
{
    public const string FileName = "reform.yaml";

    /// <summary>Parses and checks the file against its bundle: every item has a baseline, the reference facts pass the form.</summary>
    public static ReformDefinition Load(BundleDefinition bundle, string folder, string text)
    {
        var doc = YamlDoc.Parse(Path.Combine(folder, FileName), text);
        var root = doc.Map(doc.Root, "the reform file");
        doc.AllowOnly(root, "baseline", "visits", "reference");

        var baseline = doc.Seq(doc.Need(root, "baseline"), "baseline").Children.Select(n =>
        {
            var m = doc.Map(n, "a baseline item");
            doc.AllowOnly(m, "item", "forms", "materials", "visits");
            var item = new BaselineItem(doc.Str(m, "item"), doc.Int(m, "forms"), doc.Int(m, "materials"), doc.Int(m, "visits"));
            if (bundle.Item(item.Item) is null) throw doc.Error(m, $"baseline names unknown item '{item.Item}'");
            if (item.Forms < 0 || item.Materials < 0 || item.Visits < 0) throw doc.Error(m, $"baseline of {item.Item}: counts must not be negative");
            return item;
        }).ToList();
        foreach (var missing in bundle.Items.Select(i => i.Code).Except(baseline.Select(b => b.Item)))
            throw doc.Error(root, $"baseline: item {missing} has no baseline");
        if (baseline.GroupBy(b => b.Item).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw doc.Error(root, $"baseline: item {twice.Key} is listed twice");

        var r = doc.Map(doc.Need(root, "reference"), "reference");
        doc.AllowOnly(r, "description", "channel", "asOf", "facts", "shared");
        var facts = (JsonObject)ToJson(doc, doc.Map(doc.Need(r, "facts"), "reference facts"))!;
        using (var parsed = JsonDocument.Parse(facts.ToJsonString()))
        {
            var errors = FormValidator.Validate(bundle, parsed.RootElement);
            if (errors.Count > 0)
                throw doc.Error(doc.Need(r, "facts"), "reference facts do not pass the bundle's form: " +
                    string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")));
        }
        var shared = doc.Get(r, "shared") is { } s
            ? doc.Map(s, "reference shared").Children.ToDictionary(kv => doc.Scalar(kv.Key, "a shared fact"), kv => Scalar(doc, kv.Value))
            : new Dictionary<string, object?>();
        if (shared.Keys.FirstOrDefault(k => !k.StartsWith("shared.", StringComparison.Ordinal)) is { } bad)
            throw doc.Error(r, $"reference shared: '{bad}' is not a shared fact (shared.<source>.<name>)");
        var channel = doc.Str(r, "channel");
        if (!Applications.ApplicationEndpoints.Channels.Contains(channel))
            throw doc.Error(doc.Need(r, "channel"), $"reference channel must be one of: {string.Join(", ", Applications.ApplicationEndpoints.Channels)}");

        return new ReformDefinition(baseline, doc.OptInt(root, "visits") ?? 1,
            new ReferenceApplicant(doc.Text(r, "description"), channel, doc.Date(doc.Need(r, "asOf"), "asOf"), facts, shared));
    }

    private static JsonNode? ToJson(YamlDoc doc, YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(doc.Scalar(kv.Key, "a key"), ToJson(doc, kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(c => ToJson(doc, c)).ToArray()),
        _ => JsonValue.Create(Scalar(doc, node)) is { } v ? v : null,
    };

    /// <summary>A quoted scalar is a string; a plain one is true/false, a number, or else a string.</summary>
    private static object? Scalar(YamlDoc doc, YamlNode node)
    {
        var text = doc.Scalar(node, "a value");
        if (node is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted }) return text;
        if (text is "true" or "false") return text == "true";
        if (text is "null" or "~") return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return d;
        return text;
    }
}

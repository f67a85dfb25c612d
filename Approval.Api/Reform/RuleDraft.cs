using System.Globalization;
using Approval.Rules.Bundles;
using YamlDotNet.RepresentationModel;

namespace Approval.Api.Reform;

/// <summary>A proposed value of a dated parameter of <c>rules.yaml</c>, in force from <see cref="From"/>.</summary>
public sealed record ParameterChange(string Parameter, DateOnly From, decimal? Number, bool? Flag)
{
    public string ValueText => Flag is { } b ? (b ? "true" : "false") : Number!.Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A parameter's value from <see cref="From"/> on, as written in <c>rules.yaml</c>.</summary>
public sealed record DatedValue(DateOnly From, string Value);

public sealed record DatedParameter(string Name, bool IsFlag, IReadOnlyList<DatedValue> Values)
{
    /// <summary>The value in force on <paramref name="day"/> (null before the first date).</summary>
    public string? On(DateOnly day) => Values.LastOrDefault(v => v.From <= day)?.Value;
}

/// <summary>
/// A draft rule version: the bundle in force with dated parameter values added to its <c>rules.yaml</c>. The draft is
/// a complete bundle (its own content hash, so its own version) compiled like any other; nothing is stored.
/// </summary>
public static class RuleDraft
{
    public const string RulesFile = "rules.yaml";

    /// <summary>The names of the bundle's dated parameters with whether their values are true/false (else numbers).</summary>
    public static IReadOnlyDictionary<string, bool> Parameters(BundleDefinition bundle)
    {
        var (_, parameters) = Load(bundle);
        return parameters.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => IsFlag(kv.Value));
    }

    /// <summary>Every dated parameter of the bundle's <c>rules.yaml</c> with its values in date order.</summary>
    public static IReadOnlyList<DatedParameter> Read(BundleDefinition bundle)
    {
        var (_, parameters) = Load(bundle);
        return parameters.Children.Select(kv => new DatedParameter(((YamlScalarNode)kv.Key).Value!, IsFlag(kv.Value),
            ((YamlSequenceNode)kv.Value).Children.OfType<YamlMappingNode>()
                .Select(e => new DatedValue(DateOnly.ParseExact(e.Children[new YamlScalarNode("from")].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    e.Children[new YamlScalarNode("value")].ToString()))
                .OrderBy(v => v.From).ToList())).ToList();
    }

    /// <summary>The bundle with each change added to its parameter (an entry with the same <c>from</c> is replaced).</summary>
    public static BundleDefinition With(BundleDefinition bundle, string folder, IReadOnlyList<ParameterChange> changes)
    {
        var (stream, parameters) = Load(bundle);
        foreach (var change in changes)
        {
            var entries = (YamlSequenceNode)parameters.Children[new YamlScalarNode(change.Parameter)];
            var from = change.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var same = entries.Children.OfType<YamlMappingNode>().FirstOrDefault(e => e.Children.TryGetValue(new YamlScalarNode("from"), out var f) && f.ToString() == from);
            if (same is not null) entries.Children.Remove(same);
            var entry = new YamlMappingNode { { "from", from }, { "value", change.ValueText } };
            var index = entries.Children.OfType<YamlMappingNode>().Count(e => string.CompareOrdinal(e.Children[new YamlScalarNode("from")].ToString(), from) < 0);
            entries.Children.Insert(index, entry);
        }
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var files = new Dictionary<string, string>(bundle.Files) { [RulesFile] = writer.ToString(), [BundleLoader.BundleFile] = bundle.BundleYaml };
        return BundleLoader.Load(folder, files);
    }

    private static (YamlStream Stream, YamlMappingNode Parameters) Load(BundleDefinition bundle)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(bundle.Files[RulesFile]));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var parameters = root.Children.TryGetValue(new YamlScalarNode("parameters"), out var p) && p is YamlMappingNode m ? m : new YamlMappingNode();
        return (stream, parameters);
    }

    private static bool IsFlag(YamlNode entries) =>
        entries is YamlSequenceNode { Children: [YamlMappingNode first, ..] }
        && first.Children.TryGetValue(new YamlScalarNode("value"), out var v) && v.ToString() is "true" or "false";
}

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Approval.Rules.Yaml;

/// <summary>
/// Reads a YAML file through its node tree so that every problem can name the line it is on.
/// Unknown keys are errors: a typo in a bundle must not silently change policy.
/// </summary>
public sealed class YamlDoc
{
    public string File { get; }
    public YamlNode Root { get; }

    private YamlDoc(string file, YamlNode root) => (File, Root) = (file, root);

    public static YamlDoc Parse(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new DefinitionException(file, (int)e.Start.Line, e.InnerException?.Message ?? e.Message);
        }
        if (stream.Documents.Count == 0)
            throw new DefinitionException(file, 1, "the file is empty");
        return new YamlDoc(file, stream.Documents[0].RootNode);
    }

    public DefinitionException Error(YamlNode node, string problem) => new(File, (int)node.Start.Line, problem);

    public YamlMappingNode Map(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value)");

    public YamlSequenceNode Seq(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list");

    public void AllowOnly(YamlMappingNode map, params string[] keys)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = ((YamlScalarNode)key).Value;
            if (!keys.Contains(name))
                throw Error(key, $"unknown key '{name}' (expected one of: {string.Join(", ", keys)})");
        }
    }

    public YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public YamlNode Need(YamlMappingNode map, string key) =>
        Get(map, key) ?? throw Error(map, $"missing required key '{key}'");

    public string Str(YamlMappingNode map, string key) => Scalar(Need(map, key), key);

    public string? OptStr(YamlMappingNode map, string key) => Get(map, key) is { } n ? Scalar(n, key) : null;

    public string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"'{what}' must be a single value");

    public int Int(YamlMappingNode map, string key) => Int(Need(map, key), key);

    public int Int(YamlNode node, string what) =>
        int.TryParse(Scalar(node, what), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw Error(node, $"'{what}' must be a whole number");

    public int? OptInt(YamlMappingNode map, string key) => Get(map, key) is { } n ? Int(n, key) : null;

    public decimal? OptDecimal(YamlMappingNode map, string key) =>
        Get(map, key) is { } n
            ? decimal.TryParse(Scalar(n, key), NumberStyles.Number, CultureInfo.InvariantCulture, out var d)
                ? d : throw Error(n, $"'{key}' must be a number")
            : null;

    public bool OptBool(YamlMappingNode map, string key, bool fallback) =>
        Get(map, key) is { } n
            ? Scalar(n, key) switch
            {
                "true" => true,
                "false" => false,
                _ => throw Error(n, $"'{key}' must be true or false"),
            }
            : fallback;

    public IReadOnlyList<string> StrList(YamlMappingNode map, string key) =>
        Get(map, key) is { } n ? Seq(n, key).Children.Select(c => Scalar(c, key)).ToList() : [];

    public DateOnly Date(YamlNode node, string what) =>
        DateOnly.TryParseExact(Scalar(node, what), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : throw Error(node, $"'{what}' must be a date like 2026-01-01");

    public LocalizedText Text(YamlMappingNode map, string key)
    {
        var node = Need(map, key);
        if (node is YamlScalarNode s) return new LocalizedText(s.Value ?? "", s.Value ?? "");
        var m = Map(node, key);
        AllowOnly(m, "zh", "en");
        return new LocalizedText(Str(m, "zh"), Str(m, "en"));
    }
}

using System.Security.Cryptography;
using System.Text;
using Approval.Rules.Yaml;
using YamlDotNet.RepresentationModel;

namespace Approval.Rules.Bundles;

/// <summary>
/// Loads a bundle folder (<c>bundles/&lt;code&gt;/bundle.yaml</c> and its sibling files) and validates it.
/// Every problem is a <see cref="DefinitionException"/> naming the file, the line and the problem.
/// </summary>
public static class BundleLoader
{
    public const string BundleFile = "bundle.yaml";

    public static IReadOnlyList<BundleDefinition> LoadAll(string bundlesFolder)
    {
        if (!Directory.Exists(bundlesFolder))
            throw new DefinitionException(bundlesFolder, 0, "the bundles folder does not exist");
        var bundles = Directory.GetDirectories(bundlesFolder)
            .Where(d => File.Exists(System.IO.Path.Combine(d, BundleFile)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .Select(LoadFolder)
            .ToList();
        var dup = bundles.GroupBy(b => b.Code).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new DefinitionException(bundlesFolder, 0, $"two folders declare bundle code '{dup.Key}'");
        return bundles;
    }

    public static BundleDefinition LoadFolder(string folder)
    {
        var files = Directory.GetFiles(folder, "*", SearchOption.TopDirectoryOnly)
            .OrderBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)
            .ToDictionary(f => System.IO.Path.GetFileName(f), File.ReadAllText);
        return Load(folder, files);
    }

    /// <summary>Loads a bundle from its files' texts (name → text); <paramref name="folder"/> only names them in errors.</summary>
    public static BundleDefinition Load(string folder, IReadOnlyDictionary<string, string> files)
    {
        var bundlePath = System.IO.Path.Combine(folder, BundleFile);
        if (!files.TryGetValue(BundleFile, out var text))
            throw new DefinitionException(bundlePath, 0, "missing bundle.yaml");
        var doc = YamlDoc.Parse(bundlePath, text);
        var root = doc.Map(doc.Root, "the bundle");
        doc.AllowOnly(root, "code", "version", "name", "description", "jurisdictionRegions", "departments", "items", "form", "materials");

        var code = doc.Str(root, "code");
        var departments = doc.Seq(doc.Need(root, "departments"), "departments").Children.Select(n =>
        {
            var m = doc.Map(n, "a department");
            doc.AllowOnly(m, "code", "name");
            return new DepartmentDefinition(doc.Str(m, "code"), doc.Text(m, "name"));
        }).ToList();
        Unique(doc, root, departments.Select(d => d.Code), "department");

        var items = doc.Seq(doc.Need(root, "items"), "items").Children.Select(n =>
        {
            var m = doc.Map(n, "an item");
            doc.AllowOnly(m, "code", "name", "department", "statutoryDays", "promisedDays", "notes");
            var item = new ItemDefinition(doc.Str(m, "code"), doc.Text(m, "name"), doc.Str(m, "department"),
                doc.Int(m, "statutoryDays"), doc.Int(m, "promisedDays"), doc.OptStr(m, "notes"));
            if (departments.All(d => d.Code != item.Department))
                throw doc.Error(doc.Need(m, "department"), $"item {item.Code}: unknown department '{item.Department}'");
            if (item.PromisedDays <= 0 || item.PromisedDays > item.StatutoryDays)
                throw doc.Error(m, $"item {item.Code}: promisedDays must be between 1 and statutoryDays ({item.StatutoryDays})");
            return item;
        }).ToList();
        if (items.Count == 0) throw doc.Error(root, "a bundle needs at least one item");
        Unique(doc, root, items.Select(i => i.Code), "item");

        var form = doc.Seq(doc.Need(root, "form"), "form").Children.Select(n => Field(doc, n, "")).ToList();
        Unique(doc, root, form.Select(f => f.Path), "form field");

        var materials = doc.Seq(doc.Need(root, "materials"), "materials").Children.Select(n =>
        {
            var m = doc.Map(n, "a material");
            doc.AllowOnly(m, "code", "name", "neededBy", "waivedWhen");
            var mat = new MaterialDefinition(doc.Str(m, "code"), doc.Text(m, "name"), doc.StrList(m, "neededBy"), doc.OptStr(m, "waivedWhen"));
            foreach (var item in mat.NeededBy.Where(i => items.All(x => x.Code != i)))
                throw doc.Error(m, $"material {mat.Code}: neededBy names unknown item '{item}'");
            return mat;
        }).ToList();
        Unique(doc, root, materials.Select(m => m.Code), "material");

        var name = doc.Text(root, "name");
        var bundle = new BundleDefinition(
            code, doc.Str(root, "version"), name,
            doc.Get(root, "description") is not null ? doc.Text(root, "description") : name,
            departments, items, form, materials, doc.StrList(root, "jurisdictionRegions"))
        {
            ContentHash = Hash(files),
            Files = files.Where(f => f.Key != BundleFile).ToDictionary(),
            BundleYaml = text,
        };
        return bundle;
    }

    private static FormField Field(YamlDoc doc, YamlNode node, string prefix)
    {
        var m = doc.Map(node, "a form field");
        doc.AllowOnly(m, "path", "type", "label", "required", "requiredWhen", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "format", "values", "items", "sumOf", "minItems");
        var path = doc.Str(m, "path");
        var typeNode = doc.Need(m, "type");
        if (!Enum.TryParse<FieldType>(doc.Scalar(typeNode, "type"), ignoreCase: true, out var type))
            throw doc.Error(typeNode, $"field {path}: unknown type '{doc.Scalar(typeNode, "type")}' (string, boolean, integer, number, date, enum, object, array)");
        var format = doc.OptStr(m, "format");
        if (format is not null and not ("cn-id" or "uscc" or "mobile" or "region-code" or "disability-certificate"))
            throw doc.Error(doc.Need(m, "format"), $"field {path}: unknown format '{format}'");
        var values = doc.StrList(m, "values");
        if (type == FieldType.Enum && values.Count == 0)
            throw doc.Error(m, $"field {path}: an enum needs its values");
        var full = prefix + path;
        var itemFields = doc.Get(m, "items") is { } items
            ? doc.Seq(items, "items").Children.Select(c => Field(doc, c, "")).ToList()
            : [];
        if (type == FieldType.Array && itemFields.Count == 0)
            throw doc.Error(m, $"field {path}: an array needs its item fields");
        ArraySum? sum = null;
        if (doc.Get(m, "sumOf") is { } s)
        {
            var sm = doc.Map(s, "sumOf");
            doc.AllowOnly(sm, "field", "total");
            sum = new ArraySum(doc.Str(sm, "field"), doc.OptDecimal(sm, "total") ?? 100);
            if (itemFields.All(f => f.Path != sum.Field))
                throw doc.Error(s, $"field {path}: sumOf names unknown item field '{sum.Field}'");
        }
        return new FormField(full, type, doc.Text(m, "label"), doc.OptBool(m, "required", false), doc.OptStr(m, "requiredWhen"),
            doc.OptInt(m, "minLength"), doc.OptInt(m, "maxLength"), doc.OptDecimal(m, "minimum"), doc.OptDecimal(m, "maximum"),
            doc.OptDecimal(m, "exclusiveMinimum"), format, values, itemFields, sum, doc.OptInt(m, "minItems"), (int)m.Start.Line);
    }

    private static void Unique(YamlDoc doc, YamlNode at, IEnumerable<string> codes, string what)
    {
        var dup = codes.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw doc.Error(at, $"duplicate {what} '{dup.Key}'");
    }

    private static string Hash(IReadOnlyDictionary<string, string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\n"));
            sha.AppendData(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

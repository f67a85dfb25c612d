using Approval.Rules.Yaml;

namespace Approval.Rules.Bundles;

/// <summary>A bundle (一件事) as loaded from its folder: items, departments, the one form and the materials.</summary>
public sealed record BundleDefinition(
    string Code,
    string DeclaredVersion,
    LocalizedText Name,
    LocalizedText Description,
    IReadOnlyList<DepartmentDefinition> Departments,
    IReadOnlyList<ItemDefinition> Items,
    IReadOnlyList<FormField> Form,
    IReadOnlyList<MaterialDefinition> Materials,
    IReadOnlyList<string> JurisdictionRegions)
{
    /// <summary>SHA-256 of every file in the bundle folder, in name order (hex, lower case).</summary>
    public string ContentHash { get; init; } = "";

    /// <summary>Declared version plus the first 12 hex digits of the content hash, e.g. <c>2026.1+3f9a0c1d2e4b</c>.</summary>
    public string Version => $"{DeclaredVersion}+{ContentHash[..Math.Min(12, ContentHash.Length)]}";

    /// <summary>The files of the folder other than bundle.yaml (rules, workflow), by name, for the other loaders.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The text of bundle.yaml itself.</summary>
    public string BundleYaml { get; init; } = "";

    public ItemDefinition? Item(string code) => Items.FirstOrDefault(i => i.Code == code);

    /// <summary>Every field, nested ones included, by path (array items as <c>path[].field</c>).</summary>
    public IEnumerable<FormField> AllFields() => Form.SelectMany(Flatten);

    private static IEnumerable<FormField> Flatten(FormField f) => [f, .. f.ItemFields.SelectMany(Flatten)];
}

public sealed record DepartmentDefinition(string Code, LocalizedText Name);

/// <summary>An item (事项): one approval or benefit decided by one department, with time limits in working days.</summary>
public sealed record ItemDefinition(
    string Code,
    LocalizedText Name,
    string Department,
    int StatutoryDays,
    int PromisedDays,
    string? Notes);

public enum FieldType { String, Boolean, Integer, Number, Date, Enum, Object, Array }

/// <summary>
/// One field of the one form (一表申请). <see cref="Format"/> names a check beyond type and length:
/// <c>cn-id</c> (GB 11643), <c>uscc</c> (GB 32100), <c>mobile</c>, <c>region-code</c>.
/// </summary>
public sealed record FormField(
    string Path,
    FieldType Type,
    LocalizedText Label,
    bool Required,
    string? RequiredWhen,
    int? MinLength,
    int? MaxLength,
    decimal? Minimum,
    decimal? Maximum,
    decimal? ExclusiveMinimum,
    string? Format,
    IReadOnlyList<string> Values,
    IReadOnlyList<FormField> ItemFields,
    ArraySum? SumOf,
    int? MinItems,
    int Line)
{
    /// <summary>The last segment of the path: the JSON property name.</summary>
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];
}

/// <summary>An array whose elements' <see cref="Field"/> must add up to <see cref="Total"/> (investor shares to 100).</summary>
public sealed record ArraySum(string Field, decimal Total);

/// <summary>A material (材料): one document serving every item that needs it, and the ways it can be waived.</summary>
public sealed record MaterialDefinition(
    string Code,
    LocalizedText Name,
    IReadOnlyList<string> NeededBy,
    string? WaivedWhen);

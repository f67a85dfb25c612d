using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Approval.Rules.Bundles;
using Approval.Rules.Identifiers;
using Approval.Rules.Yaml;
using Approval.Api.Infrastructure;

namespace Approval.Api.Forms;

/// <summary>
/// Checks an applicant's facts against the bundle's one form before anything reaches the rules or the database:
/// unknown fields, JSON types, required fields, lengths, ranges, enums, ID numbers (GB 11643), credit codes
/// (GB 32100), array sums. Errors are keyed by JSON path under the given prefix, e.g.
/// <c>facts.enterprise.investors[1].sharePercent</c>.
/// </summary>
public static partial class FormValidator
{
    public static Dictionary<string, string[]> Validate(BundleDefinition bundle, JsonElement facts, string prefix = "facts")
    {
        var errors = new Dictionary<string, List<string>>();
        if (facts.ValueKind != JsonValueKind.Object)
            Add(errors, prefix, Texts.MustBeObject);
        else
            ValidateObject(bundle.Form, facts, facts, prefix, "", errors);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static void ValidateObject(IReadOnlyList<FormField> fields, JsonElement scope, JsonElement obj, string jsonPrefix, string fieldPrefix,
        Dictionary<string, List<string>> errors)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var relative = field.Path;
            if (!relative.StartsWith(fieldPrefix, StringComparison.Ordinal)) continue;
            var rest = relative[fieldPrefix.Length..];
            var top = rest.Split('.')[0];
            known.Add(top);
            if (rest.Contains('.')) continue;
            var jsonPath = $"{jsonPrefix}.{top}";
            var present = obj.TryGetProperty(top, out var value) && value.ValueKind != JsonValueKind.Null;
            if (!present)
            {
                if (field.Required)
                    Add(errors, jsonPath, Texts.FieldRequired(field.Label));
                else if (field.RequiredWhen is { } when && Holds(when, scope))
                    Add(errors, jsonPath, Texts.FieldRequiredWhen(field.Label, when));
                continue;
            }
            ValidateValue(field, fields, scope, value, jsonPath, errors);
        }
        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                Add(errors, $"{jsonPrefix}.{property.Name}", Texts.NotAFormField);
            else if (!fields.Any(f => f.Path == fieldPrefix + property.Name) && property.Value.ValueKind != JsonValueKind.Null)
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    Add(errors, $"{jsonPrefix}.{property.Name}", Texts.MustBeObject);
                else
                    ValidateObject(fields, scope, property.Value, $"{jsonPrefix}.{property.Name}", $"{fieldPrefix}{property.Name}.", errors);
            }
        }
        foreach (var group in known.Where(k => !obj.TryGetProperty(k, out var v) || v.ValueKind == JsonValueKind.Null))
        {
            if (fields.All(f => f.Path != fieldPrefix + group))
                ValidateObject(fields, scope, EmptyObject, $"{jsonPrefix}.{group}", $"{fieldPrefix}{group}.", errors);
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private static void ValidateValue(FormField f, IReadOnlyList<FormField> fields, JsonElement scope, JsonElement v, string path, Dictionary<string, List<string>> errors)
    {
        switch (f.Type)
        {
            case FieldType.Boolean when v.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                Add(errors, path, Texts.MustBeBool);
                return;
            case FieldType.Integer when v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out _):
                Add(errors, path, Texts.MustBeWholeNumber);
                return;
            case FieldType.Number when v.ValueKind != JsonValueKind.Number:
                Add(errors, path, Texts.MustBeNumber);
                return;
            case FieldType.String or FieldType.Enum or FieldType.Date when v.ValueKind != JsonValueKind.String:
                Add(errors, path, Texts.MustBeString);
                return;
            case FieldType.Object when v.ValueKind != JsonValueKind.Object:
                Add(errors, path, Texts.MustBeObject);
                return;
            case FieldType.Array when v.ValueKind != JsonValueKind.Array:
                Add(errors, path, Texts.MustBeArray);
                return;
        }

        switch (f.Type)
        {
            case FieldType.String:
                var s = v.GetString()!;
                if (f.MinLength is { } min && s.Trim().Length < min) Add(errors, path, Texts.AtLeastChars(min));
                if (f.MaxLength is { } max && s.Length > max) Add(errors, path, Texts.AtMostChars(max));
                if (f.Format is { } format && FormatError(format, s, scope) is { } problem) Add(errors, path, problem);
                break;
            case FieldType.Enum when !f.Values.Contains(v.GetString()!):
                Add(errors, path, Texts.OneOf(f.Values));
                break;
            case FieldType.Date when !DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _):
                Add(errors, path, Texts.MustBeDate);
                break;
            case FieldType.Integer or FieldType.Number:
                if (!v.TryGetDecimal(out var n)) { Add(errors, path, Texts.OutOfRange); break; }
                if (f.Minimum is { } lo && n < lo) Add(errors, path, Texts.AtLeast(lo.ToString(CultureInfo.InvariantCulture)));
                if (f.Maximum is { } hi && n > hi) Add(errors, path, Texts.AtMost(hi.ToString(CultureInfo.InvariantCulture)));
                if (f.ExclusiveMinimum is { } ex && n <= ex) Add(errors, path, Texts.GreaterThan(ex.ToString(CultureInfo.InvariantCulture)));
                break;
            case FieldType.Object:
                ValidateObject(fields, scope, v, path, f.Path + ".", errors);
                break;
            case FieldType.Array:
                ValidateArray(f, v, path, errors);
                break;
        }
    }

    private static void ValidateArray(FormField f, JsonElement array, string path, Dictionary<string, List<string>> errors)
    {
        var count = array.GetArrayLength();
        if (f.MinItems is { } min && count < min) Add(errors, path, Texts.AtLeastEntries(min));
        var index = 0;
        decimal sum = 0;
        var summable = true;
        foreach (var element in array.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (element.ValueKind != JsonValueKind.Object) { Add(errors, itemPath, Texts.MustBeObject); summable = false; continue; }
            ValidateObject(f.ItemFields, element, element, itemPath, "", errors);
            if (f.SumOf is { } s)
            {
                if (element.TryGetProperty(s.Field, out var part) && part.ValueKind == JsonValueKind.Number) sum += part.GetDecimal();
                else summable = false;
            }
        }
        if (f.SumOf is { } total && summable && count > 0 && sum != total.Total)
            Add(errors, path, Texts.MustAddUpTo(total.Field, total.Total.ToString(CultureInfo.InvariantCulture), sum.ToString(CultureInfo.InvariantCulture)));
    }

    private static LocalizedText? FormatError(string format, string s, JsonElement scope) => format switch
    {
        "cn-id" => ChineseId.IsValid(s) ? null : Texts.InvalidIdNumber,
        "uscc" => CreditCode.IsValid(s) ? null : Texts.InvalidCreditCode,
        "mobile" => Mobile().IsMatch(s) ? null : Texts.InvalidMobile,
        "region-code" => Region().IsMatch(s) ? null : Texts.InvalidRegion,
        "disability-certificate" => DisabilityCertificateError(s, scope),
        _ => null,
    };

    private static LocalizedText? DisabilityCertificateError(string s, JsonElement scope)
    {
        if (s.Length != 20 || !ChineseId.IsValid(s[..18]) || s[18] is < '1' or > '7' || s[19] is < '1' or > '4')
            return Texts.CertificateFormat;
        return Lookup(scope, "applicant.idNumber") is { ValueKind: JsonValueKind.String } id && !string.Equals(id.GetString(), s[..18], StringComparison.OrdinalIgnoreCase)
            ? Texts.CertificateOfApplicant
            : null;
    }

    /// <summary>
    /// <c>requiredWhen</c>: conditions joined by <c>and</c>; each is <c>path</c> (present and not false),
    /// <c>not path</c>, or <c>path op value</c> with op one of == != &gt; &gt;= &lt; &lt;=.
    /// </summary>
    internal static bool Holds(string condition, JsonElement scope) =>
        condition.Split(" and ", StringSplitOptions.TrimEntries).All(c => HoldsOne(c, scope));

    private static bool HoldsOne(string c, JsonElement scope)
    {
        if (c.StartsWith("not ", StringComparison.Ordinal)) return !HoldsOne(c[4..].Trim(), scope);
        var m = Comparison().Match(c);
        if (!m.Success)
            return Lookup(scope, c) is { } v && v.ValueKind is not (JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined);
        if (Lookup(scope, m.Groups[1].Value) is not { } actual) return false;
        var expected = m.Groups[3].Value.Trim('\'', '"');
        var op = m.Groups[2].Value;
        if (actual.ValueKind == JsonValueKind.Number && decimal.TryParse(expected, CultureInfo.InvariantCulture, out var e))
        {
            var a = actual.GetDecimal();
            return op switch { "==" => a == e, "!=" => a != e, ">" => a > e, ">=" => a >= e, "<" => a < e, "<=" => a <= e, _ => false };
        }
        var text = actual.ValueKind == JsonValueKind.String ? actual.GetString() : actual.GetRawText();
        return op switch { "==" => text == expected, "!=" => text != expected, _ => false };
    }

    private static JsonElement? Lookup(JsonElement scope, string path) => Infrastructure.JsonPath.Find(scope, path);

    private static void Add(Dictionary<string, List<string>> errors, string path, LocalizedText text)
    {
        if (!errors.TryGetValue(path, out var list)) errors[path] = list = [];
        list.Add(text.Pick());
    }

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^\d{6}$")]
    private static partial Regex Region();

    [GeneratedRegex(@"^([\w.]+)\s*(==|!=|>=|<=|>|<)\s*(.+)$")]
    private static partial Regex Comparison();
}

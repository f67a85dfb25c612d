using System.Text.Json.Nodes;
using Approval.Rules.Bundles;

namespace Approval.Api.Bundles;

/// <summary>
/// The one form as a JSON Schema (draft 2020-12), generated from the bundle's field definitions.
/// Checks JSON Schema cannot say are kept as <c>x-</c> keywords: <c>format</c> names our own formats
/// (<c>cn-id</c> GB 11643, <c>uscc</c> GB 32100, <c>mobile</c>, <c>region-code</c>), <c>x-requiredWhen</c>
/// and <c>x-sumOf</c>; <c>x-label</c> carries the Chinese and English labels.
/// </summary>
public static class FormSchema
{
    public static JsonObject For(BundleDefinition bundle)
    {
        var root = ObjectSchema();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$id"] = $"urn:approval:bundle:{bundle.Code}:{bundle.Version}:form";
        root["title"] = bundle.Name.Zh;
        root["description"] = bundle.Name.En;
        foreach (var field in bundle.Form) Place(root, field.Path.Split('.'), field);
        return root;
    }

    private static void Place(JsonObject parent, string[] segments, FormField field)
    {
        var props = (JsonObject)parent["properties"]!;
        var name = segments[0];
        if (segments.Length > 1)
        {
            if (props[name] is not JsonObject child) props[name] = child = ObjectSchema();
            Place(child, segments[1..], field);
            return;
        }
        var schema = props[name] as JsonObject;
        var own = FieldSchema(field);
        if (schema is null) props[name] = own;
        else foreach (var (k, v) in own.ToList()) { own.Remove(k); if (k != "properties") schema[k] = v; }
        if (field.Required) Require(parent, name);
        if (field.RequiredWhen is { } when)
        {
            var target = (JsonObject)props[name]!;
            target["x-requiredWhen"] = when;
        }
    }

    private static JsonObject FieldSchema(FormField f)
    {
        var s = new JsonObject
        {
            ["title"] = f.Label.Zh,
            ["description"] = f.Label.En,
            ["x-label"] = new JsonObject { ["zh"] = f.Label.Zh, ["en"] = f.Label.En },
        };
        switch (f.Type)
        {
            case FieldType.String: s["type"] = "string"; break;
            case FieldType.Boolean: s["type"] = "boolean"; break;
            case FieldType.Integer: s["type"] = "integer"; break;
            case FieldType.Number: s["type"] = "number"; break;
            case FieldType.Date: s["type"] = "string"; s["format"] = "date"; break;
            case FieldType.Enum: s["type"] = "string"; s["enum"] = new JsonArray(f.Values.Select(v => (JsonNode)v!).ToArray()); break;
            case FieldType.Object:
                s["type"] = "object";
                s["properties"] = new JsonObject();
                s["additionalProperties"] = false;
                break;
            case FieldType.Array:
                s["type"] = "array";
                var item = ObjectSchema();
                foreach (var sub in f.ItemFields) Place(item, sub.Path.Split('.'), sub);
                s["items"] = item;
                if (f.MinItems is { } min) s["minItems"] = min;
                if (f.SumOf is { } sum) s["x-sumOf"] = new JsonObject { ["field"] = sum.Field, ["total"] = sum.Total };
                break;
        }
        if (f.Format is { } format) s["format"] = format;
        if (f.MinLength is { } minLength) s["minLength"] = minLength;
        if (f.MaxLength is { } maxLength) s["maxLength"] = maxLength;
        if (f.Minimum is { } minimum) s["minimum"] = minimum;
        if (f.Maximum is { } maximum) s["maximum"] = maximum;
        if (f.ExclusiveMinimum is { } exclusive) s["exclusiveMinimum"] = exclusive;
        return s;
    }

    private static JsonObject ObjectSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(),
        ["additionalProperties"] = false,
    };

    private static void Require(JsonObject parent, string name)
    {
        if (parent["required"] is not JsonArray required) parent["required"] = required = [];
        required.Add(name);
    }
}

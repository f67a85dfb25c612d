using System.Text.Json;

namespace Approval.Api.Infrastructure;

/// <summary>Reads a dotted path (<c>applicant.idNumber</c>) out of a JSON object; JSON null counts as absent.</summary>
public static class JsonPath
{
    public static JsonElement? Find(JsonElement e, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(segment, out e) || e.ValueKind == JsonValueKind.Null) return null;
        }
        return e;
    }

    public static string? Text(JsonElement e, string path) => Find(e, path) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}

using System.Globalization;
using System.Text.Json;

namespace Approval.Api.Infrastructure;

/// <summary>Reads JSON bodies by hand so that malformed JSON and wrong types become 400s keyed by JSON path, never 500s.</summary>
public static class RequestBody
{
    public sealed record Parsed(JsonDocument? Document, Dictionary<string, string[]>? Errors);

    public static async Task<Parsed> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            return new(null, new() { ["body"] = Texts.MustBeJson.Field() });
        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return new(document, null);
            document.Dispose();
            return new(null, new() { ["body"] = Texts.MustBeObject.Field() });
        }
        catch (JsonException e)
        {
            return new(null, new() { ["body"] = Texts.NotValidJson(e.Message.Split(" Path:")[0]).Field() });
        }
    }

    public static Dictionary<string, string[]> AllowOnly(JsonElement root, params string[] names)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var p in root.EnumerateObject().Where(p => !names.Contains(p.Name)))
            errors[p.Name] = Texts.NotAField(string.Join(", ", names)).Field();
        return errors;
    }

    public static DateOnly? Date(JsonElement root, string name, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d;
        errors[name] = Texts.MustBeDate.Field();
        return null;
    }

    public static string? String(JsonElement root, string name, Dictionary<string, string[]> errors, bool required = true)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors[name] = Texts.Required.Field();
            return null;
        }
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        errors[name] = Texts.MustBeString.Field();
        return null;
    }
}

/// <summary>Dates in the service are China Standard Time (UTC+8) calendar dates.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);
}

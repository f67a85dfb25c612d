using System.Globalization;
using System.Text.Json;

namespace Approval.Api.Infrastructure;

/// <summary>Reads JSON bodies by hand so that malformed JSON and wrong types become 400s keyed by JSON path, never 500s.</summary>
public static class RequestBody
{
    public sealed record Parsed(JsonDocument? Document, Dictionary<string, string[]>? Errors);

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    public static async Task<Parsed> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            return new(null, new() { ["body"] = Texts.MustBeJson.Field() });
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var parsed = Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        if (parsed.Document is { RootElement.ValueKind: not JsonValueKind.Object } document)
        {
            document.Dispose();
            return new(null, new() { ["body"] = Texts.MustBeObject.Field() });
        }
        return parsed;
    }

    /// <summary>Parses JSON and refuses what could not be stored or read back: duplicate keys, text that is not valid UTF-8 or
    /// has lone surrogates, NUL characters, and numbers outside the decimal range (1e400). Errors are keyed by JSON path.</summary>
    public static Parsed Parse(ReadOnlyMemory<byte> utf8, string root = "body")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            return new(null, new() { ["body"] = Texts.NotValidJson(e.Message.Split(" Path:")[0]).Field() });
        }
        var errors = new Dictionary<string, string[]>();
        Check(document.RootElement, "", root, errors);
        if (errors.Count == 0) return new(document, null);
        document.Dispose();
        return new(null, errors);
    }

    private static void Check(JsonElement e, string path, string root, Dictionary<string, string[]> errors)
    {
        if (errors.Count >= 20) return;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (Text(() => p.Name) is not { } name)
                    {
                        errors[Join(path, "?")] = [TextError(null)!];
                        continue;
                    }
                    var at = Join(path, name);
                    if (TextError(name) is { } nameError) errors[at] = [$"has an invalid name: {nameError}"];
                    else if (!seen.Add(name)) errors[at] = ["is given more than once"];
                    else Check(p.Value, at, root, errors);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Check(item, $"{(path.Length == 0 ? root : path)}[{i++}]", root, errors);
                break;
            case JsonValueKind.String:
                if (TextError(Text(e.GetString)) is { } error) errors[path.Length == 0 ? root : path] = [error];
                break;
            case JsonValueKind.Number:
                if (!e.TryGetDecimal(out _)) errors[path.Length == 0 ? root : path] = ["is a number out of range"];
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string? Text(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Why a text cannot be stored: null = not valid UTF-8 / UTF-16 (lone surrogate); a NUL character.</summary>
    public static string? TextError(string? text)
    {
        if (text is null) return "must be valid Unicode text (no invalid UTF-8, no lone surrogates)";
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return "must not contain the NUL character (\\u0000)";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) return "must be valid Unicode text (no invalid UTF-8, no lone surrogates)";
        }
        return null;
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

    /// <summary>A string field that must not be blank, with the length limit of the column it is stored in.</summary>
    public static string? Text(JsonElement root, string name, int maxLength, Dictionary<string, string[]> errors, bool required = true)
    {
        var value = String(root, name, errors, required);
        if (value is null) return null;
        if (string.IsNullOrWhiteSpace(value)) errors[name] = ["must not be empty"];
        else if (value.Length > maxLength) errors[name] = [$"must have at most {maxLength} characters"];
        return value;
    }
}

/// <summary>Dates in the service are China Standard Time (UTC+8) calendar dates.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);
}

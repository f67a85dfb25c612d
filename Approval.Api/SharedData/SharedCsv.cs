using System.Text.Json.Nodes;

namespace Approval.Api.SharedData;

/// <summary>
/// CSV import: a header <c>subject,validFrom,validTo,&lt;attribute&gt;…</c>, then one record a line. Fields may be
/// double-quoted; list attributes are separated by <c>;</c>; <c>true</c>/<c>false</c> and whole numbers become JSON values.
/// </summary>
public static class SharedCsv
{
    public static Dictionary<string, string[]>? Parse(string text, SharedSource source, out List<JsonObject> records)
    {
        records = [];
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select((l, i) => (Line: l, Number: i + 1)).Where(l => l.Line.Trim().Length > 0).ToList();
        if (lines.Count < 2) return new() { ["records"] = ["a CSV import needs a header line and at least one record"] };
        var header = Split(lines[0].Line).Select(h => h.Trim()).ToList();
        if (header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return new() { ["header"] = [$"column {twice.Key} is given more than once"] };
        var unknown = header.Where(h => h is not ("subject" or "validFrom" or "validTo") && source.Attributes.All(a => a.Name != h)).ToList();
        if (unknown.Count > 0 || !header.Contains("subject"))
            return new() { ["header"] = [$"columns must be subject, validFrom, validTo and attributes of {source.Code} ({string.Join(", ", source.Attributes.Select(a => a.Name))}); unknown: {string.Join(", ", unknown)}"] };

        foreach (var (line, number) in lines.Skip(1))
        {
            var cells = Split(line);
            if (cells.Count != header.Count)
                return new() { [$"records[{records.Count}]"] = [$"line {number} has {cells.Count} fields, the header has {header.Count}"] };
            var record = new JsonObject();
            var attributes = new JsonObject();
            for (var c = 0; c < header.Count; c++)
            {
                var value = cells[c].Trim();
                if (value.Length == 0) continue;
                var name = header[c];
                if (name is "subject" or "validFrom" or "validTo") { record[name] = value; continue; }
                var attribute = source.Attributes.First(a => a.Name == name);
                attributes[name] = attribute.Kind switch
                {
                    AttributeKind.IdentifierList => new JsonArray(value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (JsonNode)v!).ToArray()),
                    AttributeKind.Bool when bool.TryParse(value, out var b) => b,
                    AttributeKind.Grade when int.TryParse(value, out var i) => i,
                    _ => value,
                };
            }
            record["attributes"] = attributes;
            records.Add(record);
        }
        return null;
    }

    private static List<string> Split(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else current.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(current.ToString()); current.Clear(); }
            else current.Append(ch);
        }
        cells.Add(current.ToString());
        return cells;
    }
}

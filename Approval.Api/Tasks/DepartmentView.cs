using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Approval.Api.Applications;

namespace Approval.Api.Tasks;

/// <summary>
/// What each department may see of an application's facts (最小必要): a small projection by JSON path prefixes, with ID
/// numbers, phone numbers, bank accounts and certificate numbers masked. A department not listed sees only the applicant's name.
/// A path whose value is missing or null is left out, and so is a section none of whose paths is there.
/// </summary>
public static class DepartmentView
{
    private static readonly Dictionary<string, string[]> Paths = new()
    {
        ["service-hall"] = ["applicant", "agent", "disability", "household", "pension", "payment", "evidence", "enterprise", "venue", "fire", "declarations"],
        ["dpf"] = ["applicant", "agent", "disability"],
        ["designated-hospital"] = ["applicant.name", "applicant.idNumber", "disability.category", "disability.needsLongTermCare"],
        ["civil-affairs"] = ["applicant", "agent", "disability", "household", "payment"],
        ["medical-security"] = ["applicant", "household"],
        ["hrss"] = ["applicant", "disability.grade", "household", "pension"],
        ["market-regulation"] = ["enterprise", "venue.regionCode", "venue.address", "venue.premises"],
        ["culture-tourism"] = ["enterprise.proposedName", "enterprise.existingCreditCode", "enterprise.legalRepresentative", "venue", "declarations"],
        ["fire-rescue"] = ["enterprise.proposedName", "enterprise.existingCreditCode", "venue", "fire"],
    };

    private static readonly Dictionary<string, Section> Views = Paths.ToDictionary(p => p.Key, p => Section.Of(p.Value));
    private static readonly Section NameOnly = Section.Of(["applicant.name", "enterprise.proposedName"]);

    // The response's writer escapes the view's strings again as it copies them: here they are written as they are.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic] private static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] private static Utf8JsonWriter? writer;

    /// <summary>The department's view of the facts, read from the stored JSON and written masked in one pass.</summary>
    public static JsonElement Project(string factsJson, string department)
    {
        using var facts = JsonDocument.Parse(factsJson);
        var output = buffer ??= new ArrayBufferWriter<byte>(1024);
        output.ResetWrittenCount();
        var w = writer ??= new Utf8JsonWriter(output, WriterOptions);
        w.Reset(output);
        var root = facts.RootElement;
        var section = Views.GetValueOrDefault(department) ?? NameOnly;
        if (root.ValueKind == JsonValueKind.Object) section.Write(w, root);
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
        w.Flush();
        var reader = new Utf8JsonReader(output.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>The properties of an object a view keeps: each either whole (<c>Part</c> null) or a section of its own.</summary>
    private sealed class Section
    {
        private readonly List<(string Name, byte[] Utf8, Section? Part)> _parts = [];

        public static Section Of(IEnumerable<string> paths)
        {
            var root = new Section();
            foreach (var path in paths) root.Add(path.Split('.'));
            return root;
        }

        private void Add(ReadOnlySpan<string> segments)
        {
            var first = segments[0];
            var i = _parts.FindIndex(p => p.Name == first);
            if (segments.Length == 1)
            {
                if (i >= 0) throw new InvalidOperationException($"the view names '{segments[0]}' twice, or both whole and in part");
                _parts.Add((segments[0], Encoding.UTF8.GetBytes(segments[0]), null));
                return;
            }
            if (i < 0) _parts.Add((segments[0], Encoding.UTF8.GetBytes(segments[0]), new Section()));
            else if (_parts[i].Part is null) throw new InvalidOperationException($"the view names '{segments[0]}' both whole and in part");
            _parts[i < 0 ? ^1 : i].Part!.Add(segments[1..]);
        }

        private bool AnyIn(JsonElement source)
        {
            foreach (var (name, _, part) in _parts)
                if (source.TryGetProperty(name, out var value) && IsThere(value, part)) return true;
            return false;
        }

        private static bool IsThere(JsonElement value, Section? part) =>
            part is null ? value.ValueKind != JsonValueKind.Null : value.ValueKind == JsonValueKind.Object && part.AnyIn(value);

        public void Write(Utf8JsonWriter w, JsonElement source)
        {
            w.WriteStartObject();
            foreach (var (name, utf8, part) in _parts)
            {
                if (!source.TryGetProperty(utf8, out var value) || !IsThere(value, part)) continue;
                w.WritePropertyName(utf8);
                if (part is null) WriteMasked(w, utf8, value);
                else part.Write(w, value);
            }
            w.WriteEndObject();
        }
    }

    /// <summary>A value as it is, with the strings of the properties <see cref="IdMasker.Masked"/> names masked, at any depth.</summary>
    private static void WriteMasked(Utf8JsonWriter w, ReadOnlySpan<byte> key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    var name = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (name.Contains((byte)'\\')) name = Encoding.UTF8.GetBytes(property.Name);
                    w.WritePropertyName(name);
                    WriteMasked(w, name, property.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var element in value.EnumerateArray()) WriteMasked(w, default, element);
                w.WriteEndArray();
                break;
            case JsonValueKind.String when IdMasker.Masks(key):
                w.WriteStringValue(IdMasker.Masked(key, value.GetString()!));
                break;
            default:
                value.WriteTo(w);
                break;
        }
    }
}

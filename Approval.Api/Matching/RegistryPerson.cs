using System.Text.Json;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Rules.Identifiers;

namespace Approval.Api.Matching;

/// <summary>
/// What the registry says about one person as the one form would: the name and hukou from the population record in
/// force, and the ID number only where the person's e-certificate carries it (its first 18 characters, checked
/// against the subject's keyed hash). Without it the age is unknown and rules that need it do not conclude.
/// </summary>
internal sealed record RegistryPerson(string Name, string? HukouRegion, string? IdNumber)
{
    /// <summary>Whether the bundle's rules read the applicant's name (otherwise the one form is built without it).</summary>
    public static bool ReadsName(Approval.Rules.Bundles.BundleDefinition bundle) =>
        !bundle.Files.TryGetValue("rules.yaml", out var rules) || rules.Contains("applicant.name", StringComparison.Ordinal);

    /// <summary>Equal for persons whose rule inputs (the one form and the shared facts) are identical: they share one assessment.</summary>
    public static string Key(byte[] form, Dictionary<string, object?> shared) =>
        System.Text.Encoding.UTF8.GetString(form) + string.Concat(shared.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"|{kv.Key}={kv.Value}"));

    public static RegistryPerson? From(string subject, IReadOnlyList<SharedRecord> records, DateOnly asOf, PersonalData personal)
    {
        bool InForce(SharedRecord r) => (r.ValidFrom is null || r.ValidFrom <= asOf) && (r.ValidTo is null || r.ValidTo >= asOf);
        var population = records.FirstOrDefault(r => r.Source == MatchingJob.Registry && InForce(r));
        if (population is null) return null;
        string? name, hukou, id = null;
        using (var d = JsonDocument.Parse(population.AttributesJson))
        {
            name = JsonPathText(d.RootElement, "name");
            hukou = JsonPathText(d.RootElement, "hukouRegion");
        }
        if (records.FirstOrDefault(r => r.Source == "e-certificate" && InForce(r)) is { } certificate)
        {
            using var d = JsonDocument.Parse(certificate.AttributesJson);
            if (JsonPathText(d.RootElement, "number") is { Length: >= 18 } number && ChineseId.IsValid(number[..18]) && personal.Hash(number[..18]) == subject)
                id = number[..18];
        }
        return name is null ? null : new RegistryPerson(name, hukou, id);
    }

    public byte[] FormJson(bool withName)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("applicant");
            if (IdNumber is not null) w.WriteString("idNumber", IdNumber);
            if (withName) w.WriteString("name", Name);
            if (HukouRegion is not null) w.WriteString("hukouRegion", HukouRegion);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string? JsonPathText(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}


using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Applications;

namespace Approval.Api.Tasks;

/// <summary>
/// What each department may see of an application's facts (最小必要): a small projection by JSON path prefixes, with ID
/// numbers, phone numbers, bank accounts and certificate numbers masked. A department not listed sees only the applicant's name.
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

    public static JsonElement Project(string factsJson, string department)
    {
        var facts = JsonNode.Parse(factsJson) as JsonObject ?? [];
        var view = new JsonObject();
        foreach (var path in Paths.GetValueOrDefault(department) ?? ["applicant.name", "enterprise.proposedName"])
        {
            var segments = path.Split('.');
            JsonNode? source = facts;
            foreach (var s in segments) source = source is JsonObject o && o.TryGetPropertyValue(s, out var v) ? v : null;
            if (source is null) continue;
            var target = view;
            foreach (var s in segments[..^1])
            {
                if (target[s] is not JsonObject next) target[s] = next = [];
                target = next;
            }
            target[segments[^1]] = source.DeepClone();
        }
        IdMasker.MaskFacts(view);
        return JsonSerializer.SerializeToElement(view);
    }
}

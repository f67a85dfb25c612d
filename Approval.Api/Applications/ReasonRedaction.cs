using System.Text.Json.Nodes;
using Approval.Api.Infrastructure;
using Approval.Workflows.Persistence;

namespace Approval.Api.Applications;

/// <summary>
/// A reviewer reads the reasons of their own department's items only (<see cref="ApplicationAccess.ReasonsOnlyOf"/>):
/// another department's refusal reads "refused", a withdrawal "withdrawn", and its other free texts (supplement
/// requests, cancellations, objections) are left out, in the items, the timeline and the combined result alike.
/// </summary>
public sealed class ReasonRedaction
{
    public const string AcceptanceDepartment = "service-hall";

    private readonly string? _ownDepartment;
    private readonly Func<string, string?> _departmentOfItem;

    public static readonly ReasonRedaction None = new(null, _ => null);

    public ReasonRedaction(string? ownDepartment, Func<string, string?> departmentOfItem)
    {
        _ownDepartment = ownDepartment;
        _departmentOfItem = departmentOfItem;
    }

    private bool Hidden(string? itemCode) =>
        _ownDepartment is not null && (itemCode is null ? AcceptanceDepartment : _departmentOfItem(itemCode)) != _ownDepartment;

    private static string Placeholder(string? outcome) => outcome == ItemOutcome.Withdrawn ? ItemOutcome.Withdrawn : ApplicationAccess.Refused;

    public string? ItemReason(string itemCode, string? outcome, string? reason) =>
        reason is null || !Hidden(itemCode) ? reason : Placeholder(outcome);

    public string? TimelineDetail(string @event, string? itemCode, string? detail)
    {
        if (detail is null || !Hidden(itemCode)) return detail;
        switch (@event)
        {
            case "itemDecided" or "itemEnded" when JsonNode.Parse(detail) is JsonObject o:
                if (o["reason"] is not null) o["reason"] = Placeholder(o["outcome"]?.ToString());
                return o.ToJsonString(JsonDefaults.Options);
            case "taskDecided" when JsonNode.Parse(detail) is JsonObject o:
                if (o["reason"] is not null) o["reason"] = o["action"]?.ToString() == "reject" ? ApplicationAccess.Refused : null;
                return o.ToJsonString(JsonDefaults.Options);
            case "refusedAtAcceptance" or "rulesEvaluated":
                return ApplicationAccess.Refused;
            case "withdrawn":
                return ItemOutcome.Withdrawn;
            case "taskCancelled" or "objection":
                return null;
            default:
                return detail;
        }
    }

    public string? CombinedResult(string? json)
    {
        if (json is null || _ownDepartment is null || JsonNode.Parse(json) is not JsonObject result || result["items"] is not JsonArray items) return json;
        foreach (var item in items.OfType<JsonObject>())
            if (item["code"]?.ToString() is { } code && Hidden(code) && item["reasons"] is JsonArray { Count: > 0 })
                item["reasons"] = new JsonArray(Placeholder(item["outcome"]?.ToString()));
        return result.ToJsonString(JsonDefaults.Options);
    }
}

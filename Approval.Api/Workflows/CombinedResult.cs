using Approval.Api.Applications;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Rules.Yaml;
using Approval.Workflows.Calendar;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Workflows;

/// <summary>
/// 统一出件: the one combined result of an application once every item has ended. It is stored with names and reasons
/// in both languages (<c>{ "zh", "en" }</c>); <see cref="CombinedResultBuilder.Localize"/> turns them into the request's language when read.
/// </summary>
public sealed record CombinedResultDto(string ReceiptNumber, string BundleCode, DateTimeOffset IssuedAt, IReadOnlyList<CombinedItemDto> Items);

/// <summary>
/// One item of the combined result. <c>result</c> ∈ granted, refused, notApplicable, withdrawn (refused covers a
/// department's refusal, "not granted" by the rules and a revocation; <c>outcome</c> keeps the precise one).
/// Granted items carry what was issued: <c>certificateNumber</c> (A1), <c>creditCode</c> (B1), <c>licenceNumber</c>
/// (B2, B3), <c>monthlyAmount</c> + <c>startMonth</c> (the month after the decision; A2, A3), <c>contributionLevel</c>
/// + <c>yearlyAmount</c> (A5), <c>level</c> (A4).
/// </summary>
public sealed record CombinedItemDto(
    string Code, LocalizedText Name, string Department, string Result, string Outcome, IReadOnlyList<LocalizedText> Reasons,
    DateTimeOffset? DecidedAt, string? CertificateNumber, string? CreditCode, string? LicenceNumber,
    decimal? MonthlyAmount, decimal? YearlyAmount, string? StartMonth, string? ContributionLevel, string? Level);

public static class CombinedResultBuilder
{
    public static async Task<CombinedResultDto> BuildAsync(WorkflowHost host, ApprovalDb db, Application application, WorkflowInstance instance,
        TimeProvider clock, CancellationToken ct)
    {
        var rules = await host.EvaluateAsync(db, instance, ct);
        var bundle = await host.BundleAsync(db, instance, ct);
        var refusedAtAcceptance = instance.Status == InstanceStatus.Refused;
        var items = new List<CombinedItemDto>();
        foreach (var item in instance.Items.OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            var definition = bundle?.Item(item.Code);
            var outcome = item.Outcome ?? ItemOutcome.NotApplicable;
            var result = outcome switch
            {
                ItemOutcome.Granted => "granted",
                ItemOutcome.NotApplicable => "notApplicable",
                ItemOutcome.Withdrawn => "withdrawn",
                _ => "refused",
            };
            var granted = result == "granted";
            var benefit = granted ? rules?.Items.FirstOrDefault(a => a.Code == item.Code)?.Benefit : null;
            var outputs = item.Outputs();
            var level = outputs["level"]?.ToString() ?? benefit?.Level;
            string? startMonth = null;
            if (granted && benefit?.MonthlyAmount is not null && item.DecidedAt is { } decided)
                startMonth = WorkingCalendar.ToChinaDate(decided).AddMonths(1).ToString("yyyy-MM");
            var number = granted ? item.Number : null;
            items.Add(new CombinedItemDto(
                item.Code, ItemReasons.ItemName(bundle, item.Code), definition?.Department ?? "", result, outcome,
                granted ? [] : [ItemReasons.Of(item, bundle, refusedAtAcceptance) ?? OutcomeTexts.NotPartOfApplication],
                item.DecidedAt,
                number is not null && item.Code == "A1" ? number : null,
                number is not null && item.Code == "B1" ? number : null,
                number is not null && item.Code is not ("A1" or "B1") ? number : null,
                benefit?.MonthlyAmount, benefit?.YearlyAmount,
                startMonth,
                granted && item.Code == "A5" ? level : null,
                granted && item.Code != "A5" ? benefit?.Level : null));
        }
        return new CombinedResultDto(application.ReceiptNumber, application.BundleCode, clock.GetUtcNow(), items);
    }

    /// <summary>The stored result with each item's name and reasons in the request's language (plain strings, stored before, stay).</summary>
    public static string? Localize(string? stored)
    {
        if (stored is null || JsonNode.Parse(stored) is not JsonObject result) return stored;
        foreach (var item in (result["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (item["name"] is JsonObject name) item["name"] = Pick(name);
            if (item["reasons"] is JsonArray reasons)
                item["reasons"] = new JsonArray(reasons.Select(r => (JsonNode?)JsonValue.Create(r is JsonObject o ? Pick(o) : r?.GetValue<string>())).ToArray());
        }
        return result.ToJsonString(JsonDefaults.Options);
    }

    private static string Pick(JsonObject text) => new LocalizedText(text["zh"]?.GetValue<string>() ?? "", text["en"]?.GetValue<string>() ?? "").Pick();
}

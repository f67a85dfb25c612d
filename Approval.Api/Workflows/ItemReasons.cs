using System.Text.Json;
using Approval.Api.Infrastructure;
using Approval.Rules.Bundles;
using Approval.Rules.Yaml;
using Approval.Workflows.Persistence;

namespace Approval.Api.Workflows;

/// <summary>
/// Why an item ended without being granted, in both languages. The runtime stores one text per item
/// (<see cref="WorkflowItem.OutcomeReason"/>): the host writes its own reasons (rules, the assessment) as
/// <c>{"zh":…,"en":…}</c>; a department's or applicant's typed reason is stored as typed and framed here
/// ("refused by 民政局: …") when the item is shown.
/// </summary>
public static class ItemReasons
{
    private static readonly JsonSerializerOptions Json = JsonDefaults.Options;

    public static string Encode(LocalizedText text) => JsonSerializer.Serialize(text, Json);

    public static LocalizedText Decode(string stored)
    {
        if (stored.StartsWith("{\"zh\":", StringComparison.Ordinal))
            try { return JsonSerializer.Deserialize<LocalizedText>(stored, Json)!; }
            catch (JsonException) { }
        return LocalizedText.Same(stored);
    }

    /// <summary>The reason of an item that has ended without being granted; null while undecided or when granted.</summary>
    public static LocalizedText? Of(WorkflowItem item, BundleDefinition? bundle, bool refusedAtAcceptance = false)
    {
        if (item.Outcome is null or ItemOutcome.Granted) return null;
        var stored = item.OutcomeReason is { Length: > 0 } r ? Decode(r) : null;
        var department = DepartmentName(bundle, item.Code);
        switch (item.Outcome)
        {
            case ItemOutcome.Refused:
                if (item.Outputs()["notDisabled"] is { } nd && nd.GetValueKind() == JsonValueKind.True) return OutcomeTexts.NotDisabled;
                if (refusedAtAcceptance && stored is not null) return OutcomeTexts.NotAccepted(stored);
                return stored is null ? OutcomeTexts.RefusedWithoutReason(department) : OutcomeTexts.RefusedBy(department, stored);
            case ItemOutcome.Withdrawn:
                return stored is null ? OutcomeTexts.Withdrawn : OutcomeTexts.WithdrawnBecause(stored);
            case ItemOutcome.Revoked:
                var findings = item.Outputs()["findings"] is { } f && f.GetValueKind() == JsonValueKind.String ? f.GetValue<string>() : null;
                return OutcomeTexts.Revoked(department, findings ?? stored?.Zh);
            case ItemOutcome.NotApplicable:
                return stored ?? OutcomeTexts.NotApplicable;
            default:
                return stored ?? OutcomeTexts.NotEligible;
        }
    }

    public static LocalizedText ItemName(BundleDefinition? bundle, string code) => bundle?.Item(code)?.Name is { } n ? n : LocalizedText.Same(code);

    public static LocalizedText DepartmentName(BundleDefinition? bundle, string itemCode)
    {
        var code = bundle?.Item(itemCode)?.Department ?? "";
        return bundle?.Departments.FirstOrDefault(d => d.Code == code)?.Name ?? LocalizedText.Same(code);
    }
}

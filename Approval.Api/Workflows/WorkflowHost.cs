using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Applications;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Rules;
using Approval.Rules.Identifiers;
using Approval.Rules.Yaml;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using RuleOutcome = Approval.Rules.ItemOutcome;
using WfOutcome = Approval.Workflows.Persistence.ItemOutcome;

namespace Approval.Api.Workflows;

/// <summary>
/// The host side of the workflow runtime. Every hook works only through the DbContext it is given (the runtime may run a
/// step again after a concurrency conflict), so numbers, notifications and the combined result are saved with the step.
/// </summary>
public sealed class WorkflowHost(BundleCatalog bundles, PersonalData personal, TimeProvider clock) : IWorkflowHost
{
    public const string RegionCode = "371581";

    /// <summary>
    /// Re-runs the pinned version's rules on the stored facts plus decision outputs (<see cref="DecisionFacts"/>) plus shared
    /// data, on the application's <c>asOf</c> date. An open item ends "not granted" when the rules now say <c>ineligible</c>
    /// (reason: the rule's message), or when it is still <c>conditional</c> on an item that has ended without being granted.
    /// </summary>
    public async ValueTask<IReadOnlyList<ItemEnd>> ReevaluateAsync(DbContext db, WorkflowSnapshot snapshot, CancellationToken ct)
    {
        var instance = snapshot.Instance;
        var result = await EvaluateAsync((ApprovalDb)db, instance, ct);
        if (result is null) return [];
        var bundle = await BundleAsync((ApprovalDb)db, instance, ct);
        var ends = new List<ItemEnd>();
        foreach (var item in instance.Items.Where(i => !i.HasOutcome && i.Status != ItemStatus.Ended))
        {
            if (result.Items.FirstOrDefault(a => a.Code == item.Code) is not { } a) continue;
            if (a.Outcome == RuleOutcome.Ineligible)
                ends.Add(new ItemEnd(item.Code, ItemReasons.Encode(ReasonText(a))));
            else if (a.Outcome == RuleOutcome.Conditional
                     && a.DependsOn.FirstOrDefault(d => instance.Items.FirstOrDefault(i => i.Code == d) is { HasOutcome: true, Outcome: not WfOutcome.Granted }) is { } failed)
            {
                ends.Add(new ItemEnd(item.Code, ItemReasons.Encode(Infrastructure.OutcomeTexts.PrerequisiteNotGranted(ItemReasons.ItemName(bundle, failed), failed)))); // without the prerequisite's reason: its department's, not this one's
            }
        }
        return ends;
    }

    /// <summary>The rules of the application's pinned bundle version on its effective facts (null when the version is unknown).</summary>
    public async Task<AssessmentResult?> EvaluateAsync(ApprovalDb db, WorkflowInstance instance, CancellationToken ct)
    {
        var bundle = await bundles.FindVersionAsync(db, instance.BundleCode, instance.DefinitionVersion, ct);
        if (bundle is null) return null;
        var application = await db.Applications.FindAsync([instance.Id], ct);
        var asOf = application?.AsOf ?? ChinaTime.Today(clock);
        var facts = DecisionFacts.Apply(instance.Facts(), instance);
        using var document = JsonDocument.Parse(facts.ToJsonString());
        var shared = await new SharedFacts(db, personal).CollectAsync(document.RootElement, asOf, ct);
        return bundles.RulesFor(bundle).Assess(FactSet.From(document.RootElement.Clone(), shared), asOf);
    }

    public Task<Approval.Rules.Bundles.BundleDefinition?> BundleAsync(ApprovalDb db, WorkflowInstance instance, CancellationToken ct) =>
        bundles.FindVersionAsync(db, instance.BundleCode, instance.DefinitionVersion, ct);

    private static LocalizedText ReasonText(ItemAssessment a) =>
        LocalizedText.Join(a.Reasons.Where(r => r.Kind == "decision").Select(r => r.Message).DefaultIfEmpty(OutcomeTexts.NotEligible));

    public async ValueTask<string> IssueNumberAsync(DbContext db, NumberRequest request, CancellationToken ct)
    {
        var adb = (ApprovalDb)db;
        var year = ChinaTime.Today(clock).Year;
        switch (request.Kind)
        {
            case "disability-certificate":
                var id = request.Facts["applicant"]?["idNumber"]?.GetValue<string>() ?? throw new InvalidOperationException("the application has no applicant.idNumber");
                var category = request.Outputs["category"]?.GetValue<string>() ?? throw new InvalidOperationException("the assessment recorded no category");
                var grade = request.Outputs["grade"]?.GetValue<int>() ?? throw new InvalidOperationException("the assessment recorded no grade");
                return id.ToUpperInvariant() + DecisionFacts.CategoryDigit(category) + grade.ToString(CultureInfo.InvariantCulture);
            case "credit-code":
                string code;
                do
                {
                    // 9 = registered by market regulation, 1 = enterprise, region, 9-character organisation code, check character.
                    var first17 = "91" + RegionCode + "MA" + RandomChars(CreditCode.Alphabet, 7);
                    code = first17 + CreditCode.ComputeCheck(first17);
                } while (await NumberTakenAsync(adb, code, ct));
                if (await adb.Applications.FindAsync([request.Instance.Id], ct) is { } application)
                {
                    application.CompanyHash = personal.Hash(code);
                    application.Version++;
                }
                return code;
            default:
                var prefix = request.Kind switch
                {
                    "venue-licence" => $"WHYL{RegionCode}{year}",   // 娱乐经营许可证
                    "fire-check" => $"XFJC{RegionCode}{year}",      // 消防安全检查合格证
                    _ => $"{request.Kind.ToUpperInvariant()}-{year}-",
                };
                string number;
                do number = prefix + RandomChars("0123456789", 6);
                while (await NumberTakenAsync(adb, number, ct));
                return number;
        }
    }

    private static Task<bool> NumberTakenAsync(ApprovalDb db, string number, CancellationToken ct)
    {
        var hash = db.Protector.Hash(number);
        return db.WorkflowItems.AnyAsync(i => EF.Property<string>(i, ApprovalDb.NumberHash) == hash, ct);
    }

    private static string RandomChars(string alphabet, int length) =>
        string.Create(length, alphabet, (span, a) => { for (var i = 0; i < span.Length; i++) span[i] = a[RandomNumberGenerator.GetInt32(a.Length)]; });

    public async ValueTask OnEventAsync(DbContext db, WorkflowEvent e, CancellationToken ct)
    {
        var adb = (ApprovalDb)db;
        var recipient = e.Kind switch
        {
            WorkflowEventKind.Reminder or WorkflowEventKind.ReviewFlag => e.Department ?? "service-hall",
            WorkflowEventKind.Escalation => $"{e.Department}:lead",
            _ => "applicant",
        };
        var kind = char.ToLowerInvariant(e.Kind.ToString()[0]) + e.Kind.ToString()[1..];
        var application = await adb.Applications.FindAsync([e.InstanceId], ct);
        if (application is null) return; // an instance without an application (not created by this host)
        CombinedResultDto? combined = null;
        if (e.Kind == WorkflowEventKind.ResultIssued || (e.Kind == WorkflowEventKind.ReviewFlag && application.CombinedResultJson is not null))
        {
            var instance = adb.TrackedOrDefault<WorkflowInstance>(i => i.Id == e.InstanceId)
                           ?? await adb.WorkflowInstances.Include(i => i.Items).FirstAsync(i => i.Id == e.InstanceId, ct);
            combined = await CombinedResultBuilder.BuildAsync(this, adb, application, instance, clock, ct);
            application.CombinedResultJson = JsonSerializer.Serialize(combined, JsonDefaults.Options);
            application.Status = ApplicationStatus.ResultIssued;
            application.Version++;
        }
        var bundle = await bundles.FindVersionAsync(adb, application.BundleCode, application.BundleVersion, ct);
        adb.Notifications.Add(new Notification
        {
            ApplicationId = e.InstanceId, Kind = kind, Recipient = recipient, ItemCode = e.ItemCode, TaskId = e.TaskId,
            Message = ItemReasons.Encode(await NotificationTextAsync(adb, e, bundle, combined, ct)), CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        });
    }

    /// <summary>What a notification says, in both languages, from the event and the task or result it is about.</summary>
    private static async Task<LocalizedText> NotificationTextAsync(ApprovalDb db, WorkflowEvent e, Approval.Rules.Bundles.BundleDefinition? bundle,
        CombinedResultDto? combined, CancellationToken ct)
    {
        var item = e.ItemCode is null ? null : ItemReasons.ItemName(bundle, e.ItemCode);
        var task = e.TaskId is { } id ? await db.WorkflowTasks.FindAsync([id], ct) : null;
        switch (e.Kind)
        {
            case WorkflowEventKind.ResultIssued when combined is not null:
                return OutcomeTexts.Result(combined.ReceiptNumber,
                    combined.Items.Select(i => (ItemReasons.ItemName(bundle, i.Code), i.Result,
                        i.CertificateNumber ?? i.CreditCode ?? i.LicenceNumber, i.Reasons.Count > 0 ? LocalizedText.Join(i.Reasons) : null)));
            case WorkflowEventKind.Reminder or WorkflowEventKind.Escalation when task is not null:
                var what = item ?? OutcomeTexts.TaskKind(task.Kind);
                return e.Kind == WorkflowEventKind.Reminder
                    ? OutcomeTexts.Reminder(what, OutcomeTexts.TaskKind(task.Kind), task.DueDate)
                    : OutcomeTexts.Escalation(what, OutcomeTexts.TaskKind(task.Kind), task.DueDate);
            case WorkflowEventKind.SupplementRequested when task is not null:
                var codes = (task.Materials ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                var names = codes.Select(c => bundle?.Materials.FirstOrDefault(m => m.Code == c)?.Name ?? LocalizedText.Same(c)).ToList();
                var materials = new LocalizedText(string.Join("、", names.Select(n => n.Zh)), string.Join(", ", names.Select(n => n.En)));
                return OutcomeTexts.Supplement(item, materials, LocalizedText.Same(task.Reason ?? ""));
            case WorkflowEventKind.ReviewFlag when item is not null:
                return OutcomeTexts.ReviewFlag(item, e.Message ?? "");
            case WorkflowEventKind.Notify when item is not null:
                return OutcomeTexts.PublicNotice(item, e.Message ?? "");
            default:
                return LocalizedText.Same(e.Message ?? "");
        }
    }
}

/// <summary>
/// Facts that decisions inside the bundle produce, added to the form's facts before the rules run again. A granted A1
/// (disability certificate) is a held certificate: <c>disability.hasCertificate = true</c> with the assessed
/// <c>category</c>, <c>grade</c> and the issued <c>certificateNumber</c>, exactly as if the applicant had declared it,
/// so A2/A3/A5 are decided on the assessed grade. An A5 decision's recorded <c>level</c> is not a fact (it is reported).
/// </summary>
public static class DecisionFacts
{
    public static readonly string[] Categories = ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"];

    public static int CategoryDigit(string category) => Array.IndexOf(Categories, category) is var i and >= 0
        ? i + 1
        : throw new InvalidOperationException($"unknown disability category '{category}'");

    public static JsonObject Apply(JsonObject facts, WorkflowInstance instance)
    {
        if (instance.Items.FirstOrDefault(i => i.Code == "A1") is { Outcome: WfOutcome.Granted } a1)
        {
            var outputs = a1.Outputs();
            var disability = facts["disability"] as JsonObject ?? [];
            facts["disability"] = disability;
            disability["hasCertificate"] = true;
            if (outputs["category"] is { } category) disability["category"] = category.DeepClone();
            if (outputs["grade"] is { } grade) disability["grade"] = grade.DeepClone();
            if (a1.Number is { Length: 20 } number) disability["certificateNumber"] = number;
        }
        return facts;
    }
}

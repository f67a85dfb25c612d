using System.Text.Json;
using Approval.Api.Applications;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Rules;
using Approval.Workflows.Definitions;
using Approval.Workflows.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Reform;

/// <summary>What one side of the comparison asks of the applicant: forms, material submissions, visits, working days.</summary>
public sealed record ReformSideDto(int Forms, int MaterialSubmissions, int Visits, int WorkingDays);

/// <summary>after − before as a percentage of before (negative = cut), per measure.</summary>
public sealed record ReformChangeDto(double? Forms, double? MaterialSubmissions, double? Visits, double? WorkingDays);

public sealed record BaselineItemDto(string Item, string Name, int Forms, int Materials, int Visits, int StatutoryDays);

public sealed record ReferenceDto(string Description, string Channel, DateOnly AsOf, IReadOnlyList<string> ItemsApplied,
    IReadOnlyList<string> MaterialsRequired, IReadOnlyList<string> MaterialsWaived, int MaterialsRequiredWithoutSharedData);

/// <summary>
/// From the catalogue: <c>before</c> = every item applied for separately (declared baseline; statutory days summed, the
/// separate procedures running one after the other); <c>after</c> = the bundle for the reference applicant, computed by
/// the rules in force (the one checklist after waivers) and the workflow (the critical path in working days).
/// </summary>
public sealed record CatalogueReformDto(ReformSideDto Before, ReformSideDto After, ReformChangeDto Change, IReadOnlyList<BaselineItemDto> Baseline,
    ReferenceDto Reference, CriticalPath CriticalPath);

public sealed record ObservedItemDto(string Item, int StatutoryDays, int Ended, double? MedianUsedDays, int? MaxUsedDays, int OverStatutory, int Supplements);

/// <summary>From the applications submitted in [from, to]: time used per ended item, materials asked, supplements, satisfaction.</summary>
public sealed record ObservedReformDto(DateOnly From, DateOnly To, int Applications, double? MedianMaterialsAsked, double? AverageMaterialsAsked,
    IReadOnlyList<ObservedItemDto> Items, int Supplements, int Ratings, double? AverageRating);

public sealed record ReformDto(string BundleCode, string BundleVersion, CatalogueReformDto Catalogue, ObservedReformDto Observed);

public static class ReformEndpoints
{
    private const int MaxPeriodDays = 3660;

    public static RouteGroupBuilder MapReform(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bundles").WithTags("Reform metrics (admin)").RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/{bundleCode}/reform", GetReform)
            .WithName("GetReformMetrics")
            .WithSummary("Reform metrics: separate applications vs the bundle, from the catalogue and from real applications")
            .WithDescription("`catalogue`: forms, material submissions, visits and working days before (each item applied for on its own, from the bundle's `reform.yaml` baseline; statutory days summed) and after (one form, the reference applicant's one checklist after waivers as the rules in force compute it, the critical path through the workflow). `observed`: the applications submitted between `from` and `to` (default: the 365 days up to today; at most 10 years): median working days used per ended item against its statutory limit, materials asked at submission, supplements, ratings. Admin only.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Results<Ok<ReformDto>, ProblemHttpResult, ValidationProblem>> GetReform(string bundleCode, string? from, string? to,
        BundleCatalog catalog, ApprovalDb db, TimeProvider clock, CancellationToken ct)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);
        if (catalog.ReformOf(bundle.Code) is not { } reform)
            return TypedResults.Problem(statusCode: 404, title: Texts.NoReformBaseline.Pick(), detail: Texts.NoReformBaselineDetail(bundle.Code).Pick(),
                type: "https://approval.example/problems/no-reform-baseline");
        var errors = new Dictionary<string, string[]>();
        var end = Date(to, "to", errors) ?? ChinaTime.Today(clock);
        var start = Date(from, "from", errors) ?? end.AddDays(-365);
        if (errors.Count == 0 && start > end) errors["from"] = Texts.NotAfter("to").Field();
        if (errors.Count == 0 && end.DayNumber - start.DayNumber > MaxPeriodDays) errors["to"] = Texts.PeriodTooLong(MaxPeriodDays).Field();
        if (errors.Count > 0) return Problems.Validation(errors);

        var workflow = catalog.Workflows.First(w => w.BundleCode == bundle.Code);
        return TypedResults.Ok(new ReformDto(bundle.Code, bundle.Version, Catalogue(catalog.RulesFor(bundle), workflow, reform),
            await ObservedAsync(db, bundle.Code, start, end, ct)));
    }

    private static CatalogueReformDto Catalogue(BundleRules rules, WorkflowDefinition workflow, ReformDefinition reform)
    {
        var bundle = rules.Bundle;
        var reference = reform.Reference;
        using var facts = JsonDocument.Parse(reference.Facts.ToJsonString());
        var assessed = rules.Assess(FactSet.From(facts.RootElement, reference.Shared), reference.AsOf);
        var withoutShared = rules.Assess(FactSet.From(facts.RootElement), reference.AsOf);
        var applied = assessed.Items.Where(i => i.Outcome is Rules.ItemOutcome.Eligible or Rules.ItemOutcome.Conditional).Select(i => i.Code).ToList();
        var path = CriticalPaths.Of(workflow, reference.Channel, reference.Facts, applied);

        var baseline = reform.Baseline.Select(b => new BaselineItemDto(b.Item, bundle.Item(b.Item)!.Name.Pick(), b.Forms, b.Materials, b.Visits,
            bundle.Item(b.Item)!.StatutoryDays)).ToList();
        var before = new ReformSideDto(baseline.Sum(b => b.Forms), baseline.Sum(b => b.Materials), baseline.Sum(b => b.Visits), baseline.Sum(b => b.StatutoryDays));
        var required = assessed.Materials.Where(m => m.Status == "required").Select(m => m.Code).ToList();
        var after = new ReformSideDto(1, required.Count, reference.Channel is "window" or "kiosk" ? reform.Visits : 0, path.WorkingDays);
        return new CatalogueReformDto(before, after,
            new ReformChangeDto(Percent(before.Forms, after.Forms), Percent(before.MaterialSubmissions, after.MaterialSubmissions),
                Percent(before.Visits, after.Visits), Percent(before.WorkingDays, after.WorkingDays)),
            baseline,
            new ReferenceDto(reference.Description.Pick(), reference.Channel, reference.AsOf, applied, required,
                assessed.Materials.Where(m => m.Status == "waived").Select(m => m.Code).ToList(),
                withoutShared.Materials.Count(m => m.Status == "required")),
            path);
    }

    private static async Task<ObservedReformDto> ObservedAsync(ApprovalDb db, string bundleCode, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var applications = db.Applications.AsNoTracking().Where(a => a.BundleCode == bundleCode && a.SubmittedOn >= from && a.SubmittedOn <= to);
        var count = await applications.CountAsync(ct);
        var items = await (from i in db.WorkflowItems.AsNoTracking()
                           join a in applications on i.InstanceId equals a.Id
                           select new { i.Code, i.Status, i.ClockStartedOn, i.UsedDays, i.StatutoryDays, i.SupplementRequested }).ToListAsync(ct);
        var observedItems = items.GroupBy(i => i.Code).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var used = g.Where(i => i.Status == ItemStatus.Ended && i.ClockStartedOn != null).Select(i => i.UsedDays).Order().ToList();
            return new ObservedItemDto(g.Key, g.Max(i => i.StatutoryDays), used.Count, Median(used), used.Count == 0 ? null : used[^1],
                g.Count(i => i.StatutoryDays > 0 && i.UsedDays > i.StatutoryDays), g.Count(i => i.SupplementRequested));
        }).ToList();

        var asked = new List<int>();
        await foreach (var row in applications.Select(a => new { a.Id, a.AssessmentJson }).AsAsyncEnumerable().WithCancellation(ct))
        {
            using var assessment = JsonDocument.Parse(db.Reveal<Application>(row.AssessmentJson, nameof(Application.AssessmentJson), row.Id.ToString("N")));
            asked.Add(assessment.RootElement.TryGetProperty("materials", out var materials)
                ? materials.EnumerateArray().Count(m => m.TryGetProperty("status", out var s) && s.GetString() == "required")
                : 0);
        }
        asked.Sort();
        var ratings = await applications.Where(a => a.Rating != null).Select(a => a.Rating!.Value).ToListAsync(ct);
        return new ObservedReformDto(from, to, count, Median(asked), asked.Count == 0 ? null : Math.Round(asked.Average(), 2), observedItems,
            observedItems.Sum(i => i.Supplements), ratings.Count, ratings.Count == 0 ? null : Math.Round(ratings.Average(), 2));
    }

    private static DateOnly? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)) return d;
        errors[field] = Texts.MustBeDate.Field();
        return null;
    }

    private static double? Median(List<int> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;

    private static double? Percent(int before, int after) => before == 0 ? null : Math.Round((after - before) * 100.0 / before, 1);
}

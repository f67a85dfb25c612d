using System.Text.Json.Nodes;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Workflows.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Admin;

/// <summary>The administrator's dashboard: volumes, working days used per item against the statutory limit, satisfaction.</summary>
public sealed record DashboardDto(DateOnly Today, int Applications, IReadOnlyList<CountDto> ByBundle, IReadOnlyList<CountDto> ByChannel,
    IReadOnlyList<CountDto> ByStatus, IReadOnlyList<ItemTimeDto> Items, SatisfactionDto Satisfaction);

public sealed record CountDto(string Key, int Count);

/// <summary>One item of a bundle: how many ended, the working days they used (average, most), how many went past the
/// statutory limit, how many are still open and how many of those are past their due date.</summary>
public sealed record ItemTimeDto(string BundleCode, string ItemCode, string Name, string NameEn, int StatutoryDays, int PromisedDays,
    int Ended, double? AverageUsedDays, int? MaxUsedDays, int OverStatutory, int Open, int Overdue);

public sealed record SatisfactionDto(int Ratings, double? Average, IReadOnlyList<CountDto> Scores);

/// <summary>A bundle version stored in <c>bundle_versions</c>: what applications pin.</summary>
public sealed record BundleVersionDto(string BundleCode, string Version, string DeclaredVersion, string ContentHash, DateTimeOffset LoadedAt,
    bool Current, int Applications, IReadOnlyList<string> Files);

public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Dashboard (admin)").RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/dashboard", Dashboard)
            .WithName("Dashboard")
            .WithSummary("Volumes, working days used per item against the statutory limits, and satisfaction (read only)");

        group.MapGet("/bundle-versions", BundleVersions)
            .WithName("ListBundleVersions")
            .WithSummary("Every stored bundle version (declared version + content hash), which one is in force, and how many applications pin it");

        return group;
    }

    public static async Task<Ok<DashboardDto>> Dashboard(ApprovalDb db, BundleCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var today = ChinaTime.Today(clock);
        var byBundle = await db.Applications.GroupBy(a => a.BundleCode).Select(g => new CountDto(g.Key, g.Count())).ToListAsync(ct);
        var byChannel = await db.Applications.GroupBy(a => a.Channel).Select(g => new CountDto(g.Key, g.Count())).ToListAsync(ct);
        var byStatus = await db.WorkflowInstances.GroupBy(i => i.Status).Select(g => new CountDto(g.Key, g.Count())).ToListAsync(ct);
        var items = await (from i in db.WorkflowItems
                           join w in db.WorkflowInstances on i.InstanceId equals w.Id
                           group i by new { w.BundleCode, i.Code } into g
                           select new
                           {
                               g.Key.BundleCode, g.Key.Code,
                               Ended = g.Count(x => x.Status == ItemStatus.Ended && x.ClockStartedOn != null),
                               UsedSum = g.Sum(x => x.Status == ItemStatus.Ended && x.ClockStartedOn != null ? x.UsedDays : 0),
                               UsedMax = g.Max(x => x.Status == ItemStatus.Ended && x.ClockStartedOn != null ? x.UsedDays : 0),
                               OverStatutory = g.Count(x => x.StatutoryDays > 0 && x.UsedDays > x.StatutoryDays),
                               Open = g.Count(x => x.Status != ItemStatus.Ended),
                               Overdue = g.Count(x => x.Status != ItemStatus.Ended && x.DueDate != null && x.DueDate < today),
                           }).ToListAsync(ct);
        var itemRows = catalog.Current.OrderBy(b => b.Code, StringComparer.Ordinal).SelectMany(b => b.Items.Select(def =>
        {
            var row = items.FirstOrDefault(r => r.BundleCode == b.Code && r.Code == def.Code);
            var ended = row?.Ended ?? 0;
            return new ItemTimeDto(b.Code, def.Code, def.Name.Zh, def.Name.En, def.StatutoryDays, def.PromisedDays, ended,
                ended == 0 ? null : Math.Round((double)row!.UsedSum / ended, 1), ended == 0 ? null : row!.UsedMax,
                row?.OverStatutory ?? 0, row?.Open ?? 0, row?.Overdue ?? 0);
        })).ToList();
        var scores = await db.Applications.Where(a => a.Rating != null).GroupBy(a => a.Rating!.Value)
            .Select(g => new { Score = g.Key, Count = g.Count() }).ToListAsync(ct);
        var ratings = scores.Sum(s => s.Count);
        var satisfaction = new SatisfactionDto(ratings, ratings == 0 ? null : Math.Round(scores.Sum(s => (double)s.Score * s.Count) / ratings, 2),
            Enumerable.Range(1, 5).Select(s => new CountDto(s.ToString(), scores.FirstOrDefault(x => x.Score == s)?.Count ?? 0)).ToList());
        return TypedResults.Ok(new DashboardDto(today, byBundle.Sum(b => b.Count), Sorted(byBundle), Sorted(byChannel), Sorted(byStatus), itemRows, satisfaction));
    }

    public static async Task<Ok<List<BundleVersionDto>>> BundleVersions(ApprovalDb db, BundleCatalog catalog, CancellationToken ct)
    {
        var versions = await db.BundleVersions.AsNoTracking().ToListAsync(ct);
        var pinned = await db.Applications.GroupBy(a => new { a.BundleCode, a.BundleVersion })
            .Select(g => new { g.Key.BundleCode, g.Key.BundleVersion, Count = g.Count() }).ToListAsync(ct);
        return TypedResults.Ok(versions
            .OrderBy(v => v.BundleCode, StringComparer.Ordinal).ThenByDescending(v => v.LoadedAt)
            .Select(v => new BundleVersionDto(v.BundleCode, v.Version, v.DeclaredVersion, v.ContentHash, v.LoadedAt,
                catalog.Find(v.BundleCode)?.Version == v.Version,
                pinned.FirstOrDefault(p => p.BundleCode == v.BundleCode && p.BundleVersion == v.Version)?.Count ?? 0,
                (JsonNode.Parse(v.FilesJson) as JsonObject)?.Select(f => f.Key).Order(StringComparer.Ordinal).ToList() ?? []))
            .ToList());
    }

    private static List<CountDto> Sorted(List<CountDto> counts) => counts.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
}

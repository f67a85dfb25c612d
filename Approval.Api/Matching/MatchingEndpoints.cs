using System.Security.Claims;
using System.Text.Json;
using Approval.Api.Applications;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Rules.Yaml;
using Approval.Workflows.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TaskOutcome = Approval.Workflows.Persistence.ItemOutcome;

namespace Approval.Api.Matching;

/// <summary>A matching run's progress: <c>processed</c> of <c>total</c> registry persons, <c>matched</c> persons with at least one item.</summary>
public sealed record MatchingRunDto(Guid Id, string BundleCode, string BundleVersion, DateOnly AsOf, string State, int Total, int Processed, int Matched,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, string Url);

public sealed record MatchedReasonDto(string RuleId, string Message);

public sealed record MatchedItemDto(string Item, string Name, IReadOnlyList<MatchedReasonDto> Reasons, decimal? MonthlyAmount, decimal? YearlyAmount, string? Level);

/// <summary>
/// A person a run found: <c>subject</c> is a short reference (the start of the keyed hash, not reversible), the name and
/// ID number are masked; the ID number is known only from an e-certificate.
/// </summary>
public sealed record MatchDto(string Subject, string MaskedName, string? MaskedId, IReadOnlyList<MatchedItemDto> Items, bool Invited);

public sealed record MatchPage(IReadOnlyList<MatchDto> Items, int Page, int PageSize, int Total);

public sealed record InvitationsCreatedDto(Guid RunId, int Created, int AlreadyInvited, int NoLongerOpen);

public sealed record InvitationDto(long Id, string BundleCode, string BundleName, string Message, IReadOnlyList<MatchedItemDto> Items, DateTimeOffset CreatedAt);

/// <summary>The request body as Swagger shows it.</summary>
public sealed record MatchingRunRequestExample(DateOnly? AsOf);

public static class MatchingEndpoints
{
    public const int MaxPage = 10_000;
    private const int InvitationBatch = 500;

    public static void MapMatching(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/bundles/{bundleCode}/matching-runs").WithTags("Proactive matching (admin)")
            .RequireAuthorization(AccessPolicies.Admin);

        group.MapPost("/", StartRun)
            .WithName("StartMatchingRun")
            .WithSummary("Proactive matching (免申即享): run the bundle's rules over every person of the population registry")
            .WithDescription("Body: `{ \"asOf\": \"2026-12-01\" }` (optional; default today in China). Starts a background job and answers 202 with the run's URL; the job reads the registry in batches by keyed subject hash, assembles each person's facts from every person source (population, 民政, e-certificates, pension, bank), runs the bundle's compiled rules on all cores and stores who is eligible for which item with the rules' reasons. Items the person has an application for (in progress, granted or refused) are left out. A run interrupted by a restart continues from its checkpoint. One run per bundle at a time (409). Audited. Admin only.")
            .Accepts<MatchingRunRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{runId:guid}", GetRun)
            .WithName("GetMatchingRun")
            .WithSummary("A matching run's state and progress (processed / total, matched)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{runId:guid}/matches", ListMatches)
            .WithName("ListMatches")
            .WithSummary("The persons a run found, masked, with the items they qualify for and the reasons (`?page=1&pageSize=50`)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{runId:guid}/invitations", CreateInvitations)
            .WithName("CreateInvitations")
            .WithSummary("Invite every matched person not invited for this bundle before (idempotent); only the person can read it")
            .WithDescription("No body. Items the person has applied for since the run are left out (and the invitation with them when none remains). Answers the counts created, already invited and no longer open. Audited.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/me/invitations", ListMyInvitations).WithTags("Proactive matching (admin)")
            .RequireAuthorization(AccessPolicies.OwnInvitations)
            .WithName("ListMyInvitations")
            .WithSummary("The caller's invitations to apply (免申即享), newest first: applicants only, their own subject");
    }

    public static async Task<Results<Accepted<MatchingRunDto>, ValidationProblem, ProblemHttpResult>> StartRun(string bundleCode, HttpRequest request,
        ClaimsPrincipal user, BundleCatalog catalog, ApprovalDb db, PersonalData personal, IMatchingJob job, TimeProvider clock, CancellationToken ct)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return Problems.Validation(new Dictionary<string, string[]> { ["body"] = Texts.MustBeObject.Field() });
        var errors = RequestBody.AllowOnly(root, "asOf");
        var asOf = RequestBody.Date(root, "asOf", errors);
        if (bundle.Form.All(f => f.Path != "applicant.idNumber")) errors["bundleCode"] = Texts.NotAPersonBundle.Field();
        if (errors.Count > 0) return Problems.Validation(errors);

        var active = await db.MatchingRuns.AsNoTracking()
            .Where(r => r.BundleCode == bundle.Code && (r.State == MatchingState.Queued || r.State == MatchingState.Running))
            .Select(r => r.Id).FirstOrDefaultAsync(ct);
        if (active != Guid.Empty)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: Texts.MatchingRunActive.Pick(),
                detail: Texts.MatchingRunActiveDetail(Url(bundle.Code, active)).Pick());

        var run = new MatchingRun
        {
            Id = Guid.NewGuid(),
            BundleCode = bundle.Code,
            BundleVersion = bundle.Version,
            AsOf = asOf ?? ChinaTime.Today(clock),
            StartedBy = ApplicationAccess.Submitter(user, personal),
            CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.MatchingRuns.Add(run);
        db.Audit(user, clock, "matching.start", $"bundles/{bundle.Code}/matching-runs/{run.Id}", detail: $"version {bundle.Version}, as of {run.AsOf:yyyy-MM-dd}");
        await db.SaveChangesAsync(ct);
        job.Enqueue(run.Id);
        var dto = Dto(run);
        return TypedResults.Accepted(dto.Url, dto);
    }

    public static async Task<Results<Ok<MatchingRunDto>, ProblemHttpResult>> GetRun(string bundleCode, Guid runId, ApprovalDb db, CancellationToken ct) =>
        await FindRunAsync(db, bundleCode, runId, ct) is { } run ? TypedResults.Ok(Dto(run)) : UnknownRun(bundleCode, runId);

    public static async Task<Results<Ok<MatchPage>, ValidationProblem, ProblemHttpResult>> ListMatches(string bundleCode, Guid runId, int? page, int? pageSize,
        ApprovalDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage) errors["page"] = Texts.PageRange(MaxPage).Field();
        if (pageSize is < 1 or > 100) errors["pageSize"] = Texts.PageSizeRange.Field();
        if (errors.Count > 0) return Problems.Validation(errors);
        if (await FindRunAsync(db, bundleCode, runId, ct) is not { } run) return UnknownRun(bundleCode, runId);
        int p = page ?? 1, size = pageSize ?? 50;

        var total = await db.MatchingMatches.CountAsync(m => m.RunId == run.Id, ct);
        var matches = await db.MatchingMatches.AsNoTracking().Where(m => m.RunId == run.Id).OrderBy(m => m.Id)
            .Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var subjects = matches.Select(m => m.SubjectHash).ToList();
        var invited = (await db.MatchingInvitations.AsNoTracking()
            .Where(i => i.BundleCode == run.BundleCode && subjects.Contains(i.SubjectHash)).Select(i => i.SubjectHash).ToListAsync(ct)).ToHashSet();
        return TypedResults.Ok(new MatchPage(matches.Select(m => new MatchDto(m.SubjectHash[..12], m.MaskedName, m.MaskedId,
            Items(MatchingJson.Items(m.ItemsJson)), invited.Contains(m.SubjectHash))).ToList(), p, size, total));
    }

    public static async Task<Results<Ok<InvitationsCreatedDto>, ProblemHttpResult>> CreateInvitations(string bundleCode, Guid runId, ClaimsPrincipal user,
        ApprovalDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await FindRunAsync(db, bundleCode, runId, ct) is not { } run) return UnknownRun(bundleCode, runId);
        if (run.State != MatchingState.Finished)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: Texts.MatchingRunNotFinished.Pick(), detail: Texts.MatchingRunNotFinishedDetail.Pick());

        int created = 0, already = 0, closed = 0;
        long after = 0;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            var matches = await db.MatchingMatches.AsNoTracking().Where(m => m.RunId == run.Id && m.Id > after).OrderBy(m => m.Id).Take(InvitationBatch).ToListAsync(ct);
            if (matches.Count == 0) break;
            after = matches[^1].Id;
            var subjects = matches.Select(m => m.SubjectHash).ToList();
            var invited = (await db.MatchingInvitations.AsNoTracking()
                .Where(i => i.BundleCode == run.BundleCode && subjects.Contains(i.SubjectHash)).Select(i => i.SubjectHash).ToListAsync(ct)).ToHashSet();
            var taken = (await (from a in db.Applications.AsNoTracking()
                                where a.BundleCode == run.BundleCode && subjects.Contains(a.ApplicantHash)
                                join i in db.WorkflowItems.AsNoTracking() on a.Id equals i.InstanceId
                                where i.Outcome == null || i.Outcome == TaskOutcome.Granted || i.Outcome == TaskOutcome.Refused || i.Outcome == TaskOutcome.NotGranted
                                select new { a.ApplicantHash, i.Code }).ToListAsync(ct)).Select(x => (x.ApplicantHash, x.Code)).ToHashSet();
            foreach (var match in matches)
            {
                if (invited.Contains(match.SubjectHash)) { already++; continue; }
                var open = MatchingJson.Items(match.ItemsJson).Where(i => !taken.Contains((match.SubjectHash, i.Item))).ToList();
                if (open.Count == 0) { closed++; continue; }
                db.MatchingInvitations.Add(new MatchingInvitation
                {
                    BundleCode = run.BundleCode,
                    SubjectHash = match.SubjectHash,
                    RunId = run.Id,
                    ItemsJson = JsonSerializer.Serialize(open, MatchingJson.Options),
                    CreatedAt = now,
                });
                created++;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        db.Audit(user, clock, "matching.invite", $"bundles/{run.BundleCode}/matching-runs/{run.Id}/invitations",
            detail: $"{created} invitations created, {already} already invited, {closed} no longer open");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new InvitationsCreatedDto(run.Id, created, already, closed));
    }

    public static async Task<Ok<List<InvitationDto>>> ListMyInvitations(ClaimsPrincipal user, ApprovalDb db, PersonalData personal, BundleCatalog catalog, CancellationToken ct)
    {
        var subject = personal.Hash(ApplicationAccess.Subject(user));
        var invitations = await db.MatchingInvitations.AsNoTracking().Where(i => i.SubjectHash == subject)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Take(100).ToListAsync(ct);
        return TypedResults.Ok(invitations.Select(i =>
        {
            var items = MatchingJson.Items(i.ItemsJson);
            var bundleName = catalog.Find(i.BundleCode)?.Name ?? LocalizedText.Same(i.BundleCode);
            return new InvitationDto(i.Id, i.BundleCode, bundleName.Pick(), Texts.Invitation(bundleName, items.Select(x => x.Name)).Pick(),
                Items(items), DateTimeOffset.FromUnixTimeMilliseconds(i.CreatedAt));
        }).ToList());
    }

    private static Task<MatchingRun?> FindRunAsync(ApprovalDb db, string bundleCode, Guid runId, CancellationToken ct) =>
        db.MatchingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId && r.BundleCode == bundleCode, ct);

    private static ProblemHttpResult UnknownRun(string bundleCode, Guid runId) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: Texts.UnknownMatchingRun.Pick(), detail: Texts.UnknownMatchingRunDetail(bundleCode, runId).Pick());

    private static IReadOnlyList<MatchedItemDto> Items(IReadOnlyList<MatchedItem> items) => items.Select(i => new MatchedItemDto(i.Item, i.Name.Pick(),
        i.Reasons.Select(r => new MatchedReasonDto(r.RuleId, r.Message.Pick())).ToList(), i.Benefit?.MonthlyAmount, i.Benefit?.YearlyAmount, i.Benefit?.Level)).ToList();

    private static string Url(string bundleCode, Guid id) => $"/api/admin/bundles/{bundleCode}/matching-runs/{id}";

    private static MatchingRunDto Dto(MatchingRun r) => new(r.Id, r.BundleCode, r.BundleVersion, r.AsOf, r.State, r.Total, r.Processed, r.Matched,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
        r.StartedAt is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null,
        r.FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null,
        r.Error, Url(r.BundleCode, r.Id));
}

public static class MatchingSetup
{
    public static IHostApplicationBuilder AddMatching(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var options = problems.Bind<MatchingOptions>(builder.Configuration, "Matching");
        if (options.BatchSize is < 1 or > 20_000) problems.Add($"Matching:BatchSize must be from 1 to 20000 (it is {options.BatchSize}).");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<MatchingJob>();
        builder.Services.AddSingleton<IMatchingJob>(sp => sp.GetRequiredService<MatchingJob>());
        builder.Services.AddHostedService<MatchingWorker>();
        return builder;
    }
}

using System.Linq.Expressions;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Applications;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Workflows.Definitions;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Approval.Workflows.Persistence.TaskStatus;

namespace Approval.Api.Tasks;

/// <summary>
/// A department's task. <c>kind</c> ∈ acceptance, review, assessment, inspection, verification, decision, flagReview, complaint;
/// <c>status</c> ∈ waiting (a prerequisite item is undecided), open, done, cancelled; <c>actions</c> = what may be done now.
/// <c>application</c> is what the department may see of the facts (ID numbers masked).
/// </summary>
public sealed record TaskDto(
    Guid Id, Guid ApplicationId, string ReceiptNumber, string BundleCode, string? ItemCode, string Department, string Kind, string Status,
    DateOnly? DueDate, IReadOnlyList<string> Actions, IReadOnlyList<string> WaitingFor, DateTimeOffset CreatedAt, JsonElement Application);

/// <summary>
/// A page of a department's inbox. <c>total</c> is exact up to <c>Tasks:TotalCap</c> (default 1,000) matching tasks;
/// beyond that it is the cap and <c>totalIsCapped</c> is true (counting hundreds of thousands of rows on every page
/// view would cost more than the page itself) — page on until a page comes back short. A capped total is trusted for
/// <c>Tasks:CappedTotalSeconds</c> (default 5) before it is counted again.
/// </summary>
public sealed record TaskPage(IReadOnlyList<TaskDto> Items, int Page, int PageSize, int Total, bool TotalIsCapped);

/// <summary>Configuration section <c>Tasks</c>.</summary>
public sealed class InboxOptions
{
    public int TotalCap { get; set; } = 1_000;

    /// <summary>How long a count past the cap stands for the same filter (0 = count on every full page).</summary>
    public int CappedTotalSeconds { get; set; } = 5;
}

/// <summary>A task with its decision (when done), the item's state and the outputs it may record.</summary>
public sealed record TaskDetailDto(TaskDto Task, IReadOnlyList<string> Outputs, string? Action, string? Reason, IReadOnlyList<string> Materials,
    JsonElement? RecordedOutputs, string? DecidedBy, DateTimeOffset? DecidedAt, ItemStatusDto? Item, string? Comment);

public static class TaskEndpoints
{
    public const string ComplaintKind = "complaint";
    private static readonly string[] Statuses = ["open", "waiting", "done", "cancelled"];
    /// <summary>Pages beyond this are refused: 10,000 pages of 100 are a million tasks, more than an inbox is paged through.</summary>
    public const int MaxPage = 10_000;
    private static readonly string[] Sorts = ["dueDate", "-dueDate", "createdAt", "-createdAt"];

    public static RouteGroupBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Department tasks").RequireAuthorization(AccessPolicies.ReadTasks);

        group.MapGet("/", ListTasks)
            .WithName("ListTasks")
            .WithSummary("A department's inbox: tasks to pull and complete")
            .WithDescription("""
                `?department=dpf&status=open|waiting|done|cancelled&kind=assessment&sort=dueDate|-dueDate|createdAt|-createdAt&page=1&pageSize=20`.
                Reviewers see only their own department (default; another → `403`); admins see any (all when `department` is omitted).
                Each task carries `actions` (allowed now) and `application`: the part of the facts that department may see, ID numbers masked.
                The service hall's inbox also holds complaint tasks (ratings of 1–2). Invalid parameters → `400`.
                """)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/{taskId:guid}", GetTask)
            .WithName("GetTask")
            .WithSummary("One task with the item's state (audited)")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{taskId:guid}/decisions", Decide)
            .RequireAuthorization(AccessPolicies.DecideTasks)
            .WithName("DecideTask")
            .WithSummary("Complete a task: approve, reject, request a supplement, submit an assessment or inspection, accept, resolve")
            .WithDescription("""
                Body `{ "action": "approve", "reason": "…", "materials": ["…"], "outputs": { … } }`. `reason` is required to reject or request a
                supplement, `materials` to request a supplement (→ `400`). Outputs: an assessment records `category` (visual, hearing, speech,
                physical, intellectual, mental, multiple) and `grade` (1–4), or `notDisabled: true`; an inspection or verification records
                `passed` (bool) and optional `findings`; the A5 decision may record `level` (full, partial). Only a reviewer of the task's department
                decides (another department's task, or an admin → `403`).
                Not allowed now → `409` naming the reason: a prerequisite item undecided (named), a second supplement request for the item
                (一次性告知), a task already decided. `200` with the task and the item after the decision.
                """)
            .Accepts<DecisionRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    // ---------------------------------------------------------------- inbox

    public static async Task<Results<Ok<TaskPage>, ValidationProblem, ProblemHttpResult>> ListTasks(ClaimsPrincipal user, ApprovalDb db, InboxOptions inbox,
        CappedTotals cappedTotals, string? department, string? status, string? kind, string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !Statuses.Contains(status)) errors["status"] = Texts.OneOf(Statuses).Field();
        if (sort is not null && !Sorts.Contains(sort)) errors["sort"] = Texts.OneOf(Sorts).Field();
        if (page is < 1 or > MaxPage) errors["page"] = Texts.PageRange(MaxPage).Field();
        if (pageSize is < 1 or > 100) errors["pageSize"] = Texts.PageSizeRange.Field();
        if (errors.Count > 0) return Problems.Validation(errors);
        if (ApplicationAccess.Role(user) == Roles.Reviewer)
        {
            department ??= ApplicationAccess.Department(user)!;
            if (!ApplicationAccess.CanReadTasksOf(user, department)) return DepartmentForbidden(department);
        }
        int p = page ?? 1, size = pageSize ?? 20, take = p * size;
        sort ??= "dueDate";

        var tasks = db.WorkflowTasks.AsNoTracking().AsQueryable();
        if (department is not null) tasks = tasks.Where(t => t.Department == department);
        if (status is not null) tasks = tasks.Where(t => t.Status == status);
        if (kind is not null) tasks = tasks.Where(t => t.Kind == kind);
        var complaints = db.ComplaintTasks.AsNoTracking().AsQueryable();
        if (department is not null) complaints = complaints.Where(c => c.Department == department);
        if (status is not null) complaints = complaints.Where(c => c.Status == status);
        // complaints only ever go to the service hall: another department's inbox does not look for them
        var withComplaints = kind is null or ComplaintKind && (department is null || department == ComplaintTask.HallDepartment);
        if (kind is not null) tasks = kind == ComplaintKind ? tasks.Where(_ => false) : tasks;

        // PostgreSQL sorts NULLs last in ascending order; SQLite and SQL Server sort them first and need the 'due_date IS NULL' term.
        var nullsLast = db.Provider == DatabaseProvider.PostgreSql;
        var cap = inbox.TotalCap;
        var complaintTotal = withComplaints ? await complaints.Take(cap + 1).CountAsync(ct) : 0;
        // Each row comes with its application's receipt, bundle and facts in the same query (a join on the primary key).
        // The page is cut first and then joined, so the join looks up only the page's applications; the order of the cut carries over.
        var taskRows = Columns(Sorted(tasks, sort, nullsLast));
        List<WithApplication<Row>> rows;
        if (complaintTotal == 0 && department is not null && status is not null && sort == "dueDate" && kind is not ComplaintKind)
        {
            // The inbox as it is opened nearly always: one department's tasks in one status by due date, compiled once.
            var cut = (nullsLast ? DepartmentPageNullsLast : DepartmentPage).For(db)(db, department, status, kind, (p - 1) * size, size);
            rows = [];
            await foreach (var r in cut.WithCancellation(ct)) rows.Add(WithApplication<Row>.Of(r));
        }
        else if (complaintTotal == 0)
        {
            // One source: the page is cut in SQL, and with the default sort an index on (department, status, due_date, created_at, id) serves it.
            rows = (await WithApplications(taskRows.Skip((p - 1) * size).Take(size), db).ToListAsync(ct)).Select(WithApplication<Row>.Of).ToList();
        }
        else
        {
            // Each source sorted and cut at page × size in SQL; the merge of the two picks the page.
            var workflowRows = await WithApplications(taskRows.Take(take), db).ToListAsync(ct);
            var complaintRows = await WithApplications(SortedComplaints(complaints, sort).Take(take), db).ToListAsync(ct);
            var merged = workflowRows.Select(WithApplication<Row>.Of).Concat(complaintRows.Select(WithApplication<Row>.Of));
            merged = sort switch
            {
                "dueDate" => merged.OrderBy(r => r.Row.DueDate ?? DateOnly.MaxValue).ThenBy(r => r.Row.CreatedAt).ThenBy(r => r.Row.Id),
                "-dueDate" => merged.OrderByDescending(r => r.Row.DueDate ?? DateOnly.MinValue).ThenBy(r => r.Row.CreatedAt).ThenBy(r => r.Row.Id),
                "createdAt" => merged.OrderBy(r => r.Row.CreatedAt).ThenBy(r => r.Row.Id),
                _ => merged.OrderByDescending(r => r.Row.CreatedAt).ThenBy(r => r.Row.Id),
            };
            rows = merged.Skip((p - 1) * size).Take(size).ToList();
        }
        // A short page that is the first or not empty is the end of the list: it gives the total without counting.
        // A backlog past the cap a moment ago is still past it: a full page of it reports the cap without counting again.
        var filter = new InboxFilter(department, status, kind);
        int taskTotal;
        if (rows.Count < size && (rows.Count > 0 || p == 1)) cappedTotals.Counted(filter, taskTotal = (p - 1) * size + rows.Count - complaintTotal);
        else if (cappedTotals.IsCapped(filter)) taskTotal = cap + 1;
        else cappedTotals.Counted(filter, taskTotal = await tasks.Take(cap + 1).CountAsync(ct));
        var matching = taskTotal + complaintTotal;
        var capped = matching > cap;
        var total = Math.Min(cap, matching);
        var items = rows.Select(r => r.Row.ToDto(r.ReceiptNumber, r.BundleCode,
            DepartmentView.Project(db.Reveal<Application>(r.FactsJson, nameof(Application.FactsJson), r.Row.ApplicationId.ToString("N")), r.Row.Department))).ToList();
        return TypedResults.Ok(new TaskPage(items, p, size, total, capped));
    }

    /// <summary>A row of a page with the columns of its application the page shows.</summary>
    private sealed class WithApplication<T>
    {
        public T Row { get; init; } = default!;
        public string ReceiptNumber { get; init; } = "";
        public string BundleCode { get; init; } = "";
        public string FactsJson { get; init; } = "";

        public static WithApplication<Row> Of(WithApplication<HumanTask> t) => new() { Row = TaskEndpoints.Row.Of(t.Row), ReceiptNumber = t.ReceiptNumber, BundleCode = t.BundleCode, FactsJson = t.FactsJson };
        public static WithApplication<Row> Of(WithApplication<ComplaintTask> c) => new() { Row = TaskEndpoints.Row.Of(c.Row), ReceiptNumber = c.ReceiptNumber, BundleCode = c.BundleCode, FactsJson = c.FactsJson };
    }

    private static IQueryable<WithApplication<HumanTask>> WithApplications(IQueryable<HumanTask> tasks, ApprovalDb db) =>
        from t in tasks
        join a in db.Applications on t.InstanceId equals a.Id
        select new WithApplication<HumanTask> { Row = t, ReceiptNumber = a.ReceiptNumber, BundleCode = a.BundleCode, FactsJson = a.FactsJson };

    private static IQueryable<WithApplication<ComplaintTask>> WithApplications(IQueryable<ComplaintTask> complaints, ApprovalDb db) =>
        from c in complaints
        join a in db.Applications on c.ApplicationId equals a.Id
        select new WithApplication<ComplaintTask> { Row = c, ReceiptNumber = a.ReceiptNumber, BundleCode = a.BundleCode, FactsJson = a.FactsJson };

    /// <summary>Only the columns a task row shows (no decision text or outputs).</summary>
    private static readonly Expression<Func<HumanTask, HumanTask>> RowColumns = t => new HumanTask
    {
        Id = t.Id, InstanceId = t.InstanceId, ItemCode = t.ItemCode, Department = t.Department, Kind = t.Kind, Status = t.Status,
        DueDate = t.DueDate, AllowedActions = t.AllowedActions, WaitingFor = t.WaitingFor, CreatedAt = t.CreatedAt,
    };

    private static IQueryable<HumanTask> Columns(IQueryable<HumanTask> q) => q.Select(RowColumns);

    private static readonly Expression<Func<HumanTask, Application, WithApplication<HumanTask>>> PageRow = (t, a) =>
        new WithApplication<HumanTask> { Row = t, ReceiptNumber = a.ReceiptNumber, BundleCode = a.BundleCode, FactsJson = a.FactsJson };

    /// <summary>One department's tasks in one status (and of one kind, or any), by due date with waiting tasks last, cut to
    /// the page and joined to their applications: the dynamic query's SQL for that shape, without its cache look-up.</summary>
    private static readonly CompiledQuery<Func<ApprovalDb, string, string, string?, int, int, IAsyncEnumerable<WithApplication<HumanTask>>>> DepartmentPage = new(() =>
        EF.CompileAsyncQuery((ApprovalDb db, string department, string status, string? kind, int skip, int take) =>
            db.WorkflowTasks.AsNoTracking().Where(t => t.Department == department && t.Status == status && (kind == null || t.Kind == kind))
                .OrderBy(t => t.DueDate == null).ThenBy(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(RowColumns).Skip(skip).Take(take)
                .Join(db.Applications, t => t.InstanceId, a => a.Id, PageRow)));

    /// <summary><see cref="DepartmentPage"/> where NULLs sort last already (PostgreSQL), so that the index serves the order.</summary>
    private static readonly CompiledQuery<Func<ApprovalDb, string, string, string?, int, int, IAsyncEnumerable<WithApplication<HumanTask>>>> DepartmentPageNullsLast = new(() =>
        EF.CompileAsyncQuery((ApprovalDb db, string department, string status, string? kind, int skip, int take) =>
            db.WorkflowTasks.AsNoTracking().Where(t => t.Department == department && t.Status == status && (kind == null || t.Kind == kind))
                .OrderBy(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(RowColumns).Skip(skip).Take(take)
                .Join(db.Applications, t => t.InstanceId, a => a.Id, PageRow)));

    /// <summary>Waiting tasks have no due date yet: they come last. PostgreSQL sorts NULLs last in ascending order already, so
    /// there the due-date sort needs no <c>due_date IS NULL</c> term and can read the (department, status, due_date, created_at, id)
    /// index in order; SQLite sorts NULLs first and needs the term.</summary>
    private static IQueryable<HumanTask> Sorted(IQueryable<HumanTask> q, string sort, bool nullsLast) => sort switch
    {
        "dueDate" when nullsLast => q.OrderBy(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id),
        "dueDate" => q.OrderBy(t => t.DueDate == null).ThenBy(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id),
        "-dueDate" => q.OrderBy(t => t.DueDate == null).ThenByDescending(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id),
        "createdAt" => q.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
        _ => q.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id),
    };

    private static IQueryable<ComplaintTask> SortedComplaints(IQueryable<ComplaintTask> q, string sort) => sort switch
    {
        "dueDate" => q.OrderBy(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id),
        "-dueDate" => q.OrderByDescending(t => t.DueDate).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id),
        "createdAt" => q.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
        _ => q.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id),
    };

    private sealed record Row(Guid Id, Guid ApplicationId, string? ItemCode, string Department, string Kind, string Status, DateOnly? DueDate,
        IReadOnlyList<string> Actions, IReadOnlyList<string> WaitingFor, DateTimeOffset CreatedAt)
    {
        public static Row Of(HumanTask t) => new(t.Id, t.InstanceId, t.ItemCode, t.Department, t.Kind, t.Status, t.DueDate, t.ActionsNow,
            (t.WaitingFor ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), t.CreatedAt);

        public static Row Of(ComplaintTask c) => new(c.Id, c.ApplicationId, null, c.Department, ComplaintKind, c.Status, c.DueDate,
            c.Status == ComplaintStatus.Open ? ["resolve"] : [], [], DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedAt));

        public TaskDto ToDto(string receipt, string bundle, JsonElement application) =>
            new(Id, ApplicationId, receipt, bundle, ItemCode, Department, Kind, Status, DueDate, Actions, WaitingFor, CreatedAt, application);
    }

    // ---------------------------------------------------------------- one task

    public static async Task<Results<Ok<TaskDetailDto>, ProblemHttpResult>> GetTask(Guid taskId, ClaimsPrincipal user, ApprovalDb db,
        BundleCatalog catalog, WorkflowEngine engine, TimeProvider clock, CancellationToken ct)
    {
        var detail = await DetailAsync(taskId, db, catalog, engine, ct);
        if (detail is null) return UnknownTask(taskId);
        if (!ApplicationAccess.CanReadTasksOf(user, detail.Task.Department)) return DepartmentForbidden(detail.Task.Department);
        db.Audit(user, clock, "task.read", $"tasks/{taskId}", await db.Applications.Where(a => a.Id == detail.Task.ApplicationId).Select(a => a.ApplicantHash).FirstOrDefaultAsync(ct));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(detail);
    }

    private static async Task<TaskDetailDto?> DetailAsync(Guid taskId, ApprovalDb db, BundleCatalog catalog, WorkflowEngine engine, CancellationToken ct)
    {
        var task = await db.WorkflowTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null)
        {
            var complaint = await db.ComplaintTasks.AsNoTracking().FirstOrDefaultAsync(c => c.Id == taskId, ct);
            if (complaint is null) return null;
            var app = await db.Applications.AsNoTracking().FirstAsync(a => a.Id == complaint.ApplicationId, ct);
            return new TaskDetailDto(Row.Of(complaint).ToDto(app.ReceiptNumber, app.BundleCode, DepartmentView.Project(app.FactsJson, complaint.Department)),
                [], complaint.Status == ComplaintStatus.Done ? "resolve" : null, complaint.Resolution, [], null, complaint.ResolvedBy,
                complaint.ResolvedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, null, $"rating {complaint.Score}: {complaint.Comment}");
        }
        var application = await ApplicationOfAsync(db, task.InstanceId, ct);
        var item = task.ItemCode is null ? null : await db.WorkflowItems.AsNoTracking().FirstOrDefaultAsync(i => i.InstanceId == task.InstanceId && i.Code == task.ItemCode, ct);
        var definition = await engine.DefinitionAsync(db, catalog, application.BundleCode, application.BundleVersion, ct);
        return DetailOf(task, item, application, definition);
    }

    /// <summary>What a task's page shows of its application (not the assessment, receipt or result).</summary>
    private sealed record TaskApplication(string ReceiptNumber, string BundleCode, string BundleVersion, string ApplicantHash, string FactsJson);

    private static async Task<TaskApplication> ApplicationOfAsync(ApprovalDb db, Guid id, CancellationToken ct)
    {
        var a = await db.Applications.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new TaskApplication(a.ReceiptNumber, a.BundleCode, a.BundleVersion, a.ApplicantHash, a.FactsJson)).FirstAsync(ct);
        return a with { FactsJson = db.Reveal<Application>(a.FactsJson, nameof(Application.FactsJson), id.ToString("N")) };
    }

    private static TaskDetailDto DetailOf(HumanTask task, WorkflowItem? item, TaskApplication application, WorkflowDefinition? definition)
    {
        var outputs = task.ItemCode is not null && definition?.Item(task.ItemCode)?.Step(task.StepId) is Approval.Workflows.Activities.HumanTaskActivity step
            ? step.Outputs : [];
        var bundle = definition?.Bundle;
        var mask = IdMasker.For(application.FactsJson);
        var itemDto = item is null ? null : new ItemStatusDto(item.Code, ItemReasons.ItemName(bundle, item.Code).Pick(), bundle?.Item(item.Code)?.Department ?? "",
            item.Status, item.Outcome, mask.Text(ItemReasons.Of(item, bundle)?.Pick()), mask.Text(item.Number), item.DueDate, item.StatutoryDueDate, item.PausedOn is not null,
            item.PausedOn, item.UsedDays, (item.SupplementMaterials ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), item.ReviewFlag);
        return new TaskDetailDto(Row.Of(task).ToDto(application.ReceiptNumber, application.BundleCode, DepartmentView.Project(application.FactsJson, task.Department)),
            outputs, task.Action, task.Reason, (task.Materials ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            task.OutputsJson is null ? null : JsonDocument.Parse(task.OutputsJson).RootElement.Clone(), task.DecidedBy, task.DecidedAt, itemDto, null);
    }

    // ---------------------------------------------------------------- decisions

    public static async Task<Results<Ok<TaskDetailDto>, ValidationProblem, ProblemHttpResult>> Decide(Guid taskId, HttpRequest request,
        ClaimsPrincipal user, ApprovalDb db, BundleCatalog catalog, WorkflowEngine engine, TimeProvider clock, CancellationToken ct)
    {
        var task = await TaskToDecide.For(db)(db, taskId, ct);
        var complaint = task is null ? await db.ComplaintTasks.FirstOrDefaultAsync(c => c.Id == taskId, ct) : null;
        if (task is null && complaint is null) return UnknownTask(taskId);
        var department = task?.Department ?? complaint!.Department;
        if (!ApplicationAccess.CanDecideTasksOf(user, department)) return DepartmentForbidden(department);

        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "action", "reason", "materials", "outputs");
        var action = RequestBody.String(root, "action", errors);
        var reason = RequestBody.String(root, "reason", errors, required: false);
        if (reason is { Length: > 2000 }) errors["reason"] = Texts.AtMostChars(2000).Field();
        if (action is "reject" or "requestSupplement" or "resolve" && string.IsNullOrWhiteSpace(reason)) errors["reason"] = Texts.RequiredTo(action).Field();
        var materials = ApplicationEndpoints.StringList(root, "materials", errors, required: action == "requestSupplement");
        JsonObject? outputs = null;
        if (root.TryGetProperty("outputs", out var o) && o.ValueKind != JsonValueKind.Null)
        {
            if (o.ValueKind != JsonValueKind.Object) errors["outputs"] = Texts.MustBeObject.Field();
            else outputs = JsonNode.Parse(o.GetRawText())!.AsObject();
        }
        if (errors.Count == 0 && task is not null) ValidateOutputs(task.Kind, action!, outputs, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var actor = ApplicationAccess.Actor(user);
        if (complaint is not null)
        {
            if (action != "resolve") return ApplicationEndpoints.Refused(new Refusal(RefusalKind.ActionNotAllowed, $"'{action}' is not allowed on a complaint; allowed: resolve"));
            if (complaint.Status != ComplaintStatus.Open) return ApplicationEndpoints.Refused(new Refusal(RefusalKind.TaskNotOpen, "the complaint is already resolved"));
            complaint.Status = ComplaintStatus.Done;
            complaint.Resolution = reason;
            complaint.ResolvedBy = actor;
            complaint.ResolvedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            db.Audit(user, clock, "complaint.resolve", $"tasks/{taskId}", detail: $"{reason!.Length} characters");
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok((await DetailAsync(taskId, db, catalog, engine, ct))!);
        }

        var application = new TaskApplication(task!.ReceiptNumber, task.BundleCode, task.BundleVersion, task.ApplicantHash,
            db.Reveal<Application>(task.FactsJson, nameof(Application.FactsJson), task.InstanceId.ToString("N")));
        var definition = await engine.DefinitionAsync(db, catalog, application.BundleCode, application.BundleVersion, ct);
        db.Audit(user, clock, "task.decide", $"tasks/{taskId}", application.ApplicantHash, $"{task!.ItemCode ?? "acceptance"} {task.Kind}: {action}");
        WorkflowResult result;
        try
        {
            result = await engine.Runtime.ResumeAsync(db, taskId, new TaskDecision(action!, reason, materials, outputs), actor, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            result = WorkflowResult.Refuse(RefusalKind.TaskNotOpen, "the application changed concurrently; read the task again", task.ItemCode);
        }
        if (result.Refusal is { } refusal)
            return refusal.Kind == RefusalKind.InvalidDecision
                ? Problems.Validation(new Dictionary<string, string[]> { [refusal.Reason.StartsWith("output", StringComparison.Ordinal) ? "outputs" : "action"] = RefusalTexts.Detail(refusal).Field() })
                : ApplicationEndpoints.Refused(refusal);
        // The runtime's rows stay tracked after its SaveChanges, exactly as saved: answer from them instead of reading them again.
        var decided = db.TrackedOrDefault<HumanTask>(t => t.Id == taskId);
        if (decided is null) return TypedResults.Ok((await DetailAsync(taskId, db, catalog, engine, ct))!);
        var item = decided.ItemCode is null ? null : db.TrackedOrDefault<WorkflowItem>(i => i.InstanceId == decided.InstanceId && i.Code == decided.ItemCode);
        return TypedResults.Ok(DetailOf(decided, item, application, definition));
    }

    /// <summary>The task and its application's columns a decision needs, in one round trip.</summary>
    private sealed record DecisionTarget(Guid InstanceId, string Department, string Kind, string? ItemCode,
        string ReceiptNumber, string BundleCode, string BundleVersion, string ApplicantHash, string FactsJson);

    private static readonly CompiledQuery<Func<ApprovalDb, Guid, CancellationToken, Task<DecisionTarget?>>> TaskToDecide = new(() =>
        EF.CompileAsyncQuery((ApprovalDb db, Guid taskId, CancellationToken ct) =>
            (from t in db.WorkflowTasks
             where t.Id == taskId
             join a in db.Applications on t.InstanceId equals a.Id
             select new DecisionTarget(t.InstanceId, t.Department, t.Kind, t.ItemCode, a.ReceiptNumber, a.BundleCode, a.BundleVersion, a.ApplicantHash, a.FactsJson))
            .FirstOrDefault()));

    /// <summary>What a decision records, by task kind: checked before the runtime sees it.</summary>
    private static void ValidateOutputs(string kind, string action, JsonObject? outputs, Dictionary<string, string[]> errors)
    {
        string[] allowed = kind switch
        {
            "assessment" => ["category", "grade", "notDisabled"],
            "inspection" or "verification" => ["passed", "findings"],
            "decision" => ["level"],
            _ => [],
        };
        foreach (var key in outputs?.Select(p => p.Key) ?? [])
            if (!allowed.Contains(key)) errors[$"outputs.{key}"] = (allowed.Length == 0 ? Texts.NoOutputs(kind) : Texts.NotAnOutput(kind, string.Join(", ", allowed))).Field();
        if (action != "submit" && kind is not "decision") return;
        switch (kind)
        {
            case "assessment":
                var notDisabled = outputs?["notDisabled"];
                if (notDisabled is not null && notDisabled.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    errors["outputs.notDisabled"] = Texts.MustBeBool.Field();
                else if (notDisabled?.GetValueKind() == JsonValueKind.True)
                {
                    if (outputs!["category"] is not null || outputs["grade"] is not null) errors["outputs"] = Texts.NotDisabledAlone.Field();
                }
                else
                {
                    if (outputs?["category"] is not JsonValue c || !c.TryGetValue<string>(out var category) || !DecisionFacts.Categories.Contains(category))
                        errors["outputs.category"] = Texts.CategoryOneOf(DecisionFacts.Categories).Field();
                    if (outputs?["grade"] is not JsonValue g || g.GetValueKind() != JsonValueKind.Number || !g.TryGetValue<int>(out var grade) || grade is < 1 or > 4)
                        errors["outputs.grade"] = Texts.GradeRange.Field();
                }
                break;
            case "inspection" or "verification":
                if (outputs?["passed"] is not { } passed || passed.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    errors["outputs.passed"] = Texts.MustBeBool.Field();
                if (outputs?["findings"] is { } findings && findings.GetValueKind() != JsonValueKind.String)
                    errors["outputs.findings"] = Texts.MustBeString.Field();
                break;
            case "decision":
                if (outputs?["level"] is { } level && (level.GetValueKind() != JsonValueKind.String || level.GetValue<string>() is not ("full" or "partial")))
                    errors["outputs.level"] = Texts.FullOrPartial.Field();
                break;
        }
    }

    private static ProblemHttpResult DepartmentForbidden(string department) => TypedResults.Problem(statusCode: 403, title: Texts.OtherDepartment.Pick(),
        detail: Texts.OtherDepartmentDetail(department).Pick(), type: "https://approval.example/problems/other-department");

    private static ProblemHttpResult UnknownTask(Guid id) => TypedResults.Problem(statusCode: 404, title: Texts.UnknownTask.Pick(), detail: Texts.UnknownTaskDetail(id).Pick(),
        type: "https://approval.example/problems/unknown-task");
}

/// <summary>The body of a decision (for the OpenAPI description).</summary>
/// <param name="Action">approve, reject, requestSupplement, submit, accept, resolve (see the task's <c>actions</c>)</param>
/// <param name="Reason">required to reject, request a supplement or resolve a complaint</param>
/// <param name="Materials">what a supplement request needs (一次性告知)</param>
/// <param name="Outputs">what the task records: category + grade or notDisabled (assessment), passed (inspection, verification), level (A5 decision)</param>
public sealed record DecisionRequestExample(string Action, string? Reason, IReadOnlyList<string>? Materials, JsonElement? Outputs);

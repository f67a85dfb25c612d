using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Applications;

/// <summary>One task (GET /api/tasks/{id}), rating before and after the combined result, complaint and objection handling.</summary>
public abstract class TaskLifecycleTests(IWorkflowApi fixture)
{
    private readonly ApiFactory _api = fixture.Api;
    private static int _people;

    private static StringContent Json(object body) => new(body is JsonNode n ? n.ToJsonString() : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Read(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    private static string NewPerson() => TestIds.Person(new DateOnly(1960, 2, 1).AddDays(Interlocked.Increment(ref _people)), 3);

    private async Task<string> SubmitAsync(JsonObject facts, string bundle)
    {
        var body = new JsonObject { ["bundleCode"] = bundle, ["channel"] = "window", ["facts"] = facts };
        var response = await _api.ClientAs(Roles.Clerk).PostAsync("/api/applications", Json(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Read(response)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> ApplicationAsync(string id) => await Read(await _api.ClientAs(Roles.Admin).GetAsync($"/api/applications/{id}"));

    private async Task<string> OpenTaskAsync(string id, string? item, string kind)
    {
        var tasks = (await ApplicationAsync(id)).GetProperty("tasks").EnumerateArray();
        return tasks.Last(t => (t.TryGetProperty("itemCode", out var i) ? i.GetString() : null) == item
                               && t.GetProperty("kind").GetString() == kind && t.GetProperty("status").GetString() == "open")
            .GetProperty("id").GetString()!;
    }

    private async Task DecideAsync(string id, string item, string kind, string department, object body)
    {
        var response = await _api.ClientAs(Roles.Reviewer, department).PostAsync($"/api/tasks/{await OpenTaskAsync(id, item, kind)}/decisions", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{item} {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static readonly object Approve = new { action = "approve" };

    /// <summary>Bundle B through its three items to the combined result (commitment fire path).</summary>
    private async Task DecideBundleBAsync(string id)
    {
        await DecideAsync(id, "B1", "review", "market-regulation", Approve);
        await DecideAsync(id, "B2", "review", "culture-tourism", Approve);
        await DecideAsync(id, "B2", "verification", "culture-tourism", new { action = "submit", outputs = new { passed = true } });
        await DecideAsync(id, "B2", "decision", "culture-tourism", Approve);
        await DecideAsync(id, "B3", "review", "fire-rescue", Approve);
        await DecideAsync(id, "B3", "decision", "fire-rescue", Approve);
    }

    private static JsonObject Venue(string legalRepresentative)
    {
        var facts = SampleFacts.VenueCompany();
        facts["enterprise"]!["legalRepresentative"]!["idNumber"] = legalRepresentative;
        facts["enterprise"]!["investors"]![0]!["idNumber"] = legalRepresentative;
        facts["enterprise"]!["proposedName"] = $"临清任务测试{Guid.NewGuid().ToString("N")[..6]}有限公司";
        return facts;
    }

    [Fact]
    public async Task GetTask_ReviewerOfItsDepartment_SeesTaskItemAndProjectionAndIsAudited()
    {
        var id = await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()), "disability-assistance");
        var taskId = await OpenTaskAsync(id, "A4", "review");

        var response = await _api.ClientAs(Roles.Reviewer, "medical-security", "ms-reader").GetAsync($"/api/tasks/{taskId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await Read(response);
        var task = detail.GetProperty("task");
        Assert.Equal(taskId, task.GetProperty("id").GetString());
        Assert.Equal(id, task.GetProperty("applicationId").GetString());
        Assert.Equal("A4", task.GetProperty("itemCode").GetString());
        Assert.Equal("review", task.GetProperty("kind").GetString());
        Assert.Contains("approve", task.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.True(task.GetProperty("application").TryGetProperty("household", out _));
        Assert.False(task.GetProperty("application").TryGetProperty("disability", out _));
        Assert.Equal("A4", detail.GetProperty("item").GetProperty("code").GetString());
        await using var db = _api.NewDb();
        var actor = db.Protector.Hash("ms-reader");
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "task.read" && a.Resource == $"tasks/{taskId}" && a.Actor == actor));
    }

    [Fact]
    public async Task GetTask_OtherDepartmentUnknownIdOrNoToken_403404401()
    {
        var id = await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()), "disability-assistance");
        var taskId = await OpenTaskAsync(id, "A4", "review");

        var otherDepartment = await _api.ClientAs(Roles.Reviewer, "hrss").GetAsync($"/api/tasks/{taskId}");
        var unknown = await _api.ClientAs(Roles.Reviewer, "medical-security").GetAsync($"/api/tasks/{Guid.NewGuid()}");
        var anonymous = await _api.CreateClient().GetAsync($"/api/tasks/{taskId}");

        Assert.Equal(HttpStatusCode.Forbidden, otherDepartment.StatusCode);
        Assert.Equal("application/problem+json", otherDepartment.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Rate_BeforeTheCombinedResult_Is409NotYetRateableAndStoresNothing()
    {
        var person = NewPerson();
        var id = await SubmitAsync(Venue(person), "entertainment-venue");

        var response = await _api.ClientAs(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/rating", Json(new { score = 1, comment = "太慢" }));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://approval.example/problems/not-yet-rateable", (await Read(response)).GetProperty("type").GetString());
        await using var db = _api.NewDb();
        var application = await db.Applications.AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(id));
        Assert.Null(application.Rating);
        Assert.False(await db.ComplaintTasks.AnyAsync(c => c.ApplicationId == Guid.Parse(id)));
    }

    [Fact]
    public async Task ResolveComplaint_ServiceHall_ClosesItOnceWithTheResolution()
    {
        var person = NewPerson();
        var id = await SubmitAsync(Venue(person), "entertainment-venue");
        await DecideBundleBAsync(id);
        var rating = await _api.ClientAs(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/rating", Json(new { score = 2, comment = "窗口等候太久" }));
        Assert.Equal(HttpStatusCode.OK, rating.StatusCode);
        var complaint = (await Read(rating)).GetProperty("complaintTaskId").GetString()!;
        var hall = _api.ClientAs(Roles.Reviewer, "service-hall", "hall-lead");

        var open = await Read(await hall.GetAsync($"/api/tasks/{complaint}"));
        var noReason = await hall.PostAsync($"/api/tasks/{complaint}/decisions", Json(new { action = "resolve" }));
        var approve = await hall.PostAsync($"/api/tasks/{complaint}/decisions", Json(Approve));
        var otherDepartment = await _api.ClientAs(Roles.Reviewer, "dpf").PostAsync($"/api/tasks/{complaint}/decisions", Json(new { action = "resolve", reason = "x" }));
        var resolved = await hall.PostAsync($"/api/tasks/{complaint}/decisions", Json(new { action = "resolve", reason = "已致电申请人说明并致歉" }));
        var again = await hall.PostAsync($"/api/tasks/{complaint}/decisions", Json(new { action = "resolve", reason = "again" }));

        Assert.Equal("complaint", open.GetProperty("task").GetProperty("kind").GetString());
        Assert.Equal(["resolve"], open.GetProperty("task").GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("rating 2: 窗口等候太久", open.GetProperty("comment").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await Read(noReason)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Equal("https://approval.example/problems/action-not-allowed", (await Read(approve)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, otherDepartment.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var detail = await Read(resolved);
        Assert.Equal("done", detail.GetProperty("task").GetProperty("status").GetString());
        Assert.Equal("resolve", detail.GetProperty("action").GetString());
        Assert.Equal("已致电申请人说明并致歉", detail.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("https://approval.example/problems/task-not-open", (await Read(again)).GetProperty("type").GetString());
        var inbox = await Read(await hall.GetAsync("/api/tasks?kind=complaint&status=open&pageSize=100"));
        Assert.DoesNotContain(inbox.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == complaint);
        await using var db = _api.NewDb();
        var actor = db.Protector.Hash("hall-lead");
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "complaint.resolve" && a.Resource == $"tasks/{complaint}" && a.Actor == actor));
    }

    [Fact]
    public async Task Objection_DuringTheNotice_ReachesTheDecisionWhichMayRefuse()
    {
        var id = await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()), "disability-assistance");
        await DecideAsync(id, "A1", "review", "dpf", Approve);
        await DecideAsync(id, "A1", "assessment", "designated-hospital", new { action = "submit", outputs = new { category = "physical", grade = 2 } });
        var objection = await _api.ClientAs(Roles.Clerk).PostAsync($"/api/applications/{id}/objections", Json(new { itemCode = "A1", text = "群众反映申请人可正常劳动" }));
        Assert.Equal(HttpStatusCode.OK, objection.StatusCode);

        fixture.Clock.Advance(TimeSpan.FromDays(8));
        while (await _api.Service<WorkflowEngine>().RunTimersOnceAsync() > 0) { }
        await DecideAsync(id, "A1", "decision", "dpf", new { action = "reject", reason = "公示期间异议经核实成立" });

        var app = await ApplicationAsync(id);
        var timeline = app.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.True(timeline.IndexOf("objection") >= 0 && timeline.IndexOf("objection") < timeline.LastIndexOf("timerFired"), string.Join(", ", timeline));
        var a1 = app.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "A1");
        Assert.Equal("refused", a1.GetProperty("outcome").GetString());
        await using var db = _api.NewDb();
        var history = await db.WorkflowHistory.AsNoTracking()
            .Where(h => h.InstanceId == Guid.Parse(id) && h.ItemCode == "A1" && h.Event == "timerFired").Select(h => h.Detail).ToListAsync();
        Assert.Contains(history, d => d != null && d.Contains("1 objection(s)"));
    }
}

public sealed class TaskLifecycleSqliteTests(SqliteWorkflowApi api) : TaskLifecycleTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class TaskLifecyclePostgresTests(PostgresWorkflowApi api) : TaskLifecycleTests(api), IClassFixture<PostgresWorkflowApi>;

[RequiresSqlServer]
public sealed class TaskLifecycleSqlServerTests(SqlServerWorkflowApi api) : TaskLifecycleTests(api), IClassFixture<SqlServerWorkflowApi>;

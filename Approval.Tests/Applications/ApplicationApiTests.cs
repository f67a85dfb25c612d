using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Rules.Identifiers;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Applications;

/// <summary>Applications through the departments, end to end over HTTP, on both databases, with a clock the tests move.</summary>
public abstract class ApplicationApiTests(IWorkflowApi fixture)
{
    private readonly ApiFactory _api = fixture.Api;
    private const string A = "disability-assistance";
    private const string B = "entertainment-venue";
    private static int _people;

    // ------------------------------------------------------------------ helpers

    private HttpClient As(string role, string? department = null, string? subject = null) => _api.ClientAs(role, department, subject);

    private static StringContent Json(object body) => new(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Read(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    private static string NewPerson() => TestIds.Person(new DateOnly(1980, 5, 1).AddDays(Interlocked.Increment(ref _people)), 7);

    private static JsonObject SubmissionBody(JsonObject facts, string bundle = A, string channel = "window") =>
        new() { ["bundleCode"] = bundle, ["channel"] = channel, ["facts"] = facts };

    private async Task<JsonElement> SubmitAsync(JsonObject facts, string bundle = A)
    {
        var response = await As(Roles.Clerk).PostAsync("/api/applications", Json(SubmissionBody(facts, bundle).ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Read(response);
    }

    private async Task<JsonElement> GetAsync(string id) => await Read(await As(Roles.Admin).GetAsync($"/api/applications/{id}"));

    private async Task<string> TaskAsync(string id, string? item, string kind, string status = "open")
    {
        var app = await GetAsync(id);
        var task = app.GetProperty("tasks").EnumerateArray().LastOrDefault(t =>
            (t.TryGetProperty("itemCode", out var i) ? i.GetString() : null) == item && t.GetProperty("kind").GetString() == kind
            && t.GetProperty("status").GetString() == status);
        return task.ValueKind == JsonValueKind.Object
            ? task.GetProperty("id").GetString()!
            : throw new InvalidOperationException($"no {status} {item} {kind} task in {app.GetProperty("tasks")} / {app.GetProperty("items")}");
    }

    private Task<HttpResponseMessage> DecideAsync(string taskId, string department, object body) =>
        As(Roles.Reviewer, department).PostAsync($"/api/tasks/{taskId}/decisions", Json(body));

    private async Task OkDecisionAsync(string id, string? item, string kind, string department, object body)
    {
        var response = await DecideAsync(await TaskAsync(id, item, kind), department, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{item} {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static readonly object Approve = new { action = "approve" };

    private static JsonElement Item(JsonElement app, string code) =>
        app.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);

    /// <summary>Fires every due timer (batches of 100 until none is due).</summary>
    private async Task<int> FireTimersAsync()
    {
        int fired, total = 0;
        do total += fired = await _api.Service<WorkflowEngine>().RunTimersOnceAsync();
        while (fired > 0);
        return total;
    }

    /// <summary>A1 review approved and the hospital's assessment submitted: the 5-day public notice is running.</summary>
    private async Task AssessA1Async(string id, object outputs)
    {
        await OkDecisionAsync(id, "A1", "review", "dpf", Approve);
        await OkDecisionAsync(id, "A1", "assessment", "designated-hospital", new { action = "submit", outputs });
    }

    // ------------------------------------------------------------------ bundle A

    [Fact]
    public async Task Objection_DuringThePublicNotice_IsRecordedByItsDepartmentOnly()
    {
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()))).GetProperty("id").GetString()!;
        var objection = new { itemCode = "A1", text = "邻居反映申请人情况与申报不符" };

        var tooEarly = await As(Roles.Clerk).PostAsync($"/api/applications/{id}/objections", Json(objection));
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);

        await AssessA1Async(id, new { category = "physical", grade = 2 });
        var otherDepartment = await As(Roles.Reviewer, "hrss").PostAsync($"/api/applications/{id}/objections", Json(objection));
        var applicant = await As(Roles.Applicant, subject: "someone").PostAsync($"/api/applications/{id}/objections", Json(objection));
        var noText = await As(Roles.Reviewer, "dpf").PostAsync($"/api/applications/{id}/objections", Json(new { itemCode = "A1" }));
        var recorded = await As(Roles.Reviewer, "dpf").PostAsync($"/api/applications/{id}/objections", Json(objection));

        Assert.Equal(HttpStatusCode.Forbidden, otherDepartment.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, applicant.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noText.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var timeline = (await GetAsync(id)).GetProperty("timeline").EnumerateArray();
        Assert.Contains(timeline, e => e.GetProperty("event").GetString() == "objection" && e.GetProperty("itemCode").GetString() == "A1");
    }

    [Fact]
    public async Task BundleA_HappyPath_EndsWithCombinedResultCertificateAndAmounts()
    {
        var person = NewPerson();
        var receipt = await SubmitAsync(SampleFacts.DisabilityApplicant(person));
        var id = receipt.GetProperty("id").GetString()!;
        Assert.Matches(@"^YJS-\d{8}-\d{6}$", receipt.GetProperty("receiptNumber").GetString());
        Assert.StartsWith("2026.1+", receipt.GetProperty("bundleVersion").GetString());
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], receipt.GetProperty("startedItems").EnumerateArray().Select(i => i.GetString()));
        Assert.Contains(receipt.GetProperty("materialsToUpload").EnumerateArray(), m => m.GetProperty("code").GetString() == "photo");

        // pre-reviews run in parallel; A2's decision waits for A1
        await OkDecisionAsync(id, "A2", "review", "civil-affairs", Approve);
        await OkDecisionAsync(id, "A3", "review", "civil-affairs", Approve);
        await OkDecisionAsync(id, "A4", "review", "medical-security", Approve);
        await OkDecisionAsync(id, "A5", "review", "hrss", Approve);
        var early = await DecideAsync(await TaskAsync(id, "A2", "decision", "waiting"), "civil-affairs", Approve);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        var problem = await Read(early);
        Assert.Equal("A1", problem.GetProperty("itemCode").GetString());
        Assert.Contains("A1", problem.GetProperty("detail").GetString());

        await AssessA1Async(id, new { category = "physical", grade = 2 });
        fixture.Clock.Advance(TimeSpan.FromDays(8)); // 5 working days of public notice
        await FireTimersAsync();
        await OkDecisionAsync(id, "A1", "decision", "dpf", Approve);
        var afterA1 = await GetAsync(id);
        Assert.Equal("granted", Item(afterA1, "A1").GetProperty("outcome").GetString());

        await OkDecisionAsync(id, "A2", "decision", "civil-affairs", Approve);
        await OkDecisionAsync(id, "A3", "decision", "civil-affairs", Approve);
        await OkDecisionAsync(id, "A5", "decision", "hrss", new { action = "approve", outputs = new { level = "full" } });

        var owner = await Read(await As(Roles.Applicant, subject: person).GetAsync($"/api/applications/{id}"));
        Assert.Equal("completed", owner.GetProperty("status").GetString());
        var result = owner.GetProperty("combinedResult").GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!);
        Assert.Equal(person + "42", result["A1"].GetProperty("certificateNumber").GetString());
        Assert.All(result.Values, i => Assert.Equal("granted", i.GetProperty("result").GetString()));
        Assert.Equal(140m, result["A2"].GetProperty("monthlyAmount").GetDecimal());
        Assert.Equal(140m, result["A3"].GetProperty("monthlyAmount").GetDecimal());
        var decided = DateOnly.FromDateTime(result["A2"].GetProperty("decidedAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).DateTime);
        Assert.Equal(decided.AddMonths(1).ToString("yyyy-MM"), result["A2"].GetProperty("startMonth").GetString());
        Assert.Equal("full", result["A5"].GetProperty("contributionLevel").GetString());
        Assert.Equal("full", result["A4"].GetProperty("level").GetString());

        // staff see the certificate number masked
        var staff = await GetAsync(id);
        Assert.DoesNotContain(person, staff.GetRawText());
        await using (var db = _api.NewDb())
        {
            Assert.Equal(1, await db.Notifications.CountAsync(n => n.ApplicationId == Guid.Parse(id) && n.Kind == "resultIssued"));
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "application.read" && a.Resource == $"applications/{id}"));
        }

        // rating 1 → a complaint task in the service hall's inbox
        var rating = await As(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/rating", Json(new { score = 1, comment = "太慢" }));
        Assert.Equal(HttpStatusCode.OK, rating.StatusCode);
        var complaintId = (await Read(rating)).GetProperty("complaintTaskId").GetString();
        var inbox = await Read(await As(Roles.Reviewer, "service-hall").GetAsync("/api/tasks?kind=complaint&status=open&pageSize=100"));
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == complaintId);
        var again = await As(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/rating", Json(new { score = 5 }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task BundleA_NotDisabled_A2AndA3EndNotGrantedByTheRules()
    {
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()))).GetProperty("id").GetString()!;

        await AssessA1Async(id, new { notDisabled = true });

        var app = await GetAsync(id);
        Assert.Equal("refused", Item(app, "A1").GetProperty("outcome").GetString());
        foreach (var code in new[] { "A2", "A3" })
        {
            Assert.Equal("notGranted", Item(app, code).GetProperty("outcome").GetString());
            Assert.Contains("A1", Item(app, code).GetProperty("outcomeReason").GetString());
        }
        Assert.False(Item(app, "A4").TryGetProperty("outcome", out _)); // A4 goes on: disability plays no part
        Assert.Contains(app.GetProperty("timeline").EnumerateArray(), h => h.GetProperty("event").GetString() == "rulesEvaluated");
    }

    [Fact]
    public async Task Decide_InvalidRequests_AreRefusedWithTheRightStatus()
    {
        var person = NewPerson();
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(person))).GetProperty("id").GetString()!;
        var review = await TaskAsync(id, "A1", "review");

        Assert.Equal(HttpStatusCode.BadRequest, (await DecideAsync(review, "dpf", new { action = "reject" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DecideAsync(review, "civil-affairs", Approve)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(Roles.Reviewer, "civil-affairs").GetAsync("/api/tasks?department=dpf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DecideAsync(Guid.NewGuid().ToString(), "dpf", Approve)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(review, "dpf", new { action = "submit" })).StatusCode);
        await OkDecisionAsync(id, "A1", "review", "dpf", Approve);
        var assessment = await TaskAsync(id, "A1", "assessment");
        var bad = await DecideAsync(assessment, "designated-hospital", new { action = "submit", outputs = new { category = "unknown", grade = 7 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Read(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("outputs.category", out _));
        Assert.True(errors.TryGetProperty("outputs.grade", out _));

        // an applicant reads only their own application
        Assert.Equal(HttpStatusCode.Forbidden, (await As(Roles.Applicant, subject: NewPerson()).GetAsync($"/api/applications/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(Roles.Applicant, subject: person).GetAsync($"/api/applications/{id}")).StatusCode);
        // the department's inbox shows its projection of the facts, ID numbers masked
        var inbox = await Read(await As(Roles.Reviewer, "designated-hospital").GetAsync("/api/tasks?status=open&sort=-dueDate&pageSize=100"));
        var task = inbox.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetString() == assessment);
        Assert.Equal(["submit", "requestSupplement"], task.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(ChineseId.Mask(person), task.GetProperty("application").GetProperty("applicant").GetProperty("idNumber").GetString());
        Assert.False(task.GetProperty("application").TryGetProperty("household", out _));
    }

    [Fact]
    public async Task Supplement_PausesAndResumesTheClock_SecondRequestIsRefused()
    {
        var person = NewPerson();
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(person))).GetProperty("id").GetString()!;
        var dueBefore = DateOnly.Parse(Item(await GetAsync(id), "A4").GetProperty("dueDate").GetString()!);

        await OkDecisionAsync(id, "A4", "review", "medical-security", new { action = "requestSupplement", reason = "低保证明不清晰", materials = new[] { "dibao-proof" } });
        var paused = Item(await GetAsync(id), "A4");
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Equal("awaitingSupplement", paused.GetProperty("status").GetString());

        fixture.Clock.Advance(TimeSpan.FromDays(7));
        var applicant = As(Roles.Applicant, subject: person);
        var beforeUpload = await applicant.PostAsync($"/api/applications/{id}/supplements", Json(new { itemCode = "A4", materials = new[] { "dibao-proof" } }));
        Assert.Equal(HttpStatusCode.Conflict, beforeUpload.StatusCode);
        Assert.Equal(["dibao-proof"], (await Read(beforeUpload)).GetProperty("materials").EnumerateArray().Select(m => m.GetString()));
        var file = new ByteArrayContent("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var upload = await applicant.PostAsync($"/api/applications/{id}/materials/dibao-proof", new MultipartFormDataContent { { file, "file", "dibao.pdf" } });
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var supplement = await applicant.PostAsync($"/api/applications/{id}/supplements", Json(new { itemCode = "A4", materials = new[] { "dibao-proof" } }));
        Assert.Equal(HttpStatusCode.OK, supplement.StatusCode);
        var resumed = Item(await GetAsync(id), "A4");
        Assert.False(resumed.GetProperty("paused").GetBoolean());
        Assert.True(DateOnly.Parse(resumed.GetProperty("dueDate").GetString()!) > dueBefore);

        var second = await DecideAsync(await TaskAsync(id, "A4", "review"), "medical-security", new { action = "requestSupplement", reason = "again", materials = new[] { "id-card" } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("一次性告知", (await Read(second)).GetProperty("detail").GetString());
        var notWaiting = await As(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/supplements", Json(new { itemCode = "A4", materials = new[] { "x" } }));
        Assert.Equal(HttpStatusCode.Conflict, notWaiting.StatusCode);
    }

    [Fact]
    public async Task Withdraw_OneItem_EndsItsTasks()
    {
        var person = NewPerson();
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(person))).GetProperty("id").GetString()!;

        var response = await As(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/withdrawal", Json(new { itemCode = "A4", reason = "不再需要" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var app = await Read(response);
        Assert.Equal("withdrawn", Item(app, "A4").GetProperty("outcome").GetString());
        Assert.Contains(app.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("itemCode").GetString() == "A4" && t.GetProperty("status").GetString() == "cancelled");
        var again = await As(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/withdrawal", Json(new { itemCode = "A4", reason = "x" }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await As(Roles.Applicant, subject: person).PostAsync($"/api/applications/{id}/withdrawal", Json(new { itemCode = "A5" }))).StatusCode);
    }

    [Fact]
    public async Task Deadlines_ReminderAt80PercentThenEscalation_AreNotified()
    {
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()))).GetProperty("id").GetString()!;
        var a4 = Guid.Parse(await TaskAsync(id, "A4", "review")); // 10 working days: reminder after 8

        fixture.Clock.Advance(TimeSpan.FromDays(12));
        await FireTimersAsync();
        await using (var db = _api.NewDb())
            Assert.Contains(await db.Notifications.Where(n => n.TaskId == a4).Select(n => n.Kind).ToListAsync(), k => k == "reminder");

        fixture.Clock.Advance(TimeSpan.FromDays(5));
        await FireTimersAsync();
        await using (var db = _api.NewDb())
        {
            var escalation = await db.Notifications.SingleAsync(n => n.TaskId == a4 && n.Kind == "escalation");
            Assert.Equal("medical-security:lead", escalation.Recipient);
        }
    }

    // ------------------------------------------------------------------ bundle B

    [Fact]
    public async Task BundleB_CreditCodeLicenceAndCommitment_FailedFollowUpRevokesB3AndFlagsB2()
    {
        var id = (await SubmitAsync(SampleFacts.VenueCompany(), B)).GetProperty("id").GetString()!;

        await OkDecisionAsync(id, "B1", "review", "market-regulation", Approve);
        var b1 = Item(await GetAsync(id), "B1");
        Assert.Equal("granted", b1.GetProperty("outcome").GetString());
        var code = b1.GetProperty("number").GetString()!;
        Assert.True(CreditCode.IsValid(code), code);
        Assert.StartsWith("91371581", code);

        await OkDecisionAsync(id, "B2", "review", "culture-tourism", Approve);
        await OkDecisionAsync(id, "B2", "verification", "culture-tourism", new { action = "submit", outputs = new { passed = true, findings = "符合要求" } });
        await OkDecisionAsync(id, "B2", "decision", "culture-tourism", Approve);
        Assert.StartsWith("WHYL371581", Item(await GetAsync(id), "B2").GetProperty("number").GetString());

        await OkDecisionAsync(id, "B3", "review", "fire-rescue", Approve);
        await OkDecisionAsync(id, "B3", "decision", "fire-rescue", Approve);
        var granted = await GetAsync(id);
        Assert.Equal("granted", Item(granted, "B3").GetProperty("outcome").GetString());
        var issued = granted.GetProperty("combinedResult").GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!);
        Assert.Equal(code, issued["B1"].GetProperty("creditCode").GetString());

        await OkDecisionAsync(id, "B3", "inspection", "fire-rescue", new { action = "submit", outputs = new { passed = false, findings = "疏散通道堵塞" } });
        var app = await GetAsync(id);
        Assert.Equal("revoked", Item(app, "B3").GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrEmpty(Item(app, "B2").GetProperty("reviewFlag").GetString()));
        var flag = await TaskAsync(id, "B2", "flagReview");
        var inbox = await Read(await As(Roles.Reviewer, "culture-tourism").GetAsync("/api/tasks?kind=flagReview"));
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == flag);
        Assert.Equal("revoked", app.GetProperty("combinedResult").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "B3").GetProperty("outcome").GetString());
    }

    // ------------------------------------------------------------------ submission

    [Fact]
    public async Task Submit_KioskIdempotency_SameKeySameBodySameApplication()
    {
        var kiosk = As(Roles.Kiosk);
        var body = SubmissionBody(SampleFacts.DisabilityApplicant(NewPerson()), channel: "kiosk").ToJsonString();
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Request(string b, string? k)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Json(b) };
            if (k is not null) r.Headers.Add("Idempotency-Key", k);
            return r;
        }

        var missing = await kiosk.SendAsync(Request(body, null));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await Read(missing)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));

        var first = await kiosk.SendAsync(Request(body, key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var retry = await kiosk.SendAsync(Request(body, key));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());

        var other = await kiosk.SendAsync(Request(SubmissionBody(SampleFacts.DisabilityApplicant(NewPerson()), channel: "kiosk").ToJsonString(), key));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);

        // online acceptance: the service hall accepts, then the items start
        var id = (await Read(first)).GetProperty("id").GetString()!;
        Assert.Equal("awaitingAcceptance", (await GetAsync(id)).GetProperty("status").GetString());
        await OkDecisionAsync(id, null, "acceptance", "service-hall", new { action = "accept" });
        Assert.Equal("running", (await GetAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Submit_InvalidOrForbidden_ProblemDetails()
    {
        var facts = SampleFacts.DisabilityApplicant(NewPerson());
        facts["applicant"]!["idNumber"] = TestIds.Corrupt(NewPerson());
        var invalid = await As(Roles.Clerk).PostAsync("/api/applications", Json(SubmissionBody(facts).ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await Read(invalid)).GetProperty("errors").TryGetProperty("facts.applicant.idNumber", out _));

        var person = NewPerson();
        var noKey = await As(Roles.Applicant, subject: person).PostAsync("/api/applications",
            Json(SubmissionBody(SampleFacts.DisabilityApplicant(person), channel: "online").ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.True((await Read(noKey)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));

        var outside = SampleFacts.DisabilityApplicant(NewPerson());
        outside["applicant"]!["hukouRegion"] = "110101";
        var nothing = await As(Roles.Clerk).PostAsync("/api/applications", Json(SubmissionBody(outside).ToJsonString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothing.StatusCode);
        Assert.True((await Read(nothing)).TryGetProperty("reasons", out _));

        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.CreateClient().PostAsync("/api/applications", Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(Roles.Reviewer, "dpf").PostAsync("/api/applications", Json("{}"))).StatusCode);
    }

    [Fact]
    public async Task Submit_ApplicantForSomeoneElse_Forbidden()
    {
        var person = NewPerson();
        var body = SubmissionBody(SampleFacts.DisabilityApplicant(person), channel: "online").ToJsonString();
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Json(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return request;
        }

        var someoneElse = await As(Roles.Applicant, subject: NewPerson()).SendAsync(Request());
        var self = await As(Roles.Applicant, subject: person).SendAsync(Request());

        Assert.Equal(HttpStatusCode.Forbidden, someoneElse.StatusCode);
        Assert.Equal("application/problem+json", someoneElse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Created, self.StatusCode); // the same request is valid: only the ownership check refused it
        await using var db = _api.NewDb();
        Assert.Equal(1, await db.Applications.CountAsync(a => a.ApplicantHash == _api.Service<PersonalData>().Hash(person)));
    }

    [Theory]
    [InlineData("/api/applications")]
    [InlineData("/api/applications/{id}/supplements")]
    [InlineData("/api/applications/{id}/withdrawal")]
    [InlineData("/api/applications/{id}/rating")]
    [InlineData("/api/tasks/{task}/decisions")]
    [InlineData("/api/admin/calendars/2027")]
    public async Task Post_MalformedJson_400Problem(string route)
    {
        var person = NewPerson();
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(person))).GetProperty("id").GetString()!;
        var task = await TaskAsync(id, "A1", "review");
        var client = route.Contains("tasks") ? As(Roles.Reviewer, "dpf") : route.Contains("admin") ? As(Roles.Admin)
            : route.Contains("rating") ? As(Roles.Applicant, subject: person) : As(Roles.Clerk);
        var url = route.Replace("{id}", id).Replace("{task}", task);

        var response = url.EndsWith("2027")
            ? await client.PutAsync(url, Json("{\"year\": 2027,"))
            : await client.PostAsync(url, Json("{\"facts\": [1, 2"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await Read(response)).GetProperty("errors").TryGetProperty("body", out _));
    }

    // ------------------------------------------------------------------ concurrency, restart

    [Fact]
    public async Task Decide_FiftyConcurrentDecisionsOnOneTask_ExactlyOneSucceeds()
    {
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()))).GetProperty("id").GetString()!;
        var task = await TaskAsync(id, "A4", "review");
        var clients = Enumerable.Range(0, 50).Select(_ => As(Roles.Reviewer, "medical-security")).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsync($"/api/tasks/{task}/decisions", Json(Approve))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Restart_NewNodeOnTheSameDatabase_FiresOverdueTimers()
    {
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()))).GetProperty("id").GetString()!;
        await AssessA1Async(id, new { category = "visual", grade = 1 });

        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(fixture.Clock.GetUtcNow() + TimeSpan.FromDays(10));
        await using var restarted = new SameDatabaseApi(_api.Provider, _api.ConnectionString, later);
        _ = restarted.CreateClient(); // starts the host: the timer service runs at once
        var opened = false;
        for (var i = 0; i < 100 && !opened; i++)
        {
            await using var db = _api.NewDb();
            opened = await db.WorkflowTasks.AnyAsync(t => t.InstanceId == Guid.Parse(id) && t.ItemCode == "A1" && t.Kind == "decision" && t.Status == "open");
            if (!opened) await Task.Delay(100);
        }
        Assert.True(opened, "the public notice timer fired on the restarted node and opened the decision task");
    }

    // ------------------------------------------------------------------ materials

    [Fact]
    public async Task Materials_Upload_StoresAndReturnsSha256_RejectsWrongTypeAndTooLarge()
    {
        var person = NewPerson();
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(person))).GetProperty("id").GetString()!;
        var applicant = As(Roles.Applicant, subject: person);
        var pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray();
        MultipartFormDataContent Form(byte[] bytes, string type, string name = "photo.pdf")
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            return new MultipartFormDataContent { { content, "file", name } };
        }

        var created = await applicant.PostAsync($"/api/applications/{id}/materials/photo", Form(pdf, "application/pdf"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var material = await Read(created);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), material.GetProperty("sha256").GetString());
        Assert.Equal(pdf.Length, material.GetProperty("size").GetInt32());

        var list = await Read(await applicant.GetAsync($"/api/applications/{id}/materials"));
        Assert.Single(list.EnumerateArray());
        await using (var db = _api.NewDb())
        {
            var row = await db.Materials.SingleAsync(m => m.ApplicationId == Guid.Parse(id));
            if (row.Storage == "Database") Assert.Equal(pdf, row.Content);
            else Assert.Equal(pdf, await File.ReadAllBytesAsync(Path.Combine(((SqliteWorkflowApi)fixture).MaterialsFolder, row.Location!)));
        }

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await applicant.PostAsync($"/api/applications/{id}/materials/photo", Form("hello"u8.ToArray(), "text/plain", "a.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await applicant.PostAsync($"/api/applications/{id}/materials/photo", Form("hello"u8.ToArray(), "image/png", "a.png"))).StatusCode);
        var big = new byte[70_000];
        "%PDF"u8.CopyTo(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await applicant.PostAsync($"/api/applications/{id}/materials/photo", Form(big, "application/pdf"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await applicant.PostAsync($"/api/applications/{id}/materials/no-such", Form(pdf, "application/pdf"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(Roles.Applicant, subject: NewPerson()).PostAsync($"/api/applications/{id}/materials/photo", Form(pdf, "application/pdf"))).StatusCode);
    }

    // ------------------------------------------------------------------ calendar

    [Fact]
    public async Task Calendar_PutThenGet_RoundTripsAndValidates()
    {
        var admin = As(Roles.Admin);
        var year = new
        {
            year = 2027, source = "test",
            holidays = new[] { new { name = "元旦", from = "2027-01-01", to = "2027-01-03" } },
            makeUpWorkingDays = new[] { "2027-01-09" },
        };

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/calendars/2027", Json(year))).StatusCode);
        var stored = await Read(await admin.GetAsync("/api/admin/calendars/2027"));
        Assert.Equal("2027-01-03", stored.GetProperty("holidays")[0].GetProperty("to").GetString());
        Assert.True(_api.Service<WorkflowEngine>().Calendar.IsWorkingDay(new DateOnly(2027, 1, 9)));
        Assert.True((await admin.GetAsync("/api/admin/calendars/2026")).IsSuccessStatusCode);

        var invalid = await admin.PutAsync("/api/admin/calendars/2027", Json(new
        {
            holidays = new[] { new { name = "x", from = "2027-02-10", to = "2027-02-01" } }, makeUpWorkingDays = new[] { "2027-01-05" },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await Read(invalid)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("holidays[0].to", out _));
        Assert.True(errors.TryGetProperty("makeUpWorkingDays[0]", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await As(Roles.Clerk).GetAsync("/api/admin/calendars/2027")).StatusCode);
    }

    // ------------------------------------------------------------------ languages

    private async Task<JsonElement> GetInAsync(string id, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/applications/{id}");
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await Read(await As(Roles.Admin).SendAsync(request));
    }

    private static bool HasHan(string text) => text.Any(c => c is >= '\u4e00' and <= '\u9fff');

    [Fact]
    public async Task View_NotDisabledApplicationCompleted_ReasonsCombinedResultAndNotificationsFollowAcceptLanguage()
    {
        var id = (await SubmitAsync(SampleFacts.DisabilityApplicant(NewPerson()))).GetProperty("id").GetString()!;
        await AssessA1Async(id, new { notDisabled = true });
        await OkDecisionAsync(id, "A4", "review", "medical-security", Approve);
        await OkDecisionAsync(id, "A5", "review", "hrss", Approve);
        await OkDecisionAsync(id, "A5", "decision", "hrss", new { action = "approve", outputs = new { level = "full" } });

        foreach (var (language, chinese) in new[] { ((string?)null, true), ("zh-CN", true), ("en", false), ("en-US,en;q=0.9", false) })
        {
            var app = await GetInAsync(id, language);
            Assert.Equal("completed", app.GetProperty("status").GetString());
            foreach (var code in new[] { "A2", "A3" })
                Assert.Equal(chinese, HasHan(Item(app, code).GetProperty("outcomeReason").GetString()!));

            var notGranted = app.GetProperty("combinedResult").GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("result").GetString() != "granted").ToList();
            Assert.Equal(["A1", "A2", "A3"], notGranted.Select(i => i.GetProperty("code").GetString()));
            foreach (var item in notGranted)
            {
                Assert.NotEqual(0, item.GetProperty("reasons").GetArrayLength());
                Assert.All(item.GetProperty("reasons").EnumerateArray(), r => Assert.Equal(chinese, HasHan(r.GetString()!)));
                Assert.Equal(chinese, HasHan(item.GetProperty("name").GetString()!));
            }

            var notifications = app.GetProperty("notifications").EnumerateArray().Select(n => n.GetProperty("message").GetString()!).ToList();
            Assert.NotEmpty(notifications);
            Assert.All(notifications, m => Assert.Equal(chinese, HasHan(m)));
        }
    }
}

public sealed class ApplicationApiSqliteTests(SqliteWorkflowApi api) : ApplicationApiTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class ApplicationApiPostgresTests(PostgresWorkflowApi api) : ApplicationApiTests(api), IClassFixture<PostgresWorkflowApi>;

[RequiresSqlServer]
public sealed class ApplicationApiSqlServerTests(SqlServerWorkflowApi api) : ApplicationApiTests(api), IClassFixture<SqlServerWorkflowApi>;

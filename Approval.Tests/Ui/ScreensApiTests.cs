using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Tests.Applications;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Ui;

/// <summary>The endpoints the screens added: an application by receipt number, a material's bytes, the admin dashboard and bundle versions.</summary>
public abstract class ScreensApiTests(IWorkflowApi workflow)
{
    private const string B = "entertainment-venue";
    private static int _companies;
    private readonly ApiFactory _api = workflow.Api;

    private HttpClient As(string role, string? department = null, string? subject = null) => _api.ClientAs(role, department, subject);

    private static async Task<JsonElement> Read(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A bundle-B application at the window for a legal representative of its own.</summary>
    private async Task<(string Id, string Receipt, string LegalRep)> SubmitAsync()
    {
        var n = Interlocked.Increment(ref _companies);
        var legalRep = TestIds.Person(new DateOnly(1980, 1, 1).AddDays(n * 7), n);
        var facts = SampleFacts.VenueCompany();
        facts["enterprise"]!["proposedName"] = $"临清屏幕测试{n}{Guid.NewGuid().ToString("N")[..4]}有限公司";
        facts["enterprise"]!["legalRepresentative"]!["idNumber"] = legalRep;
        facts["enterprise"]!["investors"]![0]!["idNumber"] = legalRep;
        var body = new JsonObject { ["bundleCode"] = B, ["channel"] = "window", ["facts"] = facts };
        var response = await As(Roles.Clerk).PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await Read(response);
        return (json.GetProperty("id").GetString()!, json.GetProperty("receiptNumber").GetString()!, legalRep);
    }


    [Fact]
    public async Task ByReceipt_Clerk_ReturnsTheApplicationWithMaskedIds()
    {
        var (id, receipt, legalRep) = await SubmitAsync();

        var response = await As(Roles.Clerk).GetAsync($"/api/applications/by-receipt/{receipt.ToLowerInvariant()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var app = await Read(response);
        Assert.Equal(id, app.GetProperty("id").GetString());
        Assert.Equal(receipt, app.GetProperty("receiptNumber").GetString());
        Assert.DoesNotContain(legalRep, app.GetRawText());
    }

    [Fact]
    public async Task ByReceipt_TheApplicantAndOthers_OwnOnlyAndUnknownIs404()
    {
        var (_, receipt, legalRep) = await SubmitAsync();

        var own = await As(Roles.Applicant, subject: legalRep).GetAsync($"/api/applications/by-receipt/{receipt}");
        var other = await As(Roles.Applicant, subject: SampleFacts.ApplicantId).GetAsync($"/api/applications/by-receipt/{receipt}");
        var unrelated = await As(Roles.Reviewer, "dpf").GetAsync($"/api/applications/by-receipt/{receipt}");
        var unknown = await As(Roles.Clerk).GetAsync("/api/applications/by-receipt/YJS-19990101-999999");
        var anonymous = await _api.CreateClient().GetAsync($"/api/applications/by-receipt/{receipt}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains(legalRep, (await Read(own)).GetProperty("applicantIdNumber").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unrelated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task MaterialContent_ReviewerWithATask_GetsTheBytesAndTheViewIsAudited()
    {
        var (id, _, _) = await SubmitAsync();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5];
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "lease.png");
        var uploaded = await Read(await As(Roles.Clerk).PostAsync($"/api/applications/{id}/materials/premises-proof", form));
        var materialId = uploaded.GetProperty("id").GetString();

        var response = await As(Roles.Reviewer, "market-regulation").GetAsync($"/api/applications/{id}/materials/{materialId}/content");
        var otherDepartment = await As(Roles.Reviewer, "dpf").GetAsync($"/api/applications/{id}/materials/{materialId}/content");
        var unknown = await As(Roles.Clerk).GetAsync($"/api/applications/{id}/materials/{Guid.NewGuid()}/content");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Forbidden, otherDepartment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await using var db = _api.NewDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "material.view" && a.Resource == $"applications/{id}/materials/{materialId}"));
    }

    [Fact]
    public async Task Dashboard_AfterACompletedRatedApplication_CountsVolumesDaysAndSatisfaction()
    {
        var (id, _, legalRep) = await SubmitAsync();
        await Reviewers.DecideAsync(_api, id, "B1", "review", "market-regulation", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B2", "review", "culture-tourism", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B2", "verification", "culture-tourism", new { action = "submit", outputs = new { passed = true } });
        await Reviewers.DecideAsync(_api, id, "B2", "decision", "culture-tourism", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B3", "review", "fire-rescue", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B3", "decision", "fire-rescue", new { action = "approve" });
        var rated = await As(Roles.Applicant, subject: legalRep).PostAsJsonAsync($"/api/applications/{id}/rating", new { score = 4 });
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);

        var response = await As(Roles.Admin).GetAsync("/api/admin/dashboard");
        var forbidden = await As(Roles.Clerk).GetAsync("/api/admin/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var d = await Read(response);
        await using var db = _api.NewDb();
        Assert.Equal(await db.Applications.CountAsync(), d.GetProperty("applications").GetInt32());
        Assert.Equal(await db.Applications.CountAsync(a => a.Channel == "window"),
            d.GetProperty("byChannel").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "window").GetProperty("count").GetInt32());
        var b1 = d.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemCode").GetString() == "B1");
        Assert.Equal(3, b1.GetProperty("statutoryDays").GetInt32());
        Assert.True(b1.GetProperty("ended").GetInt32() >= 1);
        Assert.Equal(0, b1.GetProperty("overStatutory").GetInt32());
        var ratings = await db.Applications.Where(a => a.Rating != null).Select(a => a.Rating!.Value).ToListAsync();
        var satisfaction = d.GetProperty("satisfaction");
        Assert.Equal(ratings.Count, satisfaction.GetProperty("ratings").GetInt32());
        Assert.Equal(Math.Round(ratings.Average(), 2), satisfaction.GetProperty("average").GetDouble());
        Assert.Equal(ratings.Count(r => r == 4), satisfaction.GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "4").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task BundleVersions_Admin_ListsTheVersionInForceWithItsPinnedApplications()
    {
        await SubmitAsync();

        var response = await As(Roles.Admin).GetAsync("/api/admin/bundle-versions");
        var forbidden = await As(Roles.Reviewer, "dpf").GetAsync("/api/admin/bundle-versions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var current = (await Read(response)).EnumerateArray().Single(v => v.GetProperty("bundleCode").GetString() == B && v.GetProperty("current").GetBoolean());
        await using var db = _api.NewDb();
        var version = current.GetProperty("version").GetString();
        Assert.Equal(await db.Applications.CountAsync(a => a.BundleCode == B && a.BundleVersion == version), current.GetProperty("applications").GetInt32());
        Assert.Contains("bundle.yaml", current.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task DemoToken_SettingOff_IsNotOffered()
    {
        var config = await Read(await _api.CreateClient().GetAsync("/api/ui/config"));
        var response = await _api.CreateClient().PostAsJsonAsync("/api/ui/demo-token", new { role = "admin" });

        Assert.False(config.GetProperty("demoSignIn").GetBoolean());
        Assert.Equal(WorkflowClock.Start.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd"), config.GetProperty("today").GetString());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Screens_ServedFromThisHost_WithAContentSecurityPolicyAndNoExternalReferences()
    {
        var client = _api.CreateClient();
        var index = await client.GetAsync("/ui/");
        var html = await index.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("js/app.js", html);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "Approval.Api", "wwwroot"), "*.*", SearchOption.AllDirectories))
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?https?://|@import\s+url\(\s*[""']?https?://|from\s+[""']https?://", await File.ReadAllTextAsync(file));
    }
}

public sealed class ScreensApiSqliteTests(SqliteWorkflowApi api) : ScreensApiTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class ScreensApiPostgresTests(PostgresWorkflowApi api) : ScreensApiTests(api), IClassFixture<PostgresWorkflowApi>;

/// <summary>The demo sign-in switched on (Ui:DemoSignIn): it issues working tokens, and bad requests are 400s naming the field.
/// Nothing here touches the database, so SQLite alone serves.</summary>
public sealed class DemoSignInTests(DemoSignInTests.DemoApi api) : IClassFixture<DemoSignInTests.DemoApi>
{
    public sealed class DemoApi : SqliteApi
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Ui:DemoSignIn", "true"), new("Workflows:RunTimers", "false")];
    }

    [Fact]
    public async Task DemoToken_Reviewer_IsAcceptedByTheApiForItsDepartmentOnly()
    {
        var client = api.CreateClient();
        var config = await (await client.GetAsync("/api/ui/config")).Content.ReadFromJsonAsync<JsonElement>();
        var issued = await client.PostAsJsonAsync("/api/ui/demo-token", new { role = "reviewer", department = "dpf" });
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        Assert.True(config.GetProperty("demoSignIn").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tasks?department=dpf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/tasks?department=hrss")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/admin/dashboard")).StatusCode);
    }

    [Fact]
    public async Task DemoToken_UnknownRoleOrReviewerWithoutDepartment_400NamingTheField()
    {
        var client = api.CreateClient();

        var role = await client.PostAsJsonAsync("/api/ui/demo-token", new { role = "root" });
        var department = await client.PostAsJsonAsync("/api/ui/demo-token", new { role = "reviewer" });
        var broken = await client.PostAsync("/api/ui/demo-token", new StringContent("{", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, role.StatusCode);
        Assert.True((await role.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("role", out _));
        Assert.Equal(HttpStatusCode.BadRequest, department.StatusCode);
        Assert.True((await department.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("department", out _));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }
}

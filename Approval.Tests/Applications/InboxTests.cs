using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Approval.Api.Applications;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Applications;

/// <summary>A department's inbox (GET /api/tasks): scope, paging, the capped total and what a department may see.</summary>
public abstract class InboxTests(ApiFactory api) : IAsyncLifetime
{
    private static int _people;
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiFactory, Task> Seeded = new();

    /// <summary>Three bundle-A applications at the window, once per fixture (each opens A2 and A3 pre-reviews for civil-affairs).</summary>
    public Task InitializeAsync()
    {
        lock (Seeded) return Seeded.GetValue(api, _ => SeedAsync());
    }

    private async Task SeedAsync()
    {
        var clerk = api.ClientAs(Roles.Clerk);
        for (var i = 0; i < 3; i++)
        {
            var facts = SampleFacts.DisabilityApplicant(TestIds.Person(new DateOnly(1970, 1, 1).AddDays(Interlocked.Increment(ref _people)), 9));
            var body = new System.Text.Json.Nodes.JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = facts };
            var response = await clerk.PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> Inbox(string department, string query)
    {
        var response = await api.ClientAs(Roles.Reviewer, department).GetAsync($"/api/tasks?department={department}&{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task ListTasks_MoreMatchesThanTheCap_ReportsTheCapAndSaysSo()
    {
        var page = await Inbox("civil-affairs", "status=open&pageSize=2");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.True(page.GetProperty("totalIsCapped").GetBoolean());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ListTasks_FewerMatchesThanTheCap_ReportsTheExactTotal()
    {
        var page = await Inbox("medical-security", "status=open&pageSize=2&kind=review");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.False(page.GetProperty("totalIsCapped").GetBoolean());
    }

    [Fact]
    public async Task ListTasks_DepartmentStatusAndAnotherKind_ListsNone()
    {
        var page = await Inbox("civil-affairs", "status=open&sort=dueDate&kind=inspection");

        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        Assert.Equal(0, page.GetProperty("total").GetInt32());
    }

    /// <summary>A short page ends the list and gives the total itself; an empty page past the end still counts.</summary>
    [Theory]
    [InlineData(1, 20, 3)]
    [InlineData(2, 2, 1)]
    [InlineData(5, 2, 0)]
    public async Task ListTasks_PageAtOrPastTheEnd_ReportsTheExactTotal(int page, int pageSize, int items)
    {
        var result = await Inbox("medical-security", $"status=open&kind=review&page={page}&pageSize={pageSize}");

        Assert.Equal(items, result.GetProperty("items").GetArrayLength());
        Assert.Equal(3, result.GetProperty("total").GetInt32());
        Assert.False(result.GetProperty("totalIsCapped").GetBoolean());
    }

    [Fact]
    public async Task ListTasks_PagesSortedByDueDate_DoNotOverlap()
    {
        var first = await Inbox("civil-affairs", "status=open&sort=dueDate&page=1&pageSize=2");
        var second = await Inbox("civil-affairs", "status=open&sort=dueDate&page=2&pageSize=2");

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var due = first.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("dueDate").GetString()).ToList();
        Assert.Equal(due.Order(StringComparer.Ordinal), due);
    }

    /// <summary>
    /// Across departments one application's open tasks fall due on four dates (A1 review 2 working days, A5 3, A2/A3 5, A4 10),
    /// created A1…A5 at the same instant: ordered by creation they would not be ordered by due date.
    /// </summary>
    [Theory]
    [InlineData("dueDate")]
    [InlineData("-dueDate")]
    public async Task ListTasks_SortedByDueDateOverSeveralPages_AreInDueDateOrder(string sort)
    {
        var admin = api.ClientAs(Roles.Admin);
        var pages = new List<JsonElement>();
        for (var p = 1; p <= 5; p++)
            pages.AddRange((await admin.GetFromJsonAsync<JsonElement>($"/api/tasks?status=open&sort={sort}&page={p}&pageSize=4"))
                .GetProperty("items").EnumerateArray());

        var due = pages.Select(t => t.GetProperty("dueDate").GetString()!).ToList();
        Assert.True(due.Distinct().Count() >= 4, string.Join(", ", due));
        var expected = sort == "dueDate" ? due.Order(StringComparer.Ordinal) : due.OrderDescending(StringComparer.Ordinal);
        Assert.Equal(expected, due);
        Assert.Equal(pages.Count, pages.Select(t => t.GetProperty("id").GetString()).Distinct().Count());
    }

    /// <summary>
    /// The service hall's inbox has two sources: acceptance tasks of online applications and complaints (ratings of 1–2).
    /// Complaints created before, between and after the acceptance tasks must come out merged in one order across pages,
    /// each row with its own application's receipt number.
    /// </summary>
    [Theory]
    [InlineData("createdAt")]
    [InlineData("-createdAt")]
    public async Task ListTasks_ServiceHallWithComplaints_MergesBothSourcesInOneOrder(string sort)
    {
        var hall = api.ClientAs(Roles.Reviewer, ComplaintTask.HallDepartment);
        var receipts = new Dictionary<Guid, string>();
        var hallTasks = (await Inbox(ComplaintTask.HallDepartment, "status=open&kind=acceptance&pageSize=100")).GetProperty("items").GetArrayLength();
        if (hallTasks < 2)
            for (var i = 0; i < 2; i++)
            {
                var person = TestIds.Person(new DateOnly(1960, 1, 1).AddDays(Interlocked.Increment(ref _people)), 9);
                using var online = new HttpRequestMessage(HttpMethod.Post, "/api/applications")
                {
                    Content = JsonContent.Create(new { bundleCode = "disability-assistance", channel = "online", facts = SampleFacts.DisabilityApplicant(person) }),
                };
                online.Headers.Add("Idempotency-Key", $"hall-{Guid.NewGuid():N}");
                var submitted = await api.ClientAs(Roles.Applicant, subject: person).SendAsync(online);
                Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            }
        var acceptance = (await Inbox(ComplaintTask.HallDepartment, "status=open&kind=acceptance&sort=createdAt&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        foreach (var t in acceptance) receipts[t.GetProperty("applicationId").GetGuid()] = t.GetProperty("receiptNumber").GetString()!;
        var first = acceptance[0].GetProperty("createdAt").GetDateTimeOffset();
        var last = acceptance[^1].GetProperty("createdAt").GetDateTimeOffset();
        await using (var db = api.NewDb())
        {
            var applications = receipts.Keys.ToList();
            if (!await db.ComplaintTasks.AnyAsync(c => applications.Contains(c.ApplicationId)))
            {
                foreach (var (at, application) in new[] { (first.AddSeconds(-5), applications[0]), (first.AddTicks((last - first).Ticks / 2), applications[1]), (last.AddSeconds(5), applications[0]) })
                    db.ComplaintTasks.Add(new ComplaintTask
                    {
                        Id = Guid.NewGuid(), ApplicationId = application, Score = 1, Comment = "slow", CreatedAt = at.ToUnixTimeMilliseconds(),
                        DueDate = DateOnly.FromDateTime(at.UtcDateTime).AddDays(1),
                    });
                await db.SaveChangesAsync();
            }
        }

        var rows = new List<JsonElement>();
        for (var p = 1; p <= 10; p++)
        {
            var items = (await hall.GetFromJsonAsync<JsonElement>($"/api/tasks?status=open&sort={sort}&page={p}&pageSize=2")).GetProperty("items").EnumerateArray().ToList();
            rows.AddRange(items);
            if (items.Count < 2) break;
        }

        var created = rows.Select(t => t.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(sort == "createdAt" ? created.Order() : created.OrderDescending(), created);
        Assert.Equal(rows.Count, rows.Select(t => t.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(3, rows.Count(t => t.GetProperty("kind").GetString() == "complaint"));
        Assert.Equal(acceptance.Count, rows.Count(t => t.GetProperty("kind").GetString() == "acceptance"));
        Assert.Equal("complaint", rows[0].GetProperty("kind").GetString());
        Assert.Equal("complaint", rows[^1].GetProperty("kind").GetString());
        foreach (var t in rows.Where(t => receipts.ContainsKey(t.GetProperty("applicationId").GetGuid())))
            Assert.Equal(receipts[t.GetProperty("applicationId").GetGuid()], t.GetProperty("receiptNumber").GetString());
    }

    [Fact]
    public async Task ListTasks_MedicalSecurity_SeesHouseholdButNotDisabilityOrPension()
    {
        var page = await Inbox("medical-security", "status=open");

        var view = page.GetProperty("items")[0].GetProperty("application");
        Assert.True(view.TryGetProperty("household", out _));
        Assert.False(view.TryGetProperty("disability", out _));
        Assert.False(view.TryGetProperty("pension", out _));
        Assert.Contains("*", view.GetProperty("applicant").GetProperty("idNumber").GetString());
    }

    [Fact]
    public async Task ListTasks_ReviewerOfAnotherDepartment_Is403()
    {
        var response = await api.ClientAs(Roles.Reviewer, "hrss").GetAsync("/api/tasks?department=civil-affairs");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("status=sleeping", "status")]
    [InlineData("sort=colour", "sort")]
    public async Task ListTasks_BadQuery_Is400NamingTheParameter(string query, string field)
    {
        var response = await api.ClientAs(Roles.Reviewer, "dpf").GetAsync($"/api/tasks?department=dpf&{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }
}

public sealed class CappedSqliteApi : SqliteApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:TotalCap", "3"), new("Workflows:RunTimers", "false")];
}

public sealed class CappedPostgresApi : PostgresApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:TotalCap", "3"), new("Workflows:RunTimers", "false")];
}

public sealed class CappedSqlServerApi : SqlServerApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:TotalCap", "3"), new("Workflows:RunTimers", "false")];
}

public sealed class InboxSqliteTests(CappedSqliteApi api) : InboxTests(api), IClassFixture<CappedSqliteApi>;

public sealed class InboxPostgresTests(CappedPostgresApi api) : InboxTests(api), IClassFixture<CappedPostgresApi>;

[RequiresSqlServer]
public sealed class InboxSqlServerTests(CappedSqlServerApi api) : InboxTests(api), IClassFixture<CappedSqlServerApi>;

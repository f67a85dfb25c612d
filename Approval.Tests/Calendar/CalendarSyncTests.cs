using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Calendar;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Tests.Applications;
using Approval.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Approval.Tests.Calendar;

/// <summary>Two nodes on one database: a calendar change on one reaches the other's deadlines within Calendar:RefreshInterval.</summary>
public abstract class CalendarSyncTests(IWorkflowApi fixture)
{
    private static int _people;
    private static readonly DateOnly ExtraHolidayFrom = new(2026, 11, 24);
    private static readonly DateOnly ExtraHolidayTo = new(2026, 11, 26);

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Submits a bundle-A application on the node and gives A4's due date (a 10-working-day review).</summary>
    private static async Task<DateOnly> A4DueDateAsync(ApiFactory node)
    {
        var person = TestIds.Person(new DateOnly(1975, 1, 1).AddDays(Interlocked.Increment(ref _people)), 5);
        var body = new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = SampleFacts.DisabilityApplicant(person) };
        var submitted = await node.ClientAs(Roles.Clerk).PostAsync("/api/applications", Json(body));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var app = await node.ClientAs(Roles.Admin).GetFromJsonAsync<JsonElement>($"/api/applications/{id}");
        var a4 = app.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "A4");
        return DateOnly.Parse(a4.GetProperty("dueDate").GetString()!);
    }

    [Fact]
    public async Task PutCalendar_OnOneNode_OtherNodeFollowsOnceTheRefreshIntervalPassed()
    {
        var nodeA = fixture.Api;
        var clockB = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var nodeB = new SameDatabaseApi(nodeA.Provider, nodeA.ConnectionString, clockB, runTimers: false);
        var before = await A4DueDateAsync(nodeB);

        var admin = nodeA.ClientAs(Roles.Admin);
        var year = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/calendars/2026"))!;
        year["holidays"]!.AsArray().Add(new JsonObject { ["name"] = "测试假期", ["from"] = ExtraHolidayFrom.ToString("O"), ["to"] = ExtraHolidayTo.ToString("O") });
        var put = await admin.PutAsync("/api/admin/calendars/2026", Json(year));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var onA = await A4DueDateAsync(nodeA);
        var staleOnB = await A4DueDateAsync(nodeB);
        clockB.Advance(nodeB.Service<CalendarOptions>().RefreshInterval);
        var afterOnB = await A4DueDateAsync(nodeB);

        Assert.Equal(before.AddDays(3), onA);
        Assert.Equal(before, staleOnB);
        Assert.Equal(onA, afterOnB);
        Assert.False(nodeB.Service<WorkflowEngine>().Calendar.IsWorkingDay(ExtraHolidayFrom));
    }

    [Fact]
    public async Task PutCalendar_SameYearTwiceInOneMillisecond_EachChangeReachesTheOtherNode()
    {
        var nodeA = fixture.Api;
        var clockB = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var nodeB = new SameDatabaseApi(nodeA.Provider, nodeA.ConnectionString, clockB, runTimers: false);
        var admin = nodeA.ClientAs(Roles.Admin);
        var year = new JsonObject { ["year"] = 2031, ["source"] = "test", ["holidays"] = new JsonArray(), ["makeUpWorkingDays"] = new JsonArray("2031-01-04") };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/calendars/2031", Json(year))).StatusCode);
        clockB.Advance(nodeB.Service<CalendarOptions>().RefreshInterval);
        _ = await nodeB.ClientAs(Roles.Admin).GetAsync("/api/admin/calendars/2031");
        Assert.True(nodeB.Service<WorkflowEngine>().Calendar.IsWorkingDay(new DateOnly(2031, 1, 4)));

        year["makeUpWorkingDays"] = new JsonArray();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/admin/calendars/2031", Json(year))).StatusCode);
        clockB.Advance(nodeB.Service<CalendarOptions>().RefreshInterval);
        _ = await nodeB.ClientAs(Roles.Admin).GetAsync("/api/admin/calendars/2031");

        Assert.False(nodeB.Service<WorkflowEngine>().Calendar.IsWorkingDay(new DateOnly(2031, 1, 4)));
    }
}

public sealed class CalendarSyncSqliteTests(SqliteWorkflowApi api) : CalendarSyncTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class CalendarSyncPostgresTests(PostgresWorkflowApi api) : CalendarSyncTests(api), IClassFixture<PostgresWorkflowApi>;

[RequiresSqlServer]
public sealed class CalendarSyncSqlServerTests(SqlServerWorkflowApi api) : CalendarSyncTests(api), IClassFixture<SqlServerWorkflowApi>;

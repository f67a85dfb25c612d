using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Approval.Tests.Applications;

/// <summary>A count past <c>Tasks:TotalCap</c> stands for <c>Tasks:CappedTotalSeconds</c>, then the inbox counts again.</summary>
public abstract class InboxCappedTotalTests(ApiFactory api, FakeTimeProvider clock)
{
    private async Task<string> SubmitAsync(int n)
    {
        var facts = SampleFacts.DisabilityApplicant(TestIds.Person(new DateOnly(1961, 3, 1).AddDays(n), 7));
        var body = new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = facts };
        var response = await api.ClientAs(Roles.Clerk).PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<(int Items, int Total, bool Capped)> CivilAffairsAsync()
    {
        var page = await api.ClientAs(Roles.Reviewer, "civil-affairs").GetFromJsonAsync<JsonElement>("/api/tasks?department=civil-affairs&status=open&pageSize=2");
        return (page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt32(), page.GetProperty("totalIsCapped").GetBoolean());
    }

    /// <summary>Two applications open four civil-affairs pre-reviews (A2, A3 each), past the cap of 3; withdrawing one leaves two.</summary>
    [Fact]
    public async Task ListTasks_BacklogFallsToTheCap_StaysCappedForTheWindowThenIsCountedAgain()
    {
        var first = await SubmitAsync(1);
        await SubmitAsync(2);
        Assert.Equal((2, 3, true), await CivilAffairsAsync());

        var withdrawal = await api.ClientAs(Roles.Clerk).PostAsync($"/api/applications/{first}/withdrawal",
            new StringContent("""{ "reason": "不再需要" }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, withdrawal.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal((2, 3, true), await CivilAffairsAsync());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((2, 2, false), await CivilAffairsAsync());
    }
}

public sealed class CappedClockSqliteApi : SqliteApi
{
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:TotalCap", "3"), new("Tasks:CappedTotalSeconds", "5"), new("Workflows:RunTimers", "false")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, Clock);
    }
}

public sealed class CappedClockPostgresApi : PostgresApi
{
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:TotalCap", "3"), new("Tasks:CappedTotalSeconds", "5"), new("Workflows:RunTimers", "false")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, Clock);
    }
}

public sealed class InboxCappedTotalSqliteTests(CappedClockSqliteApi api) : InboxCappedTotalTests(api, api.Clock), IClassFixture<CappedClockSqliteApi>;

public sealed class InboxCappedTotalPostgresTests(CappedClockPostgresApi api) : InboxCappedTotalTests(api, api.Clock), IClassFixture<CappedClockPostgresApi>;

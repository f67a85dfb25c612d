using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Bundles;
using Approval.Api.Security;
using Approval.Tests.Applications;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Approval.Tests.Reform;

/// <summary>POST /api/admin/bundles/{code}/versions: a draft rule version put in force for new applications, on every node.</summary>
public abstract class RuleVersionApiTests(IWorkflowApi workflow)
{
    private const string A = "disability-assistance";
    private const string Today = "2026-11-23";
    private static int _people;
    private readonly ApiFactory _api = workflow.Api;

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static JsonObject LivingSubsidy(decimal value, string from = Today, string? basedOn = null)
    {
        var body = new JsonObject { ["changes"] = new JsonArray(new JsonObject { ["parameter"] = "livingSubsidyMonthly", ["from"] = from, ["value"] = value }) };
        if (basedOn is not null) body["basedOn"] = basedOn;
        return body;
    }

    private static async Task<string> VersionInForceAsync(ApiFactory node) =>
        (await node.CreateClient().GetFromJsonAsync<JsonElement>($"/api/bundles/{A}")).GetProperty("version").GetString()!;

    private Task<HttpResponseMessage> PublishAsync(JsonObject body) => _api.ClientAs(Roles.Admin).PostAsync($"/api/admin/bundles/{A}/versions", Json(body));

    /// <summary>A grade-2 certificate holder on dibao: the living subsidy (A2) is eligible; gives the receipt's version and A2's monthly amount.</summary>
    private static async Task<(Guid Id, string Version, decimal Monthly)> SubmitAsync(ApiFactory node)
    {
        var id = TestIds.Person(new DateOnly(1968, 1, 1).AddDays(Interlocked.Increment(ref _people) * 11), 5);
        var facts = SampleFacts.DisabilityApplicant(id);
        facts["disability"] = new JsonObject
        {
            ["hasCertificate"] = true, ["certificateNumber"] = id + "42", ["category"] = "physical", ["grade"] = 2, ["needsLongTermCare"] = true,
        };
        var response = await node.ClientAs(Roles.Clerk).PostAsync("/api/applications", Json(new JsonObject { ["bundleCode"] = A, ["channel"] = "window", ["facts"] = facts }));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        var a2 = receipt.GetProperty("assessment").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "A2");
        return (receipt.GetProperty("id").GetGuid(), receipt.GetProperty("bundleVersion").GetString()!, a2.GetProperty("benefit").GetProperty("monthlyAmount").GetDecimal());
    }

    [Fact]
    public async Task Publish_SubsidyRaisedFromToday_NewApplicationsGetItAndEarlierOnesKeepTheirVersion()
    {
        var (earlier, versionBefore, monthlyBefore) = await SubmitAsync(_api);

        var response = await PublishAsync(LivingSubsidy(171, basedOn: versionBefore));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var published = await response.Content.ReadFromJsonAsync<JsonElement>();
        var version = published.GetProperty("version").GetString()!;
        Assert.NotEqual(versionBefore, version);
        Assert.Equal(versionBefore, published.GetProperty("previousVersion").GetString());
        Assert.Equal(version, await VersionInForceAsync(_api));
        var (_, versionAfter, monthlyAfter) = await SubmitAsync(_api);
        Assert.Equal((version, 171m), (versionAfter, monthlyAfter));
        var stored = await _api.ClientAs(Roles.Admin).GetFromJsonAsync<JsonElement>($"/api/applications/{earlier}");
        Assert.Equal(versionBefore, stored.GetProperty("bundleVersion").GetString());
        Assert.NotEqual(171m, monthlyBefore);
        await using var db = _api.NewDb();
        Assert.True(await db.BundleVersions.AnyAsync(v => v.BundleCode == A && v.Version == version));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "bundle.publish" && a.Resource == $"bundles/{A}/versions/{version}"));
    }

    [Fact]
    public async Task Publish_OnOneNode_OtherNodeFollowsOnceTheRefreshIntervalPassedAndARestartKeepsIt()
    {
        var clockB = new FakeTimeProvider(workflow.Clock.GetUtcNow());
        await using var nodeB = new SameDatabaseApi(_api.Provider, _api.ConnectionString, clockB, runTimers: false);
        var before = await VersionInForceAsync(nodeB);

        var response = await PublishAsync(LivingSubsidy(172));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString()!;
        var staleOnB = await VersionInForceAsync(nodeB);
        clockB.Advance(nodeB.Service<BundleOptions>().RefreshInterval);
        var (_, versionOnB, monthlyOnB) = await SubmitAsync(nodeB);
        await using var restarted = new SameDatabaseApi(_api.Provider, _api.ConnectionString, new FakeTimeProvider(workflow.Clock.GetUtcNow()), runTimers: false);

        Assert.Equal(before, staleOnB);
        Assert.Equal((version, 172m), (versionOnB, monthlyOnB));
        Assert.Equal(version, await VersionInForceAsync(restarted));
    }

    [Fact]
    public async Task Publish_SameDraftTwiceOrBasedOnAnOlderVersion_Is409AndKeepsTheVersionInForce()
    {
        var first = await PublishAsync(LivingSubsidy(173));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var inForce = await VersionInForceAsync(_api);

        var again = await PublishAsync(LivingSubsidy(173));
        var stale = await PublishAsync(LivingSubsidy(174, basedOn: "1.0.0+000000000000"));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("https://approval.example/problems/version-exists", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://approval.example/problems/version-changed", problem.GetProperty("type").GetString());
        Assert.Equal(inForce, problem.GetProperty("versionInForce").GetString());
        Assert.Equal(inForce, await VersionInForceAsync(_api));
    }

    [Theory]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2026-11-22", "value": 180 } ] }""", "changes[0].from")]
    [InlineData("""{ "changes": [ { "parameter": "noSuchParameter", "from": "2027-01-01", "value": 180 } ] }""", "changes[0].parameter")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": "lots" } ] }""", "changes[0].value")]
    [InlineData("""{ "changes": [] }""", "changes")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": 180 } ], "note": 5 }""", "note")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": 180 } ], "publish": true }""", "publish")]
    public async Task Publish_BadInput_Is400NamingTheFieldAndRecordsNothing(string body, string field)
    {
        await using var db = _api.NewDb();
        var versions = await db.BundleVersions.CountAsync();
        var inForce = await VersionInForceAsync(_api);

        var response = await _api.ClientAs(Roles.Admin).PostAsync($"/api/admin/bundles/{A}/versions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(versions, await db.BundleVersions.CountAsync());
        Assert.Equal(inForce, await VersionInForceAsync(_api));
    }

    [Fact]
    public async Task Parameters_AfterPublishing_ShowTheNewDatedValueAndTodaysValue()
    {
        var published = await PublishAsync(LivingSubsidy(190, from: "2031-01-01"));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);

        var result = await _api.ClientAs(Roles.Admin).GetFromJsonAsync<JsonElement>($"/api/admin/bundles/{A}/parameters");

        Assert.Equal(await VersionInForceAsync(_api), result.GetProperty("version").GetString());
        var subsidy = result.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "livingSubsidyMonthly");
        Assert.Equal("number", subsidy.GetProperty("kind").GetString());
        var values = subsidy.GetProperty("values").EnumerateArray().Select(v => (v.GetProperty("from").GetString(), v.GetProperty("value").GetDecimal())).ToList();
        Assert.Equal(("2025-01-01", 120m), values[0]);
        Assert.Equal(("2031-01-01", 190m), values[^1]);
        Assert.Equal(values.Last(v => string.CompareOrdinal(v.Item1, Today) <= 0).Item2, subsidy.GetProperty("today").GetDecimal());
        var flag = result.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "livingSubsidyIncludesLowIncome");
        Assert.Equal(("flag", JsonValueKind.False), (flag.GetProperty("kind").GetString(), flag.GetProperty("today").ValueKind));
    }

    [Fact]
    public async Task Publish_UnknownBundle_Is404()
    {
        var response = await _api.ClientAs(Roles.Admin).PostAsync("/api/admin/bundles/no-such-bundle/versions", Json(LivingSubsidy(175)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class RuleVersionApiSqliteTests(SqliteWorkflowApi api) : RuleVersionApiTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class RuleVersionApiPostgresTests(PostgresWorkflowApi api) : RuleVersionApiTests(api), IClassFixture<PostgresWorkflowApi>;

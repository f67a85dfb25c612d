using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Matching;
using Approval.Api.Security;
using Approval.Rules.Identifiers;
using Approval.Tests.Applications;
using Approval.Tests.Security;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approval.Tests.Matching;

/// <summary>Proactive matching (免申即享) over the shared-data registry: runs, matches, invitations, resumption.</summary>
public abstract class MatchingApiTests(IWorkflowApi workflow)
{
    private const string A = "disability-assistance";
    private const string Runs = $"/api/admin/bundles/{A}/matching-runs";
    private static int _people;
    private readonly ApiFactory _api = workflow.Api;
    private readonly HttpClient _admin = workflow.Api.ClientAs(Roles.Admin);

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string NewPerson() => TestIds.Person(new DateOnly(1975, 1, 1).AddDays(Interlocked.Increment(ref _people) * 7), 7);

    private string Hash(string id) => _api.Service<PersonalData>().Hash(id);

    private async Task ImportAsync(string source, JsonObject record)
    {
        var response = await _admin.PostAsync($"/api/admin/shared-data/{source}", Json(new JsonArray(record)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>In the registry: resident of 临清, dibao since 2026; with <paramref name="certificate"/> a grade-2 physical e-certificate.</summary>
    private async Task<string> RegisterAsync(bool certificate, string name = "李小明")
    {
        var id = NewPerson();
        await ImportAsync("population-registry", new JsonObject { ["subject"] = id, ["attributes"] = new JsonObject { ["name"] = name, ["hukouRegion"] = "371581" } });
        await ImportAsync("civil-affairs", new JsonObject { ["subject"] = id, ["validFrom"] = "2026-01-01", ["attributes"] = new JsonObject { ["status"] = "dibao" } });
        if (certificate)
            await ImportAsync("e-certificate", new JsonObject
            {
                ["subject"] = id, ["attributes"] = new JsonObject { ["number"] = id + "42", ["category"] = "physical", ["grade"] = 2 },
            });
        return id;
    }

    private async Task<JsonElement> StartAndFinishAsync()
    {
        var response = await _admin.PostAsync(Runs, Json(new JsonObject { ["asOf"] = "2026-11-23" }));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var url = response.Headers.Location!.ToString();
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var run = await _admin.GetFromJsonAsync<JsonElement>(url);
            if (run.GetProperty("state").GetString() is "finished" or "failed") return run;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"run {url} did not end");
    }

    private async Task<List<JsonElement>> MatchesAsync(Guid run)
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var result = await _admin.GetFromJsonAsync<JsonElement>($"{Runs}/{run}/matches?page={page}&pageSize=100");
            var items = result.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            all.AddRange(items);
            if (items.Count < 100) return all;
        }
    }

    private JsonElement? MatchOf(List<JsonElement> matches, string id) =>
        matches.Cast<JsonElement?>().FirstOrDefault(m => m!.Value.GetProperty("subject").GetString() == Hash(id)[..12]);

    private static HashSet<string> Items(JsonElement match) =>
        match.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item").GetString()!).ToHashSet();

    [Fact]
    public async Task StartRun_QualifyingPerson_ListedMaskedWithItemsAndReasons()
    {
        var id = await RegisterAsync(certificate: true, name: "王大明");

        var run = await StartAndFinishAsync();

        Assert.Equal("finished", run.GetProperty("state").GetString());
        Assert.True(run.GetProperty("processed").GetInt32() >= 1);
        Assert.Equal(run.GetProperty("total").GetInt32(), run.GetProperty("processed").GetInt32());
        var matches = await MatchesAsync(run.GetProperty("id").GetGuid());
        var mine = MatchOf(matches, id) ?? throw new Xunit.Sdk.XunitException("the qualifying person is not listed");
        Assert.Equal("王**", mine.GetProperty("maskedName").GetString());
        Assert.Equal(ChineseId.Mask(id), mine.GetProperty("maskedId").GetString());
        Assert.Superset(new HashSet<string> { "A2", "A4", "A5" }, Items(mine));
        Assert.DoesNotContain("A1", Items(mine));
        var a2 = mine.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "A2");
        Assert.NotEmpty(a2.GetProperty("reasons").EnumerateArray());
        Assert.Equal(140m, a2.GetProperty("monthlyAmount").GetDecimal());
        var text = mine.GetRawText();
        Assert.DoesNotContain(id, text);
        Assert.DoesNotContain("王大明", text);
        await using var db = _api.NewDb();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "matching.start" && e.Resource == $"bundles/{A}/matching-runs/{run.GetProperty("id").GetGuid()}"));
        var stored = await db.Database.SqlQueryRaw<string>("SELECT items_json AS \"Value\" FROM matching_matches").ToListAsync();
        Assert.All(stored, json => Assert.Equal(workflow is IProtectedApi, json.StartsWith("enc:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StartRun_PersonAlreadyApplying_NotListedForThatItem()
    {
        var applying = await RegisterAsync(certificate: false);
        var other = await RegisterAsync(certificate: false);
        var submitted = await _api.ClientAs(Roles.Clerk).PostAsync("/api/applications",
            Json(new JsonObject { ["bundleCode"] = A, ["channel"] = "window", ["facts"] = SampleFacts.DisabilityApplicant(applying) }));
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());

        var run = await StartAndFinishAsync();

        var matches = await MatchesAsync(run.GetProperty("id").GetGuid());
        Assert.Contains("A4", Items(MatchOf(matches, other) ?? throw new Xunit.Sdk.XunitException("the control person is not listed")));
        Assert.False(MatchOf(matches, applying) is { } found && Items(found).Contains("A4"), "a person applying for A4 is listed for it");
    }

    [Fact]
    public async Task CreateInvitations_Twice_SecondCreatesNoneAndOnlyThePersonSeesIt()
    {
        var id = await RegisterAsync(certificate: true);
        var run = await StartAndFinishAsync();
        var url = $"{Runs}/{run.GetProperty("id").GetGuid()}/invitations";

        var first = await _admin.PostAsync(url, null);
        var second = await _admin.PostAsync(url, null);

        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var (one, two) = (await first.Content.ReadFromJsonAsync<JsonElement>(), await second.Content.ReadFromJsonAsync<JsonElement>());
        Assert.True(one.GetProperty("created").GetInt32() >= 1);
        Assert.Equal(0, two.GetProperty("created").GetInt32());
        Assert.True(two.GetProperty("alreadyInvited").GetInt32() >= one.GetProperty("created").GetInt32());
        var matches = await MatchesAsync(run.GetProperty("id").GetGuid());
        Assert.True(MatchOf(matches, id)!.Value.GetProperty("invited").GetBoolean());

        var mine = await _api.ClientAs(Roles.Applicant, subject: id).GetFromJsonAsync<JsonElement>("/api/me/invitations");
        var invitation = Assert.Single(mine.EnumerateArray());
        Assert.Equal(A, invitation.GetProperty("bundleCode").GetString());
        Assert.Contains("A2", invitation.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(invitation.GetProperty("message").GetString()));
        var stranger = await _api.ClientAs(Roles.Applicant, subject: NewPerson()).GetFromJsonAsync<JsonElement>("/api/me/invitations");
        Assert.Empty(stranger.EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.ClientAs(Roles.Clerk).GetAsync("/api/me/invitations")).StatusCode);
        await using var db = _api.NewDb();
        Assert.Equal(1, await db.MatchingInvitations.CountAsync(i => i.SubjectHash == Hash(id)));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "matching.invite" && e.Resource == url.TrimStart('/').Replace("api/admin/", "")));
    }

    [Theory]
    [InlineData(A, """{ "asOf": "2026-13-01" }""", "asOf")]
    [InlineData(A, """{ "extra": 1 }""", "extra")]
    [InlineData(A, """[1]""", "body")]
    [InlineData("entertainment-venue", """{}""", "bundleCode")]
    public async Task StartRun_BadRequest_400NamingTheFieldAndNothingStored(string bundle, string body, string field)
    {
        await using var db = _api.NewDb();
        var before = await db.MatchingRuns.CountAsync();

        var response = await _admin.PostAsync($"/api/admin/bundles/{bundle}/matching-runs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Equal(before, await db.MatchingRuns.CountAsync());
    }

    [Theory]
    [InlineData("/matches?pageSize=0", HttpStatusCode.BadRequest)]
    [InlineData("/matches?page=0", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.NotFound)]
    [InlineData("/matches", HttpStatusCode.NotFound)]
    public async Task GetRun_BadPageOrUnknownRun_4xx(string suffix, HttpStatusCode expected)
    {
        var response = await _admin.GetAsync($"{Runs}/{Guid.NewGuid()}{suffix}");

        Assert.Equal(expected, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Step_FromAStoredCursor_ContinuesAfterItAndFinishes()
    {
        var first = await RegisterAsync(certificate: true);
        var second = await RegisterAsync(certificate: true);
        var (before, after) = string.CompareOrdinal(Hash(first), Hash(second)) < 0 ? (first, second) : (second, first);
        var version = (await _admin.GetFromJsonAsync<JsonElement>($"/api/bundles/{A}")).GetProperty("version").GetString()!;
        var run = new MatchingRun
        {
            Id = Guid.NewGuid(), BundleCode = A, BundleVersion = version, AsOf = new DateOnly(2026, 11, 23), StartedBy = "test",
            State = MatchingState.Running, Cursor = Hash(before), Processed = 1, Total = 1,
        };
        await using (var db = _api.NewDb())
        {
            db.MatchingRuns.Add(run);
            await db.SaveChangesAsync();
        }
        var job = _api.Services.GetRequiredService<IMatchingJob>();

        var steps = 0;
        while (await job.StepAsync(run.Id)) steps++;

        Assert.True(steps >= 1);
        var state = await _admin.GetFromJsonAsync<JsonElement>($"{Runs}/{run.Id}");
        Assert.Equal("finished", state.GetProperty("state").GetString());
        Assert.True(state.GetProperty("processed").GetInt32() >= 2);
        var matches = await MatchesAsync(run.Id);
        Assert.NotNull(MatchOf(matches, after));
        Assert.Null(MatchOf(matches, before));
        Assert.False(await job.StepAsync(run.Id));
    }
}

public sealed class MatchingApiSqliteTests(SqliteWorkflowApi api) : MatchingApiTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class MatchingApiPostgresTests(PostgresWorkflowApi api) : MatchingApiTests(api), IClassFixture<PostgresWorkflowApi>;

/// <summary>The same with personal data encrypted at rest: registry attributes are read, and matches and invitations written, through the protected columns.</summary>
public sealed class MatchingApiProtectedSqliteTests(ProtectedSqliteApi api) : MatchingApiTests(api), IClassFixture<ProtectedSqliteApi>;

public sealed class MatchingApiProtectedPostgresTests(ProtectedPostgresApi api) : MatchingApiTests(api), IClassFixture<ProtectedPostgresApi>;

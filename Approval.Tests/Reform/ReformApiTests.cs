using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Tests.Applications;
using Approval.Tests.Security;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Reform;

/// <summary>GET /api/bundles/{code}/reform: the catalogue's before/after and the figures of real applications.</summary>
public abstract class ReformApiTests(IWorkflowApi workflow)
{
    private static int _companies;
    private readonly ApiFactory _api = workflow.Api;

    private HttpClient As(string role, string? department = null, string? subject = null) => _api.ClientAs(role, department, subject);

    private async Task<JsonElement> ReformAsync(string bundle, string query = "")
    {
        var response = await As(Roles.Admin).GetAsync($"/api/bundles/{bundle}/reform{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task GetReform_BundleA_MeetsThePolicyTargets()
    {
        var catalogue = (await ReformAsync("disability-assistance")).GetProperty("catalogue");
        var before = catalogue.GetProperty("before");
        var after = catalogue.GetProperty("after");

        Assert.Equal((5, 22, 95), (before.GetProperty("forms").GetInt32(), before.GetProperty("materialSubmissions").GetInt32(), before.GetProperty("workingDays").GetInt32()));
        Assert.Equal(1, after.GetProperty("forms").GetInt32());
        Assert.InRange(after.GetProperty("materialSubmissions").GetInt32(), 1, 6);
        Assert.Equal(24, after.GetProperty("workingDays").GetInt32());
        Assert.Equal("A2", catalogue.GetProperty("criticalPath").GetProperty("longest").GetString());
        var reference = catalogue.GetProperty("reference");
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], reference.GetProperty("itemsApplied").EnumerateArray().Select(i => i.GetString()));
        Assert.Contains("disability-certificate", reference.GetProperty("materialsWaived").EnumerateArray().Select(m => m.GetString()));
        Assert.True(reference.GetProperty("materialsRequiredWithoutSharedData").GetInt32() > after.GetProperty("materialSubmissions").GetInt32());
        Assert.Equal(Math.Round((1 - 5) * 100.0 / 5, 1), catalogue.GetProperty("change").GetProperty("forms").GetDouble());
    }

    [Fact]
    public async Task GetReform_BundleB_MeetsThePolicyTargets()
    {
        var catalogue = (await ReformAsync("entertainment-venue")).GetProperty("catalogue");
        var before = catalogue.GetProperty("before");
        var after = catalogue.GetProperty("after");

        Assert.Equal((3, 17, 36), (before.GetProperty("forms").GetInt32(), before.GetProperty("materialSubmissions").GetInt32(), before.GetProperty("workingDays").GetInt32()));
        Assert.Equal(1, after.GetProperty("forms").GetInt32());
        Assert.InRange(after.GetProperty("materialSubmissions").GetInt32(), 1, 9);
        Assert.InRange(after.GetProperty("workingDays").GetInt32(), 1, 16);
        Assert.Equal(0, after.GetProperty("visits").GetInt32());
        Assert.Contains("business-licence", catalogue.GetProperty("reference").GetProperty("materialsWaived").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task GetReform_AfterACompletedApplication_ObservedCountsItsItemsSupplementAndRating()
    {
        var (id, legalRep) = await SubmitVenueAsync();
        await Reviewers.DecideAsync(_api, id, "B1", "review", "market-regulation", new { action = "requestSupplement", materials = new[] { "articles-of-association" }, reason = "章程未签字" });
        var upload = await As(Roles.Clerk).PostAsync($"/api/applications/{id}/materials/articles-of-association", Reviewers.Pdf("articles.pdf"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var answered = await As(Roles.Clerk).PostAsJsonAsync($"/api/applications/{id}/supplements", new { itemCode = "B1", materials = new[] { "articles-of-association" } });
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync());
        await Reviewers.DecideAsync(_api, id, "B1", "review", "market-regulation", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B2", "review", "culture-tourism", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B2", "verification", "culture-tourism", new { action = "submit", outputs = new { passed = true } });
        await Reviewers.DecideAsync(_api, id, "B2", "decision", "culture-tourism", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B3", "review", "fire-rescue", new { action = "approve" });
        await Reviewers.DecideAsync(_api, id, "B3", "decision", "fire-rescue", new { action = "approve" });
        var rated = await As(Roles.Applicant, subject: legalRep).PostAsJsonAsync($"/api/applications/{id}/rating", new { score = 5 });
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);

        var observed = (await ReformAsync("entertainment-venue")).GetProperty("observed");

        await using var db = _api.NewDb();
        var applications = await db.Applications.CountAsync(a => a.BundleCode == "entertainment-venue");
        var ratings = await db.Applications.Where(a => a.BundleCode == "entertainment-venue" && a.Rating != null).Select(a => a.Rating!.Value).ToListAsync();
        Assert.Equal(applications, observed.GetProperty("applications").GetInt32());
        Assert.Equal(ratings.Count, observed.GetProperty("ratings").GetInt32());
        Assert.True(observed.GetProperty("supplements").GetInt32() >= 1);
        var b1 = observed.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "B1");
        Assert.True(b1.GetProperty("ended").GetInt32() >= 1);
        Assert.True(b1.GetProperty("supplements").GetInt32() >= 1);
        Assert.Equal(3, b1.GetProperty("statutoryDays").GetInt32());
        Assert.True(observed.GetProperty("medianMaterialsAsked").GetDouble() > 0);
    }

    [Fact]
    public async Task GetReform_PeriodBeforeAnyApplication_ObservedIsEmpty()
    {
        var observed = (await ReformAsync("entertainment-venue", "?from=2001-01-01&to=2001-12-31")).GetProperty("observed");

        Assert.Equal(0, observed.GetProperty("applications").GetInt32());
        Assert.Equal(0, observed.GetProperty("items").GetArrayLength());
        Assert.False(observed.TryGetProperty("averageRating", out _), "no rating: the average is left out");
        Assert.Equal(0, observed.GetProperty("ratings").GetInt32());
    }

    [Theory]
    [InlineData("?from=2026-13-01", "from")]
    [InlineData("?to=yesterday", "to")]
    [InlineData("?from=2026-12-01&to=2026-01-01", "from")]
    [InlineData("?from=2000-01-01&to=2026-01-01", "to")]
    public async Task GetReform_BadPeriod_400NamingTheField(string query, string field)
    {
        var response = await As(Roles.Admin).GetAsync($"/api/bundles/entertainment-venue/reform{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task GetReform_UnknownBundleOrNotAdmin_404And403()
    {
        var unknown = await As(Roles.Admin).GetAsync("/api/bundles/no-such-bundle/reform");
        var clerk = await As(Roles.Clerk).GetAsync("/api/bundles/entertainment-venue/reform");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clerk.StatusCode);
    }

    [Fact]
    public async Task GetReform_English_ReferenceDescribedInEnglish()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/bundles/disability-assistance/reform");
        request.Headers.AcceptLanguage.ParseAdd("en");
        var english = await (await As(Roles.Admin).SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var chinese = await ReformAsync("disability-assistance");

        Assert.StartsWith("A 46-year-old", english.GetProperty("catalogue").GetProperty("reference").GetProperty("description").GetString());
        Assert.StartsWith("首次申领", chinese.GetProperty("catalogue").GetProperty("reference").GetProperty("description").GetString());
    }

    private async Task<(string Id, string LegalRep)> SubmitVenueAsync()
    {
        var n = Interlocked.Increment(ref _companies);
        var legalRep = TestIds.Person(new DateOnly(1975, 1, 1).AddDays(n * 11), n);
        var facts = SampleFacts.VenueCompany();
        facts["enterprise"]!["proposedName"] = $"临清改革测试{n}{Guid.NewGuid().ToString("N")[..4]}有限公司";
        facts["enterprise"]!["legalRepresentative"]!["idNumber"] = legalRep;
        facts["enterprise"]!["investors"]![0]!["idNumber"] = legalRep;
        var body = new JsonObject { ["bundleCode"] = "entertainment-venue", ["channel"] = "window", ["facts"] = facts };
        var response = await As(Roles.Clerk).PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, legalRep);
    }


}

public sealed class ReformApiSqliteTests(SqliteWorkflowApi api) : ReformApiTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class ReformApiPostgresTests(PostgresWorkflowApi api) : ReformApiTests(api), IClassFixture<PostgresWorkflowApi>;

/// <summary>The same with personal data encrypted at rest: the figures are read through the protected columns.</summary>
public sealed class ReformApiProtectedSqliteTests(ProtectedSqliteApi api) : ReformApiTests(api), IClassFixture<ProtectedSqliteApi>;

public sealed class ReformApiProtectedPostgresTests(ProtectedPostgresApi api) : ReformApiTests(api), IClassFixture<ProtectedPostgresApi>;

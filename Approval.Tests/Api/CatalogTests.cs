using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Api;

public abstract class CatalogTests(ApiFactory api)
{
    private readonly HttpClient _http = api.CreateClient();

    [Fact]
    public async Task ListBundles_Always_ListsBothReferenceBundlesWithItemsAndVersion()
    {
        var bundles = await _http.GetFromJsonAsync<JsonElement>("/api/bundles");

        var codes = bundles.EnumerateArray().Select(b => b.GetProperty("code").GetString()).ToList();
        Assert.Equal(["disability-assistance", "entertainment-venue"], codes);
        var a = bundles[0];
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], a.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
        Assert.Matches(@"^2026\.1\+[0-9a-f]{12}$", a.GetProperty("version").GetString());
        var a1 = a.GetProperty("items")[0];
        Assert.Equal("dpf", a1.GetProperty("department").GetString());
        Assert.Equal(20, a1.GetProperty("statutoryDays").GetInt32());
        Assert.Equal(15, a1.GetProperty("promisedDays").GetInt32());
    }

    [Fact]
    public async Task GetBundle_DisabilityAssistance_ServesTheOneFormAsJsonSchema()
    {
        var bundle = await _http.GetFromJsonAsync<JsonElement>("/api/bundles/disability-assistance");

        var form = bundle.GetProperty("form");
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", form.GetProperty("$schema").GetString());
        var applicant = form.GetProperty("properties").GetProperty("applicant");
        Assert.Equal(["idNumber", "name", "phone", "hukouRegion"], applicant.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var id = applicant.GetProperty("properties").GetProperty("idNumber");
        Assert.Equal("cn-id", id.GetProperty("format").GetString());
        Assert.Equal("申请人身份证号", id.GetProperty("x-label").GetProperty("zh").GetString());
        var category = form.GetProperty("properties").GetProperty("disability").GetProperty("properties").GetProperty("category");
        Assert.Equal(7, category.GetProperty("enum").GetArrayLength());
        var agent = form.GetProperty("properties").GetProperty("agent");
        Assert.Equal("object", agent.GetProperty("type").GetString());
        Assert.Equal("agent", agent.GetProperty("properties").GetProperty("relation").GetProperty("x-requiredWhen").GetString());
        Assert.Equal(10, bundle.GetProperty("materials").GetArrayLength());
    }

    [Fact]
    public async Task GetBundle_EntertainmentVenue_DescribesInvestorsArrayWithShareSum()
    {
        var bundle = await _http.GetFromJsonAsync<JsonElement>("/api/bundles/entertainment-venue");

        var investors = bundle.GetProperty("form").GetProperty("properties").GetProperty("enterprise").GetProperty("properties").GetProperty("investors");
        Assert.Equal("array", investors.GetProperty("type").GetString());
        Assert.Equal("sharePercent", investors.GetProperty("x-sumOf").GetProperty("field").GetString());
        Assert.Equal(100m, investors.GetProperty("x-sumOf").GetProperty("total").GetDecimal());
        Assert.Contains("sharePercent", investors.GetProperty("items").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["B1", "B2", "B3"], bundle.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task GetBundle_UnknownCode_Returns404ProblemDetails()
    {
        var response = await _http.GetAsync("/api/bundles/no-such-bundle");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("no-such-bundle", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Always_Returns404ProblemDetails()
    {
        var response = await _http.GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_LiveAndReady_AreHealthy()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health/live")).StatusCode);
        var ready = await _http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Swagger_Document_DescribesTheCatalogue()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/bundles/{bundleCode}", out var path));
        Assert.False(string.IsNullOrEmpty(path.GetProperty("get").GetProperty("summary").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/swagger/index.html")).StatusCode);
    }

    [Fact]
    public async Task Swagger_AssessmentExample_IsAValidRequest()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var example = doc.GetProperty("paths").GetProperty("/api/bundles/{bundleCode}/assessments").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");

        var response = await _http.PostAsync("/api/bundles/disability-assistance/assessments",
            new StringContent(example.GetRawText(), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Startup_Always_RecordsEachBundleVersionOnce()
    {
        await using var db = api.NewDb();

        var versions = await db.BundleVersions.OrderBy(v => v.BundleCode).ToListAsync();

        Assert.Equal(["disability-assistance", "entertainment-venue"], versions.Select(v => v.BundleCode));
        Assert.All(versions, v => Assert.Equal(64, v.ContentHash.Length));
        Assert.All(versions, v => Assert.Contains("bundle.yaml", v.FilesJson));
    }
}

public sealed class CatalogSqliteTests(SqliteApi api) : CatalogTests(api), IClassFixture<SqliteApi>;

public sealed class CatalogPostgresTests(PostgresApi api) : CatalogTests(api), IClassFixture<PostgresApi>;

[RequiresSqlServer]
public sealed class CatalogSqlServerTests(SqlServerApi api) : CatalogTests(api), IClassFixture<SqlServerApi>;

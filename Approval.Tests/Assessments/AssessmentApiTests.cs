using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Tests.Support;

namespace Approval.Tests.Assessments;

/// <summary>The assessment endpoint (一次告知) against the kiosk contract, on both databases.</summary>
public abstract class AssessmentApiTests(ApiFactory api)
{
    private readonly HttpClient _http = api.CreateClient();

    private Task<HttpResponseMessage> Post(string bundle, string body, string query = "") =>
        _http.PostAsync($"/api/bundles/{bundle}/assessments{query}", new StringContent(body, Encoding.UTF8, "application/json"));

    private static string Body(JsonObject facts, string? asOf = "2026-11-22") =>
        new JsonObject { ["asOf"] = asOf, ["facts"] = facts }.ToJsonString();

    private static async Task<JsonElement> Json(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Assess_DibaoApplicantWithoutCertificate_FollowsTheContract()
    {
        var response = await Post("disability-assistance", Body(SampleFacts.DisabilityApplicant()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await Json(response);
        Assert.Equal("disability-assistance", result.GetProperty("bundleCode").GetString());
        Assert.Equal("2026-11-22", result.GetProperty("asOf").GetString());
        Assert.StartsWith("2026.1+", result.GetProperty("bundleVersion").GetString());
        var items = result.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!);
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], items.Keys);
        Assert.Equal("eligible", items["A1"].GetProperty("outcome").GetString());
        Assert.Equal("conditional", items["A2"].GetProperty("outcome").GetString());
        Assert.Equal(["A1"], items["A2"].GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(140m, items["A2"].GetProperty("benefit").GetProperty("monthlyAmount").GetDecimal());
        Assert.Equal("full", items["A4"].GetProperty("benefit").GetProperty("level").GetString());
        Assert.All(items.Values, i => Assert.NotEqual(0, i.GetProperty("reasons").GetArrayLength()));
        var materials = result.GetProperty("materials").EnumerateArray().ToDictionary(m => m.GetProperty("code").GetString()!);
        Assert.Equal("waived", materials["disability-certificate"].GetProperty("status").GetString());
        Assert.Equal("bundle:A1", materials["disability-certificate"].GetProperty("waivedBy").GetString());
        Assert.Equal("required", materials["id-card"].GetProperty("status").GetString());
        Assert.Equal(5, materials["id-card"].GetProperty("requiredFor").GetArrayLength());
        Assert.False(result.TryGetProperty("trace", out _));
    }

    private async Task<HttpResponseMessage> PostIn(string? language, string bundle, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/bundles/{bundle}/assessments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await _http.SendAsync(request);
    }

    private static IEnumerable<string> Messages(JsonElement result) => result.GetProperty("items").EnumerateArray()
        .SelectMany(i => i.GetProperty("reasons").EnumerateArray()).Select(r => r.GetProperty("message").GetString()!);

    private static bool HasHan(string text) => text.Any(c => c is >= '\u4e00' and <= '\u9fff');

    [Theory]
    [InlineData(null, true)]
    [InlineData("zh-CN", true)]
    [InlineData("en-US,en;q=0.9", false)]
    [InlineData("en", false)]
    public async Task Assess_AcceptLanguage_ReasonsInThatLanguageChineseByDefault(string? language, bool chinese)
    {
        var result = await Json(await PostIn(language, "disability-assistance", Body(SampleFacts.DisabilityApplicant())));

        var messages = Messages(result).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Equal(chinese, HasHan(m)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("en", false)]
    public async Task Problems_AcceptLanguage_TitleInThatLanguage(string? language, bool chinese)
    {
        var unknown = await PostIn(language, "no-such-bundle", Body(SampleFacts.DisabilityApplicant()));
        var invalid = await PostIn(language, "disability-assistance", "{ \"facts\": 5 }");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        foreach (var problem in new[] { await Json(unknown), await Json(invalid) })
            Assert.Equal(chinese, HasHan(problem.GetProperty("title").GetString()!));
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Assess_WithTrace_ListsEveryRuleFiredInOrder()
    {
        var result = await Json(await Post("disability-assistance", Body(SampleFacts.DisabilityApplicant()), "?trace=true"));

        var trace = result.GetProperty("trace").EnumerateArray().ToList();
        Assert.NotEmpty(trace);
        Assert.Equal(Enumerable.Range(1, trace.Count), trace.Select(t => t.GetProperty("sequence").GetInt32()));
        Assert.All(trace, t => Assert.False(string.IsNullOrEmpty(t.GetProperty("ruleId").GetString())));
    }

    [Fact]
    public async Task Assess_IneligibleVenue_ExplainsWhyNotWithTheValuesSeen()
    {
        var facts = SampleFacts.VenueCompany();
        facts["venue"]!["lowestFloor"] = -2;

        var result = await Json(await Post("entertainment-venue", Body(facts)));

        var b2 = result.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "B2");
        Assert.Equal("ineligible", b2.GetProperty("outcome").GetString());
        var reason = b2.GetProperty("reasons").EnumerateArray().First(r => r.TryGetProperty("values", out _));
        Assert.Contains(reason.GetProperty("values").EnumerateArray(), v => v.GetProperty("path").GetString() == "venue.lowestFloor" && v.GetProperty("value").GetString() == "-2");
        Assert.False(string.IsNullOrEmpty(reason.GetProperty("condition").GetString()));
    }

    [Fact]
    public async Task Assess_WithoutAsOf_UsesTodayInChina()
    {
        var result = await Json(await Post("disability-assistance", Body(SampleFacts.DisabilityApplicant(), asOf: null)));

        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        Assert.Equal(today.ToString("yyyy-MM-dd"), result.GetProperty("asOf").GetString());
    }

    [Fact]
    public async Task Assess_UnknownBundle_Is404()
    {
        var response = await Post("nope", Body(SampleFacts.DisabilityApplicant()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{ \"facts\": ", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("{ \"asOf\": \"22/11/2026\", \"facts\": {} }", "asOf")]
    [InlineData("{ \"asOf\": \"2026-11-22\" }", "facts")]
    [InlineData("{ \"facts\": {}, \"extra\": 1 }", "extra")]
    [InlineData("{ \"facts\": \"x\" }", "facts")]
    public async Task Assess_MalformedRequest_Is400NamingTheField(string body, string field)
    {
        var response = await Post("disability-assistance", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Assess_InvalidIdNumber_Is400KeyedByFactsPath()
    {
        var facts = SampleFacts.DisabilityApplicant(TestIds.Corrupt(SampleFacts.ApplicantId));

        var response = await Post("disability-assistance", Body(facts));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(["facts.applicant.idNumber"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Assess_InvestorSharesNot100_Is400()
    {
        var facts = SampleFacts.VenueCompany();
        facts["enterprise"]!["investors"]![1]!["sharePercent"] = 30;

        var response = await Post("entertainment-venue", Body(facts));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("facts.enterprise.investors", out _));
    }

    [Fact]
    public async Task Assess_WrongJsonType_Is400()
    {
        var facts = SampleFacts.VenueCompany();
        facts["venue"]!["roomCount"] = "eight";

        var response = await Post("entertainment-venue", Body(facts));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("facts.venue.roomCount", out _));
    }

    [Fact]
    public async Task Assess_SharedDataSaysNotDibao_SharedDataWinsAndTheConflictIsAReason()
    {
        var id = TestIds.Person("1975-01-01", 31);
        var admin = api.ClientAs(Roles.Admin);
        var import = await admin.PostAsync("/api/admin/shared-data/civil-affairs", new StringContent($$"""
            [ { "subject": "{{id}}", "validFrom": "2020-01-01", "validTo": "2024-12-31", "attributes": { "status": "dibao" } } ]
            """, Encoding.UTF8, "application/json"));
        import.EnsureSuccessStatusCode();

        var result = await Json(await Post("disability-assistance", Body(SampleFacts.DisabilityApplicant(id))));

        var a4 = result.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "A4");
        Assert.Equal("ineligible", a4.GetProperty("outcome").GetString());
        var text = string.Join(" | ", result.GetProperty("items").EnumerateArray()
            .SelectMany(i => i.GetProperty("reasons").EnumerateArray()).Select(r => r.GetProperty("message").GetString()));
        Assert.Contains("低保", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_SharedPopulationRecord_WaivesIdCardAndHukouBookNamingTheSource()
    {
        var id = TestIds.Person("1972-02-02", 32);
        var admin = api.ClientAs(Roles.Admin);
        (await admin.PostAsync("/api/admin/shared-data/population-registry", new StringContent($$"""
            [ { "subject": "{{id}}", "attributes": { "name": "张三", "hukouRegion": "371581" } } ]
            """, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var result = await Json(await Post("disability-assistance", Body(SampleFacts.DisabilityApplicant(id))));

        var materials = result.GetProperty("materials").EnumerateArray().ToDictionary(m => m.GetProperty("code").GetString()!);
        Assert.Equal("waived", materials["id-card"].GetProperty("status").GetString());
        Assert.StartsWith("shared:", materials["id-card"].GetProperty("waivedBy").GetString());
        Assert.Equal("waived", materials["hukou-book"].GetProperty("status").GetString());
    }
}

public sealed class AssessmentApiSqliteTests(SqliteApi api) : AssessmentApiTests(api), IClassFixture<SqliteApi>;

public sealed class AssessmentApiPostgresTests(PostgresApi api) : AssessmentApiTests(api), IClassFixture<PostgresApi>;

[RequiresSqlServer]
public sealed class AssessmentApiSqlServerTests(SqlServerApi api) : AssessmentApiTests(api), IClassFixture<SqlServerApi>;

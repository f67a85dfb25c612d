using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Approval.Api.Security;
using Approval.Tests.Support;

namespace Approval.Tests.Api;

/// <summary>The hostile inputs of issue 9 one by one: each a 400 (or 413) naming the field, nothing stored, nothing broken after.</summary>
public abstract class InputValidationTests(ApiFactory api)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    private static string Facts(string applicant) => $$"""
        { "applicant": { {{applicant}} },
          "disability": { "hasCertificate": false, "category": "physical", "needsLongTermCare": true },
          "household": { "dibao": true }, "pension": { "enrolled": true, "receiving": false } }
        """;

    private async Task<Guid> SubmitAsync()
    {
        var response = await api.ClientAs(Roles.Clerk).PostAsJsonAsync("/api/applications",
            new { bundleCode = "disability-assistance", channel = "window", facts = SampleFacts.DisabilityApplicant() });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Submit_DuplicateIdNumber_Is400NamingThePathAndStoresNothing()
    {
        await using var db = api.NewDb();
        var before = db.Applications.Count();
        var other = TestIds.Person("1990-01-01", 3);
        var body = $$"""{ "bundleCode": "disability-assistance", "channel": "window", "facts": {{Facts(
            $"\"idNumber\": \"{SampleFacts.ApplicantId}\", \"name\": \"张三\", \"phone\": \"13800138000\", \"hukouRegion\": \"371581\", \"idNumber\": \"{other}\"")}} }""";

        var problem = await ProblemOf(await api.ClientAs(Roles.Clerk).PostAsync("/api/applications", Json(body)), HttpStatusCode.BadRequest);

        Assert.Contains("more than once", problem.GetProperty("errors").GetProperty("facts.applicant.idNumber")[0].GetString());
        Assert.Equal(before, db.Applications.Count());
        Assert.Equal(HttpStatusCode.OK, (await api.ClientAs(Roles.Admin).GetAsync("/api/tasks?pageSize=100")).StatusCode);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\u0000b\"")]
    public async Task Assess_LoneSurrogateOrNulInAName_Is400NamingIt(string name)
    {
        var body = $$"""{ "facts": {{Facts($"\"idNumber\": \"{SampleFacts.ApplicantId}\", \"name\": {name}, \"phone\": \"13800138000\", \"hukouRegion\": \"371581\"")}} }""";

        var problem = await ProblemOf(await api.CreateClient().PostAsync("/api/bundles/disability-assistance/assessments", Json(body)), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("facts.applicant.name", out _), problem.ToString());
    }

    [Fact]
    public async Task Assess_InvalidUtf8_Is400()
    {
        var bytes = Encoding.UTF8.GetBytes("{ \"facts\": { \"applicant\": { \"name\": \"a");
        var content = new ByteArrayContent([.. bytes, 0xED, 0xA0, 0x80, .. "\" } } }"u8.ToArray()]);
        content.Headers.ContentType = new("application/json");

        await ProblemOf(await api.CreateClient().PostAsync("/api/bundles/disability-assistance/assessments", content), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Assess_NumberOutOfRange_Is400NamingIt()
    {
        var body = """{ "facts": { "household": { "dibao": true }, "venue": { "floorAreaM2": 1e400 } } }""";

        var problem = await ProblemOf(await api.CreateClient().PostAsync("/api/bundles/entertainment-venue/assessments", Json(body)), HttpStatusCode.BadRequest);

        Assert.Contains("out of range", problem.GetProperty("errors").GetProperty("facts.venue.floorAreaM2")[0].GetString());
    }

    [Fact]
    public async Task Assess_BodyOverTheJsonLimit_Is413WithoutParsingIt()
    {
        var body = "{ \"facts\": { \"applicant\": { \"name\": \"" + new string('x', 70 * 1024) + "\" } } }";

        var problem = await ProblemOf(await api.CreateClient().PostAsync("/api/bundles/disability-assistance/assessments", Json(body)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("https://approval.example/problems/body-too-large", problem.GetProperty("type").GetString());
        Assert.Equal("请求内容过大", problem.GetProperty("title").GetString());
        Assert.Contains("65536", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Withdraw_NulInReason_Is400AndTheApplicationStaysReadable()
    {
        var id = await SubmitAsync();
        var clerk = api.ClientAs(Roles.Clerk);

        var problem = await ProblemOf(await clerk.PostAsync($"/api/applications/{id}/withdrawal", Json("""{ "reason": "moved\u0000away" }""")), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        var application = await api.ClientAs(Roles.Admin).GetFromJsonAsync<JsonElement>($"/api/applications/{id}");
        Assert.Equal("running", application.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("page=21474838&pageSize=100", "page")]
    [InlineData("page=10001", "page")]
    [InlineData("kind=a%00b", "kind")]
    [InlineData("status=open%00", "status")]
    public async Task ListTasks_OverflowingPageOrNulInAFilter_Is400NamingIt(string query, string field)
    {
        var problem = await ProblemOf(await api.ClientAs(Roles.Admin).GetAsync($"/api/tasks?{query}"), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task PutCalendar_NameOrSourceLongerThanItsColumn_Is400NamingThem()
    {
        var admin = api.ClientAs(Roles.Admin);
        var body = $$"""{ "year": 2031, "source": "{{new string('s', 401)}}", "holidays": [ { "name": "{{new string('n', 101)}}", "from": "2031-01-01", "to": "2031-01-01" } ] }""";

        var problem = await ProblemOf(await admin.PutAsync("/api/admin/calendars/2031", Json(body)), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("holidays[0].name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("source", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/calendars/2031")).StatusCode);
    }

    [Fact]
    public async Task ImportSharedData_DuplicateKeyInARecord_Is400NamingIt()
    {
        var body = $$"""[ { "subject": "{{TestIds.Person("1971-01-01")}}", "attributes": { "name": "王五", "hukouRegion": "371581", "name": "赵六" } } ]""";

        var problem = await ProblemOf(await api.ClientAs(Roles.Admin).PostAsync("/api/admin/shared-data/population-registry", Json(body)), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("records[0].attributes.name", out _), problem.ToString());
    }

    [Fact]
    public async Task Upload_NulInFileName_Is400NamingIt()
    {
        var id = await SubmitAsync();
        var content = new ByteArrayContent([.. "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''a%00b.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--zz--\r\n"u8]);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=zz");

        var problem = await ProblemOf(await api.ClientAs(Roles.Clerk).PostAsync($"/api/applications/{id}/materials/photo", content), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("file.fileName", out _), problem.ToString());
    }
}

public sealed class InputValidationSqliteTests(SqliteApi api) : InputValidationTests(api), IClassFixture<SqliteApi>;

public sealed class InputValidationPostgresTests(PostgresApi api) : InputValidationTests(api), IClassFixture<PostgresApi>;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Approval.Api.Security;
using Approval.Tests.Support;

namespace Approval.Tests.Api;

/// <summary>Small configured limits (windows of an hour, so no test depends on timing): 429 problem details with Retry-After.</summary>
public abstract class RateLimitTests(ApiFactory api)
{
    public static readonly KeyValuePair<string, string?>[] Limits =
    [
        new("RateLimits:Assessments:PermitLimit", "2"), new("RateLimits:Assessments:Window", "01:00:00"),
        new("RateLimits:Submissions:PermitLimit", "1"), new("RateLimits:Submissions:Window", "01:00:00"),
        new("RateLimits:Uploads:PermitLimit", "1"), new("RateLimits:Uploads:Window", "01:00:00"),
        new("RateLimits:FailedAuthentication:PermitLimit", "3"), new("RateLimits:FailedAuthentication:Window", "01:00:00"),
    ];

    private static object Submission() => new { bundleCode = "disability-assistance", channel = "window", facts = SampleFacts.DisabilityApplicant() };

    internal static async Task AssertTooManyAsync(HttpResponseMessage response, string title = "请求过于频繁")
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://approval.example/problems/too-many-requests", problem.GetProperty("type").GetString());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal((int)retryAfter.Value.TotalSeconds, problem.GetProperty("retryAfter").GetInt32());
    }

    [Fact]
    public async Task Assess_BeyondTheLimitOfTheClient_Is429WithRetryAfter()
    {
        var client = api.CreateClient();
        var body = new { facts = SampleFacts.DisabilityApplicant() };

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/bundles/disability-assistance/assessments", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/bundles/disability-assistance/assessments", body)).StatusCode);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        await AssertTooManyAsync(await client.PostAsJsonAsync("/api/bundles/disability-assistance/assessments", body), "Too many requests");
    }

    [Fact]
    public async Task Submit_BeyondTheLimitOfTheToken_Is429AndStoresNothing_AnotherTokenStillSubmits()
    {
        var clerk = api.ClientAs(Roles.Clerk);
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync("/api/applications", Submission())).StatusCode);
        await using var db = api.NewDb();
        var stored = db.Applications.Count();

        await AssertTooManyAsync(await clerk.PostAsJsonAsync("/api/applications", Submission()));

        Assert.Equal(stored, db.Applications.Count());
        Assert.Equal(HttpStatusCode.Created, (await api.ClientAs(Roles.Clerk).PostAsJsonAsync("/api/applications", Submission())).StatusCode);
    }

    [Fact]
    public async Task Upload_BeyondTheLimitOfTheToken_Is429()
    {
        var clerk = api.ClientAs(Roles.Clerk);
        var submitted = await clerk.PostAsJsonAsync("/api/applications", Submission());
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        MultipartFormDataContent Pdf()
        {
            var file = new ByteArrayContent("%PDF-1.4 photo"u8.ToArray());
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            return new MultipartFormDataContent { { file, "file", "photo.pdf" } };
        }

        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsync($"/api/applications/{id}/materials/photo", Pdf())).StatusCode);
        await AssertTooManyAsync(await clerk.PostAsync($"/api/applications/{id}/materials/photo", Pdf()));
    }
}

/// <summary>After the configured number of 401s a client is refused (429) even with a valid token, until its window ends.</summary>
public abstract class FailedAuthenticationLimitTests(ApiFactory api)
{
    [Fact]
    public async Task AnyEndpoint_AfterTooManyFailedAuthentications_Is429EvenWithAValidToken()
    {
        var forged = api.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "forged.token.value");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/tasks")).StatusCode);

        await RateLimitTests.AssertTooManyAsync(await forged.GetAsync("/api/tasks"));
        await RateLimitTests.AssertTooManyAsync(await api.ClientAs(Roles.Admin).GetAsync("/api/tasks"));
    }
}

public sealed class LimitedSqliteApi : SqliteApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => RateLimitTests.Limits;
}

public sealed class LimitedPostgresApi : PostgresApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => RateLimitTests.Limits;
}

public sealed class RateLimitSqliteTests(LimitedSqliteApi api) : RateLimitTests(api), IClassFixture<LimitedSqliteApi>;

public sealed class RateLimitPostgresTests(LimitedPostgresApi api) : RateLimitTests(api), IClassFixture<LimitedPostgresApi>;

public sealed class FailedAuthenticationLimitSqliteTests(LimitedSqliteApi api) : FailedAuthenticationLimitTests(api), IClassFixture<LimitedSqliteApi>;

public sealed class FailedAuthenticationLimitPostgresTests(LimitedPostgresApi api) : FailedAuthenticationLimitTests(api), IClassFixture<LimitedPostgresApi>;

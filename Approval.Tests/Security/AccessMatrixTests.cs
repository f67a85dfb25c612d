using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approval.Tests.Security;

/// <summary>Timers off, at most 3 materials per application (the matrix uploads one per allowed caller: the applicant, the clerk, the kiosk).</summary>
public sealed class AccessSqliteApi : SqliteApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Workflows:RunTimers", "false"), new("Materials:MaxPerApplication", "3")];
}

public sealed class AccessPostgresApi : PostgresApi
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Workflows:RunTimers", "false"), new("Materials:MaxPerApplication", "3")];
}

/// <summary>
/// Least privilege as one table: every endpoint of the app (read from its <see cref="EndpointDataSource"/>) × every kind of
/// caller, each a real request over HTTP against real applications of bundle A and bundle B, and against unknown ids.
/// An endpoint that is not in the table, or that declares no <see cref="AccessPolicies"/> policy (nor anonymity), fails.
/// </summary>
public abstract class AccessMatrixTests(ApiFactory api)
{
    private static int _people;
    private static int _published;
    private const string KioskDevice = "kiosk-07";

    /// <summary>The callers, in the order of the table's columns.</summary>
    private enum Caller { None, ApplicantSelf, ApplicantOther, Clerk, KioskOwnSession, KioskOtherSession, ReviewerRight, ReviewerWrong, Admin, AdminAndClerk }

    /// <summary>ok = the caller passed (2xx, 3xx, or 409: the request was authorised and refused by the application's state).</summary>
    private enum Outcome { Ok, Unauthorized, Forbidden, NotFound }

    /// <summary>
    /// The declared table. Per endpoint: the outcome per caller on the real application (or task) of the bundle, then on an
    /// unknown id ("-" where the route has none). Columns: none, applicant self, applicant other, clerk, kiosk own session,
    /// kiosk other session (same device), reviewer of the right department, reviewer of another department, admin, a token
    /// with both admin and clerk (refused at authentication: 401).
    /// </summary>
    private static readonly Dictionary<string, (string Real, string Unknown)> Table = new()
    {
        //                                                              none self other clerk kOwn kOther revR revW admin a+c
        ["GET /"] =                                                   ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
        ["ANY /health/live"] =                                        ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
        ["ANY /health/ready"] =                                       ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
        ["GET /api/bundles"] =                                        ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
        ["GET /api/bundles/{bundleCode}"] =                           ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
        ["POST /api/bundles/{bundleCode}/assessments"] =              ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
        ["POST /api/applications"] =                                  ("401  ok   403   ok    ok   ok     403  403  403   401", "-"),
        ["GET /api/applications/{id:guid}"] =                         ("401  ok   403   ok    ok   403    ok   403  ok    401",
                                                                       "401  404  404   404   404  404    404  404  404   401"),
        ["POST /api/applications/{id:guid}/materials/{materialCode}"] = ("401  ok   403   ok    ok   403    403  403  403   401",
                                                                       "401  404  404   404   404  404    403  403  403   401"),
        ["GET /api/applications/{id:guid}/materials"] =               ("401  ok   403   ok    ok   403    ok   403  ok    401",
                                                                       "401  404  404   404   404  404    404  404  404   401"),
        ["POST /api/applications/{id:guid}/supplements"] =            ("401  ok   403   ok    ok   403    403  403  403   401",
                                                                       "401  404  404   404   404  404    403  403  403   401"),
        ["POST /api/applications/{id:guid}/withdrawal"] =             ("401  ok   403   ok    ok   403    403  403  403   401",
                                                                       "401  404  404   404   404  404    403  403  403   401"),
        ["POST /api/applications/{id:guid}/objections"] =             ("401  403  403   ok    403  403    ok   403  ok    401",
                                                                       "401  403  403   404   403  403    404  404  404   401"),
        ["POST /api/applications/{id:guid}/rating"] =                 ("401  ok   403   403   403  403    403  403  403   401",
                                                                       "401  404  404   403   403  403    403  403  403   401"),
        ["GET /api/applications/by-receipt/{receiptNumber}"] =        ("401  ok   403   ok    ok   403    ok   403  ok    401",
                                                                       "401  404  404   404   404  404    404  404  404   401"),
        ["GET /api/applications/{id:guid}/materials/{materialId:guid}/content"] = ("401  ok   403   ok    ok   403    ok   403  ok    401",
                                                                       "401  404  404   404   404  404    404  404  404   401"),
        ["GET /api/tasks"] =                                          ("401  403  403   403   403  403    ok   403  ok    401", "-"),
        ["GET /api/tasks/{taskId:guid}"] =                            ("401  403  403   403   403  403    ok   403  ok    401",
                                                                       "401  403  403   403   403  403    404  404  404   401"),
        ["POST /api/tasks/{taskId:guid}/decisions"] =                 ("401  403  403   403   403  403    ok   403  403   401",
                                                                       "401  403  403   403   403  403    404  404  403   401"),
        ["GET /api/admin/calendars/{year:int}"] =                     ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["PUT /api/admin/calendars/{year:int}"] =                     ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/admin/shared-data"] =                              ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["POST /api/admin/shared-data/{source}"] =                    ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/admin/dashboard"] =                                ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/admin/bundle-versions"] =                          ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/bundles/{bundleCode}/reform"] =                    ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["POST /api/admin/bundles/{bundleCode}/simulations"] =        ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/admin/bundles/{bundleCode}/parameters"] =          ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["POST /api/admin/bundles/{bundleCode}/versions"] =           ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["POST /api/admin/bundles/{bundleCode}/matching-runs"] =      ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/admin/bundles/{bundleCode}/matching-runs/{runId:guid}"] = ("401  403  403   403   403  403    403  403  404   401", "-"),
        ["GET /api/admin/bundles/{bundleCode}/matching-runs/{runId:guid}/matches"] = ("401  403  403   403   403  403    403  403  404   401", "-"),
        ["POST /api/admin/bundles/{bundleCode}/matching-runs/{runId:guid}/invitations"] = ("401  403  403   403   403  403    403  403  404   401", "-"),
        ["GET /api/me/invitations"] =                                 ("401  ok   ok    403   403  403    403  403  403   401", "-"),
        ["GET /api/admin/audit/verification"] =                       ("401  403  403   403   403  403    403  403  ok    401", "-"),
        ["GET /api/ui/config"] =                                      ("ok   ok   ok    ok    ok   ok     ok   ok   ok    ok", "-"),
    };

    /// <summary>One bundle's application as the matrix uses it: submitted at a kiosk in one session, accepted by the service hall.</summary>
    private sealed record Target(string Bundle, Guid Id, string ReceiptNumber, Guid MaterialId, Guid TaskId, string Applicant, string RightDepartment, string WrongDepartment,
        string Material, string Item, string WithdrawnItem, string KioskSession, JsonObject Facts);

    private static string NewPerson() => TestIds.Person(new DateOnly(1960, 1, 1).AddDays(Interlocked.Increment(ref _people)), 3);

    [Theory]
    [InlineData("disability-assistance")]
    [InlineData("entertainment-venue")]
    public async Task EveryEndpoint_EveryCaller_MatchesTheDeclaredTable(string bundle)
    {
        var target = await NewTargetAsync(bundle);
        var endpoints = Endpoints();
        var undeclared = endpoints.Keys.Where(k => !Table.ContainsKey(k)).ToList();
        var stale = Table.Keys.Where(k => !endpoints.ContainsKey(k)).ToList();
        Assert.True(undeclared.Count == 0, $"endpoints without a row in the access table: {string.Join(", ", undeclared)}");
        Assert.True(stale.Count == 0, $"rows of the access table without an endpoint: {string.Join(", ", stale)}");

        var mismatches = new List<string>();
        var requests = 0;
        foreach (var (key, (real, unknown)) in Table)
        {
            foreach (var (expected, known) in new[] { (real, true), (unknown, false) })
            {
                if (expected == "-") continue;
                var outcomes = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
                Assert.Equal(Enum.GetValues<Caller>().Length, outcomes.Count);
                foreach (var caller in Enum.GetValues<Caller>())
                {
                    using var request = Request(key, target, caller, known);
                    using var response = await Client(caller, target).SendAsync(request);
                    requests++;
                    var actual = (int)response.StatusCode;
                    if (!Matches(outcomes[(int)caller], actual))
                        mismatches.Add($"{key} {(known ? "" : "(unknown id) ")}as {caller}: expected {outcomes[(int)caller]}, got {actual} {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {requests} requests differ from the table:\n{string.Join("\n", mismatches)}");
    }

    [Fact]
    public void Endpoints_EachDeclaresAnAccessPolicyOrAnonymity()
    {
        var undeclared = Endpoints().Where(e =>
        {
            var metadata = e.Value.Metadata;
            if (metadata.GetMetadata<IAllowAnonymous>() is not null) return false;
            var policies = metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            return policies.Count == 0 || policies.Any(p => !AccessPolicies.RolesOf.ContainsKey(p));
        }).Select(e => e.Key).ToList();

        Assert.True(undeclared.Count == 0, $"endpoints without an AccessPolicies policy: {string.Join(", ", undeclared)}");
    }

    [Fact]
    public async Task GetApplication_AnotherDepartmentsRejection_OtherReviewersReadOnlyRefused()
    {
        var applicant = NewPerson();
        var id = await SubmitAtWindowAsync(SampleFacts.DisabilityApplicant(applicant));
        var secret = $"复核发现材料存疑 {Guid.NewGuid():N}";
        var rejected = await api.ClientAs(Roles.Reviewer, "dpf").PostAsync($"/api/tasks/{await OpenTaskAsync(id, "dpf")}/decisions",
            Json(new JsonObject { ["action"] = "reject", ["reason"] = secret }));
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);

        async Task<(string Text, JsonElement A1)> ReadAs(HttpClient client)
        {
            var response = await client.GetAsync($"/api/applications/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            var a1 = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "A1");
            return (text, a1.Clone());
        }
        var otherDepartment = await ReadAs(api.ClientAs(Roles.Reviewer, "civil-affairs"));
        var ownDepartment = await ReadAs(api.ClientAs(Roles.Reviewer, "dpf"));
        var theApplicant = await ReadAs(api.ClientAs(Roles.Applicant, subject: applicant));
        var clerk = await ReadAs(api.ClientAs(Roles.Clerk));

        Assert.DoesNotContain(secret, otherDepartment.Text);
        Assert.Equal("refused", otherDepartment.A1.GetProperty("outcomeReason").GetString());
        Assert.Contains(secret, ownDepartment.A1.GetProperty("outcomeReason").GetString());
        Assert.Contains(secret, theApplicant.A1.GetProperty("outcomeReason").GetString());
        Assert.Contains(secret, clerk.A1.GetProperty("outcomeReason").GetString());
    }

    [Fact]
    public async Task Upload_BeyondMaxPerApplication_Conflict()
    {
        var id = await SubmitAtWindowAsync(SampleFacts.DisabilityApplicant(NewPerson()));
        var clerk = api.ClientAs(Roles.Clerk);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add((await clerk.PostAsync($"/api/applications/{id}/materials/photo", Reviewers.Pdf())).StatusCode);
        var listed = await clerk.GetFromJsonAsync<JsonElement>($"/api/applications/{id}/materials");

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Conflict], statuses);
        Assert.Equal(3, listed.GetArrayLength());
    }

    [Fact]
    public async Task Upload_ConcurrentBeyondMaxPerApplication_OnlyTheLimitStored()
    {
        var id = await SubmitAtWindowAsync(SampleFacts.DisabilityApplicant(NewPerson()));
        var clients = Enumerable.Range(0, 8).Select(_ => api.ClientAs(Roles.Clerk)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsync($"/api/applications/{id}/materials/photo", Reviewers.Pdf())));
        var listed = await clients[0].GetFromJsonAsync<JsonElement>($"/api/applications/{id}/materials");

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(3, listed.GetArrayLength());
    }

    [Fact]
    public async Task Upload_AfterWithdrawal_ConflictAndNothingStored()
    {
        var id = await SubmitAtWindowAsync(SampleFacts.DisabilityApplicant(NewPerson()));
        var clerk = api.ClientAs(Roles.Clerk);
        var withdrawn = await clerk.PostAsync($"/api/applications/{id}/withdrawal", Json(new JsonObject { ["reason"] = "申请人撤回" }));
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);

        var upload = await clerk.PostAsync($"/api/applications/{id}/materials/photo", Reviewers.Pdf());
        var listed = await clerk.GetFromJsonAsync<JsonElement>($"/api/applications/{id}/materials");

        Assert.Equal(HttpStatusCode.Conflict, upload.StatusCode);
        Assert.Equal("https://approval.example/problems/application-closed", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(0, listed.GetArrayLength());
    }

    // ------------------------------------------------------------------ the application, the callers, the requests

    private async Task<Guid> SubmitAtWindowAsync(JsonObject facts)
    {
        var created = await api.ClientAs(Roles.Clerk).PostAsync("/api/applications", Json(Submission("disability-assistance", "window", facts)));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Target> NewTargetAsync(string bundle)
    {
        var a = bundle == "disability-assistance";
        var applicant = NewPerson();
        var facts = a ? SampleFacts.DisabilityApplicant(applicant) : VenueFacts(applicant);
        var session = Guid.NewGuid().ToString("N");
        var kiosk = ClientWith(Token(Roles.Kiosk, subject: KioskDevice, session: session));
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Json(Submission(bundle, "kiosk", facts)) };
        submit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var created = await kiosk.SendAsync(submit);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var createdBody = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = createdBody.GetProperty("id").GetGuid();
        var receipt = createdBody.GetProperty("receiptNumber").GetString()!;
        var material = a ? "photo" : "floor-plan";
        var uploaded = await kiosk.PostAsync($"/api/applications/{id}/materials/{material}", Reviewers.Pdf());
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var materialId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var acceptance = await OpenTaskAsync(id, "service-hall");
        var accepted = await api.ClientAs(Roles.Reviewer, "service-hall").PostAsync($"/api/tasks/{acceptance}/decisions", Json(new JsonObject { ["action"] = "accept" }));
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        var right = a ? "dpf" : "market-regulation";
        return new Target(bundle, id, receipt, materialId, await OpenTaskAsync(id, right), applicant, right, a ? "market-regulation" : "dpf",
            material, a ? "A1" : "B1", a ? "A5" : "B3", session, facts);
    }

    private static JsonObject VenueFacts(string legalRepresentative)
    {
        var facts = SampleFacts.VenueCompany();
        facts["enterprise"]!["legalRepresentative"]!["idNumber"] = legalRepresentative;
        facts["enterprise"]!["investors"]![0]!["idNumber"] = legalRepresentative;
        return facts;
    }

    private async Task<Guid> OpenTaskAsync(Guid id, string department)
    {
        var app = await api.ClientAs(Roles.Admin).GetFromJsonAsync<JsonElement>($"/api/applications/{id}");
        return app.GetProperty("tasks").EnumerateArray()
            .First(t => t.GetProperty("department").GetString() == department && t.GetProperty("status").GetString() == "open")
            .GetProperty("id").GetGuid();
    }

    private HttpClient Client(Caller caller, Target target) => ClientWith(caller switch
    {
        Caller.None => null,
        Caller.ApplicantSelf => Token(Roles.Applicant, subject: target.Applicant),
        Caller.ApplicantOther => Token(Roles.Applicant, subject: NewPerson()),
        Caller.Clerk => Token(Roles.Clerk),
        Caller.KioskOwnSession => Token(Roles.Kiosk, subject: KioskDevice, session: target.KioskSession),
        Caller.KioskOtherSession => Token(Roles.Kiosk, subject: KioskDevice, session: Guid.NewGuid().ToString("N")),
        Caller.ReviewerRight => Token(Roles.Reviewer, target.RightDepartment),
        Caller.ReviewerWrong => Token(Roles.Reviewer, target.WrongDepartment),
        Caller.Admin => Token(Roles.Admin),
        Caller.AdminAndClerk => TwoRoleToken(),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    });

    private HttpClient ClientWith(string? token)
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private string Token(string role, string? department = null, string? subject = null, string? session = null) =>
        TokenIssuer.Issue(api.Service<AuthOptions>(), api.Service<TimeProvider>(), role, department, subject, session: session);

    /// <summary>A correctly signed token whose <c>role</c> claim holds two roles.</summary>
    private string TwoRoleToken()
    {
        var auth = api.Service<AuthOptions>();
        var now = api.Service<TimeProvider>().GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer, Audience = auth.Audience, IssuedAt = now, NotBefore = now, Expires = now.AddHours(1),
            Claims = new Dictionary<string, object> { ["role"] = new[] { Roles.Admin, Roles.Clerk }, ["sub"] = "admin-and-clerk" },
            SigningCredentials = new SigningCredentials(auth.Key(), SecurityAlgorithms.HmacSha256),
        });
    }

    private HttpRequestMessage Request(string key, Target target, Caller caller, bool known)
    {
        var space = key.IndexOf(' ');
        var method = key[..space] == "ANY" ? "GET" : key[..space];
        var id = known ? target.Id : Guid.NewGuid();
        var task = known ? target.TaskId : Guid.NewGuid();
        var path = key[(space + 1)..]
            .Replace("{id:guid}", id.ToString()).Replace("{taskId:guid}", task.ToString()).Replace("{materialCode}", target.Material)
            .Replace("{bundleCode}", key.Contains("matching-runs") ? "disability-assistance" : target.Bundle).Replace("{runId:guid}", Guid.NewGuid().ToString()).Replace("{year:int}", method == "PUT" ? "2030" : "2026").Replace("{source}", "civil-affairs")
            .Replace("{receiptNumber}", known ? target.ReceiptNumber : "YJS-20000101-999999")
            .Replace("{materialId:guid}", (known ? target.MaterialId : Guid.NewGuid()).ToString());
        if (key == "GET /api/tasks") path += $"?department={target.RightDepartment}";
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Content = key switch
        {
            "POST /api/bundles/{bundleCode}/assessments" => Json(new JsonObject { ["facts"] = target.Facts.DeepClone() }),
            "POST /api/applications" => Json(Submission(target.Bundle, caller switch
            {
                Caller.ApplicantSelf or Caller.ApplicantOther => "online",
                Caller.KioskOwnSession or Caller.KioskOtherSession => "kiosk",
                _ => "window",
            }, target.Facts)),
            "POST /api/applications/{id:guid}/materials/{materialCode}" => Reviewers.Pdf(),
            "POST /api/applications/{id:guid}/supplements" => Json(new JsonObject { ["itemCode"] = target.Item, ["materials"] = new JsonArray(target.Material) }),
            "POST /api/applications/{id:guid}/withdrawal" => Json(new JsonObject { ["itemCode"] = target.WithdrawnItem, ["reason"] = "不再需要" }),
            "POST /api/applications/{id:guid}/objections" => Json(new JsonObject { ["itemCode"] = target.Item, ["text"] = "情况不符" }),
            "POST /api/applications/{id:guid}/rating" => Json(new JsonObject { ["score"] = 5 }),
            "POST /api/tasks/{taskId:guid}/decisions" => Json(new JsonObject { ["action"] = "approve" }),
            "POST /api/admin/bundles/{bundleCode}/simulations" => Json(new JsonObject
            {
                ["changes"] = new JsonArray(target.Bundle == "disability-assistance"
                    ? new JsonObject { ["parameter"] = "livingSubsidyMonthly", ["from"] = "2027-01-01", ["value"] = 160 }
                    : new JsonObject { ["parameter"] = "minDistanceToSchoolM", ["from"] = "2027-01-01", ["value"] = 300 }),
                ["limit"] = 5,
            }),
            "POST /api/admin/bundles/{bundleCode}/versions" => Json(new JsonObject
            {
                ["changes"] = new JsonArray(target.Bundle == "disability-assistance"
                    ? new JsonObject { ["parameter"] = "livingSubsidyMonthly", ["from"] = "2030-01-01", ["value"] = 200 + Interlocked.Increment(ref _published) }
                    : new JsonObject { ["parameter"] = "minDistanceToSchoolM", ["from"] = "2030-01-01", ["value"] = 200 + Interlocked.Increment(ref _published) }),
            }),
            "POST /api/admin/bundles/{bundleCode}/matching-runs" => Json(new JsonObject { ["asOf"] = "2026-11-23" }),
            "PUT /api/admin/calendars/{year:int}" => Json(new JsonObject
            {
                ["year"] = 2030, ["source"] = "matrix", ["makeUpWorkingDays"] = new JsonArray(),
                ["holidays"] = new JsonArray(new JsonObject { ["name"] = "元旦", ["from"] = "2030-01-01", ["to"] = "2030-01-01" }),
            }),
            "POST /api/admin/shared-data/{source}" => Json(new JsonArray(new JsonObject
            {
                ["subject"] = NewPerson(), ["validFrom"] = "2026-01-01", ["attributes"] = new JsonObject { ["status"] = "dibao" },
            })),
            _ => null,
        };
        if (key == "POST /api/applications") request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    private static JsonObject Submission(string bundle, string channel, JsonObject facts) =>
        new() { ["bundleCode"] = bundle, ["channel"] = channel, ["facts"] = facts.DeepClone() };

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");


    /// <summary>Every endpoint of the app, keyed "METHOD pattern" (ANY for endpoints without a method, e.g. health checks).</summary>
    private Dictionary<string, Endpoint> Endpoints()
    {
        var result = new Dictionary<string, Endpoint>();
        foreach (var endpoint in api.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            pattern = "/" + pattern.Trim('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            foreach (var method in methods) result[$"{method} {pattern}"] = endpoint;
        }
        return result;
    }

    private static Outcome Parse(string cell) => cell switch
    {
        "ok" => Outcome.Ok,
        "401" => Outcome.Unauthorized,
        "403" => Outcome.Forbidden,
        "404" => Outcome.NotFound,
        _ => throw new ArgumentException($"unknown cell '{cell}'"),
    };

    private static bool Matches(Outcome expected, int status) => expected switch
    {
        Outcome.Ok => status is >= 200 and < 400 or 409,
        Outcome.Unauthorized => status == 401,
        Outcome.Forbidden => status == 403,
        _ => status == 404,
    };

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

public sealed class AccessMatrixSqliteTests(AccessSqliteApi api) : AccessMatrixTests(api), IClassFixture<AccessSqliteApi>;

public sealed class AccessMatrixPostgresTests(AccessPostgresApi api) : AccessMatrixTests(api), IClassFixture<AccessPostgresApi>;

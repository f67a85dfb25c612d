using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approval.Tests.SharedData;

public abstract class SharedDataTests(ApiFactory api)
{
    private readonly HttpClient _admin = api.ClientAs(Roles.Admin, subject: "admin-1");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Import_WithoutToken_Is401()
    {
        var response = await api.CreateClient().PostAsync("/api/admin/shared-data/civil-affairs", Json("[]"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Import_AsClerk_Is403()
    {
        var response = await api.ClientAs(Roles.Clerk).PostAsync("/api/admin/shared-data/civil-affairs", Json("[]"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Import_TokenSignedWithAnotherKey_Is401()
    {
        var client = api.CreateClient();
        var foreign = TokenIssuer.Issue(new AuthOptions { SigningKey = new string('k', 40) }, TimeProvider.System, Roles.Admin);
        client.DefaultRequestHeaders.Authorization = new("Bearer", foreign);

        var response = await client.GetAsync("/api/admin/shared-data");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Import_UnknownSource_Is404Problem()
    {
        var response = await _admin.PostAsync("/api/admin/shared-data/horoscopes", Json("[]"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Import_OneBadRecord_Is400NamingItAndStoresNothing()
    {
        var good = TestIds.Person("1990-01-01", 11);
        var body = $$"""
            [ { "subject": "{{good}}", "validFrom": "2025-01-01", "attributes": { "status": "dibao" } },
              { "subject": "{{TestIds.Corrupt(good)}}", "validFrom": "2025-01-01", "attributes": { "status": "rich" } } ]
            """;

        var response = await _admin.PostAsync("/api/admin/shared-data/civil-affairs", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var keys = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["records[1].attributes.status", "records[1].subject"], keys.Order());
        await using var db = api.NewDb();
        Assert.False(await db.SharedRecords.AnyAsync(r => r.Batch != null && r.Source == "civil-affairs" && r.SubjectHash == Hash(good)));
    }

    [Fact]
    public async Task Import_MalformedJson_Is400()
    {
        var response = await _admin.PostAsync("/api/admin/shared-data/civil-affairs", Json("[{ \"subject\": "));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Import_PlainText_Is415()
    {
        var response = await _admin.PostAsync("/api/admin/shared-data/civil-affairs", new StringContent("hello"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Import_Json_StoresOnlyKeyedHashesAndAudits()
    {
        var person = TestIds.Person("1975-06-01", 12);
        var agent = TestIds.Person("1950-06-01", 13);
        var body = $$"""{ "records": [ { "subject": "{{person}}", "attributes": { "name": "赵六", "hukouRegion": "371581", "guardians": ["{{agent}}"] } } ] }""";

        var response = await _admin.PostAsync("/api/admin/shared-data/population-registry", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<SharedDataImportResult>();
        Assert.Equal(1, result!.Imported);
        await using var db = api.NewDb();
        var row = await db.SharedRecords.SingleAsync(r => r.Batch == result.Batch);
        Assert.Equal(Hash(person), row.SubjectHash);
        Assert.DoesNotContain(agent, row.AttributesJson);
        Assert.Contains(Hash(agent), row.AttributesJson);
        var audit = await db.AuditEntries.SingleAsync(a => a.Detail!.Contains(result.Batch));
        Assert.Equal(db.Protector.Hash("admin-1"), audit.Actor);
        Assert.Equal("shared-data.import", audit.Action);
    }

    [Fact]
    public async Task Import_CsvWithReplace_ReplacesTheSource()
    {
        var first = TestIds.Company(21);
        var second = TestIds.Company(22);
        await _admin.PostAsync("/api/admin/shared-data/business-registry", new StringContent($"subject,name\n{first},甲公司\n", Encoding.UTF8, "text/csv"));

        var response = await _admin.PostAsync("/api/admin/shared-data/business-registry?replace=true",
            new StringContent($"subject,validFrom,name\n{second},2020-01-01,\"乙公司, 有限\"\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<SharedDataImportResult>();
        Assert.Equal(1, result!.Imported);
        Assert.True(result.Replaced >= 1);
        await using var db = api.NewDb();
        var rows = await db.SharedRecords.Where(r => r.Source == "business-registry").ToListAsync();
        Assert.Equal([Hash(second)], rows.Select(r => r.SubjectHash));
        Assert.Contains("乙公司, 有限", rows[0].AttributesJson);
    }

    [Fact]
    public async Task Import_CsvWithUnknownColumn_Is400()
    {
        var response = await _admin.PostAsync("/api/admin/shared-data/business-registry",
            new StringContent($"subject,colour\n{TestIds.Company(23)},red\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CollectSharedFacts_HardshipStatus_IsTheOneInForceOnAsOf()
    {
        var person = TestIds.Person("1966-02-03", 14);
        await _admin.PostAsync("/api/admin/shared-data/civil-affairs", Json($$"""
            [ { "subject": "{{person}}", "validFrom": "2024-01-01", "validTo": "2025-12-31", "attributes": { "status": "dibao" } },
              { "subject": "{{person}}", "validFrom": "2026-01-01", "attributes": { "status": "lowIncome" } } ]
            """));
        var facts = JsonDocument.Parse($$"""{ "applicant": { "idNumber": "{{person}}", "name": "x" } }""").RootElement;

        using var scope = api.Services.CreateScope();
        var shared = scope.ServiceProvider.GetRequiredService<ISharedData>();
        var in2025 = await shared.CollectAsync(facts, new DateOnly(2025, 6, 1));
        var in2026 = await shared.CollectAsync(facts, new DateOnly(2026, 6, 1));

        Assert.Equal(true, in2025["shared.civilAffairs.dibao"]);
        Assert.Equal(false, in2025["shared.civilAffairs.lowIncome"]);
        Assert.Equal(false, in2026["shared.civilAffairs.dibao"]);
        Assert.Equal(true, in2026["shared.civilAffairs.lowIncome"]);
    }

    [Fact]
    public async Task CollectSharedFacts_UnknownPerson_HasNoSharedFacts()
    {
        var facts = JsonDocument.Parse($$"""{ "applicant": { "idNumber": "{{TestIds.Person("1999-09-09", 15)}}", "name": "x" } }""").RootElement;

        using var scope = api.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<ISharedData>().CollectAsync(facts, new DateOnly(2026, 1, 1));

        Assert.Empty(result);
    }

    [Fact]
    public async Task AuditEntries_UpdateOrDelete_IsRefusedByTheDatabase()
    {
        await _admin.PostAsync("/api/admin/shared-data/bank-registry", Json($$"""[ { "subject": "{{TestIds.Person("1970-07-07", 16)}}" } ]"""));
        await using var db = api.NewDb();
        Assert.True(await db.AuditEntries.AnyAsync());

        await AssertRefusedByTheTriggerAsync(() => db.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(a => a.Actor, "someone-else")));
        await AssertRefusedByTheTriggerAsync(() => db.AuditEntries.ExecuteDeleteAsync());
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.Actor).ToListAsync(), a => a == "someone-else");
    }

    /// <summary>The provider's own exception, raised by the append-only trigger of migration 0002 (not a connection or syntax error).</summary>
    private async Task AssertRefusedByTheTriggerAsync(Func<Task> statement)
    {
        var e = await Assert.ThrowsAnyAsync<DbException>(statement);
        Assert.IsType(api.Provider switch
        {
            DatabaseProvider.Sqlite => typeof(Microsoft.Data.Sqlite.SqliteException),
            DatabaseProvider.PostgreSql => typeof(Npgsql.PostgresException),
            _ => typeof(Microsoft.Data.SqlClient.SqlException),
        }, e);
        Assert.Contains("audit_entries is append-only", e.Message);
    }

    private string Hash(string id) => api.Service<PersonalData>().Hash(id);
}

public sealed class SharedDataSqliteTests(SqliteApi api) : SharedDataTests(api), IClassFixture<SqliteApi>;

public sealed class SharedDataPostgresTests(PostgresApi api) : SharedDataTests(api), IClassFixture<PostgresApi>;

[RequiresSqlServer]
public sealed class SharedDataSqlServerTests(SqlServerApi api) : SharedDataTests(api), IClassFixture<SqlServerApi>;

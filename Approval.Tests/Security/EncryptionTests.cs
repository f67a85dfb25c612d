using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Security;

public sealed class FieldProtectorTests
{
    private static readonly FieldProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Unprotect_WhatWasProtected_GivesItBack()
    {
        var protectedText = Protector.Protect("""{"applicant":{"idNumber":"11010519491231002X"}}""");

        Assert.StartsWith(FieldProtector.Prefix, protectedText);
        Assert.DoesNotContain("11010519491231002X", protectedText);
        Assert.Equal("""{"applicant":{"idNumber":"11010519491231002X"}}""", Protector.Unprotect(protectedText));
    }

    [Fact]
    public void Protect_SameTextTwice_GivesDifferentCiphertexts() =>
        Assert.NotEqual(Protector.Protect("same"), Protector.Protect("same"));

    [Fact]
    public void Unprotect_TamperedValue_Throws()
    {
        var bytes = Convert.FromBase64String(Protector.Protect("text")[FieldProtector.Prefix.Length..]);
        bytes[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(FieldProtector.Prefix + Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void Unprotect_ValueWrittenBeforeEncryption_IsReadAsItIs() =>
        Assert.Equal("{\"plain\":true}", Protector.Unprotect("{\"plain\":true}"));

    [Fact]
    public void Unprotect_EncryptedValueWithoutKey_SaysTheKeyIsMissing() =>
        Assert.Contains("Security:DataKey", Assert.Throws<InvalidOperationException>(() => FieldProtector.None.Unprotect(Protector.Protect("x"))).Message);

    [Fact]
    public void FromConfiguration_KeyOfWrongLength_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => FieldProtector.FromConfiguration(Convert.ToBase64String(new byte[16])));
}

/// <summary>With <c>Security:DataKey</c> set, personal data is ciphertext in the database and plain through the API.</summary>
public abstract class EncryptionAtRestTests(ApiFactory api)
{
    [Fact]
    public async Task Submit_WithDataKey_StoresFactsEncryptedAndServesThemDecrypted()
    {
        var id = TestIds.Person("1977-07-07", 41);
        var body = new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = SampleFacts.DisabilityApplicant(id) };
        var created = await api.ClientAs(Roles.Clerk).PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var applicationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await using var db = api.NewDb();
        var raw = await db.Database.SqlQuery<string>($"SELECT facts_json AS \"Value\" FROM applications WHERE id = {applicationId}").SingleAsync();
        var rawInstance = await db.Database.SqlQuery<string>($"SELECT facts_json AS \"Value\" FROM workflow_instances WHERE id = {applicationId}").SingleAsync();
        Assert.StartsWith(FieldProtector.Prefix, raw);
        Assert.StartsWith(FieldProtector.Prefix, rawInstance);
        Assert.DoesNotContain(id, raw + rawInstance);

        var read = await api.ClientAs(Roles.Applicant, subject: id).GetAsync($"/api/applications/{applicationId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(id, await read.Content.ReadAsStringAsync());
        var entity = await db.Applications.SingleAsync(a => a.Id == applicationId);
        Assert.Contains(id, entity.FactsJson);

        var reviewer = api.ClientAs(Roles.Reviewer, "medical-security");
        var inbox = await reviewer.GetFromJsonAsync<JsonElement>("/api/tasks?department=medical-security&status=open&pageSize=100");
        var task = inbox.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("applicationId").GetGuid() == applicationId);
        var decided = await reviewer.PostAsync($"/api/tasks/{task.GetProperty("id").GetString()}/decisions",
            new StringContent("""{ "action": "approve" }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
    }
}

public sealed class EncryptedSqliteApi : SqliteApi
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Security:DataKey", _key), new("Workflows:RunTimers", "false")];
}

public sealed class EncryptedPostgresApi : PostgresApi
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Security:DataKey", _key), new("Workflows:RunTimers", "false")];
}

public sealed class EncryptedSqlServerApi : SqlServerApi
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Security:DataKey", _key), new("Workflows:RunTimers", "false")];
}

public sealed class EncryptionAtRestSqliteTests(EncryptedSqliteApi api) : EncryptionAtRestTests(api), IClassFixture<EncryptedSqliteApi>;

public sealed class EncryptionAtRestPostgresTests(EncryptedPostgresApi api) : EncryptionAtRestTests(api), IClassFixture<EncryptedPostgresApi>;

[RequiresSqlServer]
public sealed class EncryptionAtRestSqlServerTests(EncryptedSqlServerApi api) : EncryptionAtRestTests(api), IClassFixture<EncryptedSqlServerApi>;

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Rules.Identifiers;
using Microsoft.Extensions.Configuration;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Security;

public sealed class FieldProtectorTests
{
    private const string Place = "applications.facts_json/0001";
    private static readonly FieldProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Unprotect_WhatWasProtected_GivesItBack()
    {
        var protectedText = Protector.Protect("""{"applicant":{"idNumber":"11010519491231002X"}}""", Place);

        Assert.StartsWith(FieldProtector.Prefix + Protector.KeyId + ":", protectedText);
        Assert.DoesNotContain("11010519491231002X", protectedText);
        Assert.Equal("""{"applicant":{"idNumber":"11010519491231002X"}}""", Protector.Unprotect(protectedText, Place));
    }

    [Fact]
    public void Protect_SameTextTwice_GivesDifferentCiphertexts() =>
        Assert.NotEqual(Protector.Protect("same", Place), Protector.Protect("same", Place));

    [Fact]
    public void Unprotect_TamperedValue_Throws()
    {
        var stored = Protector.Protect("text", Place);
        var prefix = stored[..(stored.LastIndexOf(':') + 1)];
        var bytes = Convert.FromBase64String(stored[prefix.Length..]);
        bytes[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(prefix + Convert.ToBase64String(bytes), Place));
    }

    [Theory]
    [InlineData("applications.facts_json/0002")]
    [InlineData("applications.assessment_json/0001")]
    [InlineData("workflow_instances.facts_json/0001")]
    public void Unprotect_CiphertextCopiedToAnotherRowColumnOrTable_FailsNamingThePlace(string elsewhere)
    {
        var stored = Protector.Protect("secret", Place);

        var error = Assert.Throws<MisplacedValueException>(() => Protector.Unprotect(stored, elsewhere));
        Assert.Contains(elsewhere, error.Message);
    }

    [Fact]
    public void Unprotect_BytesCopiedToAnotherRow_Fail()
    {
        var stored = Protector.Protect("%PDF-1.7"u8.ToArray(), "application_materials.content/1");

        Assert.Equal("%PDF-1.7"u8.ToArray(), Protector.Unprotect(stored, "application_materials.content/1"));
        Assert.Throws<MisplacedValueException>(() => Protector.Unprotect(stored, "application_materials.content/2"));
    }

    [Fact]
    public void Unprotect_ValueWrittenBeforeEncryption_IsReadAsItIs() =>
        Assert.Equal("{\"plain\":true}", Protector.Unprotect("{\"plain\":true}", Place));

    [Fact]
    public void Unprotect_EncryptedValueWithoutKey_SaysTheKeyIsMissing() =>
        Assert.Contains("Security:DataKey", Assert.Throws<InvalidOperationException>(() => FieldProtector.None.Unprotect(Protector.Protect("x", Place), Place)).Message);

    [Fact]
    public void FromConfiguration_KeyOfWrongLength_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => FieldProtector.FromConfiguration(Convert.ToBase64String(new byte[16])));

    [Fact]
    public void Unprotect_AfterRotation_OldKeyValuesStayReadableAndNewOnesUseTheCurrentKey()
    {
        byte[] k1 = RandomNumberGenerator.GetBytes(32), k2 = RandomNumberGenerator.GetBytes(32);
        var before = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = k1 }, "k1");
        var after = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = k1, ["k2"] = k2 }, "k2");
        var old = before.Protect("secret", Place);

        Assert.Equal("secret", after.Unprotect(old, Place));
        Assert.False(after.IsCurrent(old));
        var renewed = after.Protect(after.Unprotect(old, Place), Place);
        Assert.StartsWith("enc:v2:k2:", renewed);
        Assert.True(after.IsCurrent(renewed));
        Assert.Contains("'k2'", Assert.Throws<InvalidOperationException>(() => before.Unprotect(renewed, Place)).Message);
    }

    [Fact]
    public void FromConfiguration_SeveralKeysWithoutACurrentOne_IsRefused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:DataKeys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Security:DataKeys:k2"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }).Build();

        Assert.Contains("Security:DataKeyId", Assert.Throws<InvalidOperationException>(() => FieldProtector.FromConfiguration(configuration, null)).Message);
    }

    [Fact]
    public void Unprotect_LegacyV1Value_IsStillRead()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = "legacy"u8.ToArray();
        var buffer = new byte[12 + plain.Length + 16];
        nonce.CopyTo(buffer, 0);
        using (var aes = new AesGcm(key, 16))
            aes.Encrypt(nonce, plain, buffer.AsSpan(12, plain.Length), buffer.AsSpan(12 + plain.Length));

        Assert.Equal("legacy", new FieldProtector(key).Unprotect(FieldProtector.LegacyPrefix + Convert.ToBase64String(buffer), Place));
    }
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
        Assert.Throws<MisplacedValueException>(() => api.Service<FieldProtector>().Unprotect(raw, $"workflow_instances.facts_json/{applicationId:N}"));
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
        // the decision answers from the rows the runtime saved: the facts in clear (masked), not their ciphertext
        var answer = await decided.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ChineseId.Mask(id), answer.GetProperty("task").GetProperty("application").GetProperty("applicant").GetProperty("idNumber").GetString());
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

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Approval.Tests.Security;

/// <summary>The <c>reencrypt</c> command moves every protected value to the current key; the old key id stays readable until then.</summary>
public abstract class KeyRotationTests(IProtectedApi fixture)
{
    [Fact]
    public async Task Reencrypt_NewCurrentKey_RewritesEveryValueWithItAndTheApiReadsThem()
    {
        var api = fixture.Api;
        var person = TestIds.Person("1983-04-04", 31);
        var body = new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = SampleFacts.DisabilityApplicant(person) };
        var created = await api.ClientAs(Roles.Clerk).PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var oldKey = Convert.FromBase64String(fixture.DataKey);
        var oldId = FieldProtector.DerivedKeyId(oldKey);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = api.Provider.ToString(),
            [$"ConnectionStrings:{DatabaseSetup.ConnectionName}"] = api.ConnectionString,
            ["Security:LookupKey"] = TestKeys.Lookup,
            [$"Security:DataKeys:{oldId}"] = fixture.DataKey,
            ["Security:DataKeys:k2"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Security:DataKeyId"] = "k2",
        }).Build();
        await using var db = api.NewDb();
        async Task<string> RawFacts() => await db.Database.SqlQuery<string>($"SELECT facts_json AS \"Value\" FROM applications WHERE id = {id}").SingleAsync();
        Assert.StartsWith($"enc:v2:{oldId}:", await RawFacts());

        var output = new StringWriter();
        var exit = await DataCommands.RunAsync("reencrypt", configuration, output);

        Assert.Equal(0, exit);
        Assert.Contains("reencrypt: applications:", output.ToString());
        Assert.StartsWith("enc:v2:k2:", await RawFacts());
        var items = await db.Database.SqlQuery<string>($"SELECT outputs_json AS \"Value\" FROM workflow_items WHERE instance_id = {id}").ToListAsync();
        Assert.All(items, v => Assert.StartsWith("enc:v2:k2:", v));
        var rotated = FieldProtector.FromConfiguration(configuration, null);
        Assert.Contains(person, rotated.Unprotect(await RawFacts(), $"applications.facts_json/{id:N}"));
        var raw = await RawFacts();
        Assert.Contains("'k2'", Assert.Throws<InvalidOperationException>(() => api.Service<FieldProtector>().Unprotect(raw, $"applications.facts_json/{id:N}")).Message);
    }
}

public sealed class KeyRotationSqliteTests(ProtectedSqliteApi api) : KeyRotationTests(api), IClassFixture<ProtectedSqliteApi>;

public sealed class KeyRotationPostgresTests(ProtectedPostgresApi api) : KeyRotationTests(api), IClassFixture<ProtectedPostgresApi>;

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

/// <summary>POST /api/admin/bundles/{code}/simulations: a draft parameter change against the stored applications.</summary>
public abstract class SimulationApiTests(IWorkflowApi workflow)
{
    private const string A = "disability-assistance";
    private static int _people;
    private readonly ApiFactory _api = workflow.Api;

    private HttpClient As(string role) => _api.ClientAs(role);

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>A dibao certificate holder of grade 2: living subsidy (A2) eligible at 140 a month in 2026.</summary>
    private async Task<Guid> SubmitCertificateHolderAsync()
    {
        var id = TestIds.Person(new DateOnly(1970, 1, 1).AddDays(Interlocked.Increment(ref _people) * 13), 5);
        var facts = SampleFacts.DisabilityApplicant(id);
        facts["disability"] = new JsonObject
        {
            ["hasCertificate"] = true, ["certificateNumber"] = id + "42", ["category"] = "physical", ["grade"] = 2, ["needsLongTermCare"] = true,
        };
        var response = await As(Roles.Clerk).PostAsync("/api/applications", Json(new JsonObject { ["bundleCode"] = A, ["channel"] = "window", ["facts"] = facts }));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static JsonObject LivingSubsidy(decimal value, string from = "2027-01-01") => new()
    {
        ["changes"] = new JsonArray(new JsonObject { ["parameter"] = "livingSubsidyMonthly", ["from"] = from, ["value"] = value }),
    };

    private async Task<JsonElement> SimulateAsync(JsonObject body)
    {
        var response = await As(Roles.Admin).PostAsync($"/api/admin/bundles/{A}/simulations", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Simulate_LivingSubsidyRaised_ListsTheApplicationWithItsYearlyDifference()
    {
        var id = await SubmitCertificateHolderAsync();

        var result = await SimulateAsync(LivingSubsidy(160));

        var mine = result.GetProperty("changedApplications").EnumerateArray().Single(a => a.GetProperty("applicationId").GetGuid() == id);
        var a2 = mine.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "A2");
        Assert.Equal((140m * 12, 160m * 12), (a2.GetProperty("yearlyInForce").GetDecimal(), a2.GetProperty("yearlyDraft").GetDecimal()));
        Assert.Equal("eligible", a2.GetProperty("outcomeDraft").GetString());
        Assert.Equal("2027-01-01", result.GetProperty("asOf").GetString());
        Assert.NotEqual(result.GetProperty("versionInForce").GetString(), result.GetProperty("draftVersion").GetString());
        var impact = result.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "A2");
        Assert.True(impact.GetProperty("amountChanges").GetInt32() >= 1);
        Assert.Equal(impact.GetProperty("yearlyCostDraft").GetDecimal() - impact.GetProperty("yearlyCostInForce").GetDecimal(), impact.GetProperty("yearlyCostDelta").GetDecimal());
        Assert.Equal(result.GetProperty("yearlyCostDraft").GetDecimal() - result.GetProperty("yearlyCostInForce").GetDecimal(), result.GetProperty("yearlyCostDelta").GetDecimal());
        Assert.True(result.GetProperty("yearlyCostDelta").GetDecimal() >= 240m);
    }

    private async Task ImportAsync(string source, JsonObject record)
    {
        var response = await As(Roles.Admin).PostAsync($"/api/admin/shared-data/{source}", Json(new JsonArray(record)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>In the registry only: a resident of 临清 on dibao with a grade-2 physical e-certificate (A2 eligible), who has not applied.</summary>
    private async Task<string> RegisterAsync(string name)
    {
        var id = TestIds.Person(new DateOnly(1960, 1, 1).AddDays(Interlocked.Increment(ref _people) * 17), 3);
        await ImportAsync("population-registry", new JsonObject { ["subject"] = id, ["attributes"] = new JsonObject { ["name"] = name, ["hukouRegion"] = "371581" } });
        await ImportAsync("civil-affairs", new JsonObject { ["subject"] = id, ["validFrom"] = "2026-01-01", ["attributes"] = new JsonObject { ["status"] = "dibao" } });
        await ImportAsync("e-certificate", new JsonObject { ["subject"] = id, ["attributes"] = new JsonObject { ["number"] = id + "42", ["category"] = "physical", ["grade"] = 2 } });
        return id;
    }

    [Fact]
    public async Task Simulate_OverTheRegistry_ListsThePersonWhoHasNotAppliedMaskedWithTheYearlyDifference()
    {
        var id = await RegisterAsync("孙大成");
        var body = LivingSubsidy(160);
        body["registry"] = true;

        var result = await SimulateAsync(body);

        var registry = result.GetProperty("registry");
        Assert.True(registry.GetProperty("persons").GetInt32() >= 1);
        var reference = _api.Service<PersonalData>().Hash(id)[..12];
        var person = registry.GetProperty("changedPersons").EnumerateArray().Single(p => p.GetProperty("reference").GetString() == reference);
        Assert.Equal("孙**", person.GetProperty("maskedName").GetString());
        Assert.DoesNotContain(id, person.ToString());
        var a2 = person.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "A2");
        Assert.Equal((140m * 12, 160m * 12), (a2.GetProperty("yearlyInForce").GetDecimal(), a2.GetProperty("yearlyDraft").GetDecimal()));
        Assert.True(registry.GetProperty("yearlyCostDelta").GetDecimal() >= 240m);
        Assert.Equal(registry.GetProperty("yearlyCostDraft").GetDecimal() - registry.GetProperty("yearlyCostInForce").GetDecimal(), registry.GetProperty("yearlyCostDelta").GetDecimal());
    }

    [Fact]
    public async Task Simulate_OverTheRegistry_APersonWhoAppliedIsCountedOnceAsAnApplication()
    {
        var id = await RegisterAsync("钱小成");
        var facts = SampleFacts.DisabilityApplicant(id);
        facts["disability"] = new JsonObject { ["hasCertificate"] = true, ["certificateNumber"] = id + "42", ["category"] = "physical", ["grade"] = 2, ["needsLongTermCare"] = true };
        var submitted = await As(Roles.Clerk).PostAsync("/api/applications", Json(new JsonObject { ["bundleCode"] = A, ["channel"] = "window", ["facts"] = facts }));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var applicationId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var body = LivingSubsidy(161);
        body["registry"] = true;

        var result = await SimulateAsync(body);

        var reference = _api.Service<PersonalData>().Hash(id)[..12];
        Assert.DoesNotContain(result.GetProperty("registry").GetProperty("changedPersons").EnumerateArray(), p => p.GetProperty("reference").GetString() == reference);
        Assert.Contains(result.GetProperty("changedApplications").EnumerateArray(), a => a.GetProperty("applicationId").GetGuid() == applicationId);
    }

    [Fact]
    public async Task Simulate_OverTheRegistryForACompanyBundle_Is400NamingRegistry()
    {
        var body = new JsonObject
        {
            ["changes"] = new JsonArray(new JsonObject { ["parameter"] = "minDistanceToSchoolM", ["from"] = "2027-01-01", ["value"] = 300 }), ["registry"] = true,
        };

        var response = await As(Roles.Admin).PostAsync("/api/admin/bundles/entertainment-venue/simulations", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("registry", out _));
    }

    [Fact]
    public async Task Simulate_WithoutRegistry_HasNoRegistryPart()
    {
        await SubmitCertificateHolderAsync();

        var result = await SimulateAsync(LivingSubsidy(162));

        Assert.False(result.TryGetProperty("registry", out _));
    }

    [Fact]
    public async Task Simulate_SameValueAsInForce_NothingChanges()
    {
        await SubmitCertificateHolderAsync();

        var result = await SimulateAsync(LivingSubsidy(140, from: "2026-01-01"));

        Assert.Equal(0, result.GetProperty("applicationsChanged").GetInt32());
        Assert.Equal(0m, result.GetProperty("yearlyCostDelta").GetDecimal());
        Assert.True(result.GetProperty("applications").GetInt32() >= 1);
    }

    [Fact]
    public async Task Simulate_AfterARun_TheVersionInForceAndStoredApplicationsAreUnchanged()
    {
        var id = await SubmitCertificateHolderAsync();
        var before = await (await As(Roles.Admin).GetAsync($"/api/bundles/{A}")).Content.ReadFromJsonAsync<JsonElement>();

        await SimulateAsync(LivingSubsidy(200));

        var after = await (await As(Roles.Admin).GetAsync($"/api/bundles/{A}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(before.GetProperty("version").GetString(), after.GetProperty("version").GetString());
        await using var db = _api.NewDb();
        var application = await db.Applications.SingleAsync(a => a.Id == id);
        Assert.Equal(before.GetProperty("version").GetString(), application.BundleVersion);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "simulation.run" && e.Resource == $"bundles/{A}/simulations"));
    }

    [Fact]
    public async Task Simulate_Limit_EvaluatesAtMostThatManyAndSaysTruncated()
    {
        await SubmitCertificateHolderAsync();
        await SubmitCertificateHolderAsync();
        var body = LivingSubsidy(160);
        body["limit"] = 1;

        var result = await SimulateAsync(body);

        Assert.Equal(1, result.GetProperty("applications").GetInt32());
        Assert.True(result.GetProperty("truncated").GetBoolean());
    }

    [Theory]
    [InlineData("""{ "changes": [] }""", "changes")]
    [InlineData("""{ "changes": [ { "parameter": "noSuchParameter", "from": "2027-01-01", "value": 1 } ] }""", "changes[0].parameter")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": true } ] }""", "changes[0].value")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyIncludesLowIncome", "from": "2027-01-01", "value": 3 } ] }""", "changes[0].value")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "value": 160 } ] }""", "changes[0].from")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": 160 } ], "limit": 0 }""", "limit")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": 160 } ], "extra": 1 }""", "extra")]
    [InlineData("""{ "changes": [ { "parameter": "livingSubsidyMonthly", "from": "2027-01-01", "value": 160 } ], "registry": "yes" }""", "registry")]
    public async Task Simulate_BadRequest_400NamingTheField(string body, string field)
    {
        var response = await As(Roles.Admin).PostAsync($"/api/admin/bundles/{A}/simulations", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task Simulate_FlagParameter_AcceptedAndEchoedAsTrueOrFalse()
    {
        await SubmitCertificateHolderAsync();
        var body = new JsonObject
        {
            ["changes"] = new JsonArray(new JsonObject { ["parameter"] = "livingSubsidyIncludesLowIncome", ["from"] = "2027-01-01", ["value"] = true }),
        };

        var result = await SimulateAsync(body);

        Assert.Equal("2027-01-01", result.GetProperty("asOf").GetString());
        Assert.Equal(JsonValueKind.True, result.GetProperty("changes")[0].GetProperty("value").ValueKind);
    }
}

public sealed class SimulationApiSqliteTests(SqliteWorkflowApi api) : SimulationApiTests(api), IClassFixture<SqliteWorkflowApi>;

public sealed class SimulationApiPostgresTests(PostgresWorkflowApi api) : SimulationApiTests(api), IClassFixture<PostgresWorkflowApi>;

/// <summary>The same with personal data encrypted at rest: the figures are read through the protected columns.</summary>
public sealed class SimulationApiProtectedSqliteTests(ProtectedSqliteApi api) : SimulationApiTests(api), IClassFixture<ProtectedSqliteApi>;

public sealed class SimulationApiProtectedPostgresTests(ProtectedPostgresApi api) : SimulationApiTests(api), IClassFixture<ProtectedPostgresApi>;

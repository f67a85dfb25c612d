using System.Net;
using System.Text;
using System.Text.Json;
using Approval.Api.Data;
using Approval.Tests.Support;

namespace Approval.Tests.Api;

/// <summary>The operator commands (Approval.Api/Infrastructure/Commands.cs) through the real process: output, exit codes, usage.</summary>
public sealed class CommandTests(SqliteApi api) : IClassFixture<SqliteApi>
{
    private static readonly Dictionary<string, string> Key = new() { ["Auth__SigningKey"] = TestKeys.Signing };

    private static JsonElement Payload(string token)
    {
        var part = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=')))).RootElement;
    }

    [Fact]
    public async Task Token_Reviewer_PrintsATokenTheApiWithTheSameKeyAccepts()
    {
        var outcome = await ApiProcess.RunAsync(Key, "token", "--role", "reviewer", "--department", "dpf", "--subject", "reviewer-7", "--hours", "2");

        Assert.Equal(0, outcome.ExitCode);
        var token = outcome.Stdout.Trim();
        var claims = Payload(token);
        Assert.Equal("reviewer", claims.GetProperty("role").GetString());
        Assert.Equal("dpf", claims.GetProperty("department").GetString());
        Assert.Equal("reviewer-7", claims.GetProperty("sub").GetString());
        Assert.Equal(7200, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tasks?department=dpf")).StatusCode);
    }

    [Fact]
    public async Task Token_Kiosk_CarriesTheGivenSessionOrANewOne()
    {
        var given = await ApiProcess.RunAsync(Key, "token", "--role", "kiosk", "--session", "hall-3-kiosk-1");
        var fresh = await ApiProcess.RunAsync(Key, "token", "--role", "kiosk");
        var clerk = await ApiProcess.RunAsync(Key, "token", "--role", "clerk");

        Assert.Equal("hall-3-kiosk-1", Payload(given.Stdout.Trim()).GetProperty("sid").GetString());
        Assert.Matches("^[0-9a-f]{32}$", Payload(fresh.Stdout.Trim()).GetProperty("sid").GetString());
        Assert.False(Payload(clerk.Stdout.Trim()).TryGetProperty("sid", out _));
    }

    [Theory]
    [InlineData("--role is required", "token")]
    [InlineData("unknown role 'janitor'", "token", "--role", "janitor")]
    [InlineData("a reviewer needs --department", "token", "--role", "reviewer")]
    [InlineData("unexpected '--role'", "token", "--role")]
    [InlineData("unexpected 'clerk'", "token", "clerk")]
    public async Task Token_BadArguments_Exit2WithTheReasonAndTheUsage(string reason, params string[] args)
    {
        var outcome = await ApiProcess.RunAsync(Key, args);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains(reason, outcome.Stderr);
        Assert.Contains("token --role <applicant|clerk|kiosk|reviewer|admin>", outcome.Stderr);
        Assert.Equal("", outcome.Stdout.Trim());
        ApiProcess.AssertNoStackTrace(outcome.Output);
    }

    [Fact]
    public async Task Token_WithoutSigningKey_Exit2NamingTheSetting()
    {
        var outcome = await ApiProcess.RunAsync(new Dictionary<string, string>(), "token", "--role", "clerk");

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("Auth:SigningKey must be set", outcome.Stderr.Trim());
        Assert.Equal("", outcome.Stdout.Trim());
    }

    [Theory]
    [InlineData("sqlite", DatabaseProvider.Sqlite, "CREATE TABLE \"calendar_years\" (")]
    [InlineData("postgresql", DatabaseProvider.PostgreSql, "CREATE TABLE calendar_years (")]
    [InlineData("SqlServer", DatabaseProvider.SqlServer, "CREATE TABLE [calendar_years] (")]
    public async Task SchemaScript_EachProvider_PrintsTheModelsCreateScript(string argument, DatabaseProvider provider, string dialect)
    {
        var outcome = await ApiProcess.RunAsync(new Dictionary<string, string>(), "schema-script", argument);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(dialect, outcome.Stdout);
        Assert.Equal(DatabaseSetup.CreateScript(provider).Trim(), outcome.Stdout.Trim());
        Assert.Equal("", outcome.Stderr.Trim());
    }

    [Theory]
    [InlineData("unknown command 'frobnicate'", "frobnicate")]
    [InlineData("schema-script takes one provider: sqlite, postgresql or sqlserver (not 'oracle')", "schema-script", "oracle")]
    [InlineData("schema-script takes one provider: sqlite, postgresql or sqlserver\n", "schema-script")]
    public async Task UnknownCommandOrProvider_Exit2WithTheUsage(string expected, params string[] args)
    {
        var outcome = await ApiProcess.RunAsync(new Dictionary<string, string>(), args);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains(expected, outcome.Stderr);
        Assert.DoesNotContain("unknown command 'schema-script'", outcome.Stderr);
        Assert.Contains("commands:", outcome.Stderr);
        Assert.Equal("", outcome.Stdout.Trim());
    }
}

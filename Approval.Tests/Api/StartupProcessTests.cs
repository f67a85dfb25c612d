using Approval.Tests.Support;

namespace Approval.Tests.Api;

/// <summary>
/// The real start-up path: Approval.Api.dll run as its own process in Production, as an operator would start it.
/// Every configuration problem is one plain line naming the setting, all of them at once, exit code 1, no stack trace.
/// </summary>
public sealed class StartupProcessTests
{
    private static async Task<(int ExitCode, string Output)> Run(Dictionary<string, string> environment, params string[] args)
    {
        var outcome = await ApiProcess.RunAsync(environment, args);
        return (outcome.ExitCode, outcome.Output);
    }

    private static void AssertNoStackTrace(string output) => ApiProcess.AssertNoStackTrace(output);

    [Fact]
    public async Task Start_ManyBadSettings_ReportsEachOnItsOwnLineAndExits1()
    {
        var (code, output) = await Run(new()
        {
            ["Auth__SigningKey"] = "short",
            ["Tasks__TotalCap"] = "lots",
            ["Materials__MaxBytes"] = "0",
            ["Workflows__PollInterval"] = "soon",
            ["Calendar__RefreshInterval"] = "00:00:00",
            ["RateLimits__Submissions__PermitLimit"] = "0",
            ["RateLimits__Uploads__Window"] = "-00:01:00",
            ["Bundles__RefreshInterval"] = "00:00:00",
        });

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("ApprovalService cannot start: 9 configuration problems", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Auth:SigningKey", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Security:LookupKey", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Tasks:TotalCap: 'lots' is not a valid whole number", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Materials:MaxBytes must be at least 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Workflows:PollInterval: 'soon'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Calendar:RefreshInterval must be a positive duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("RateLimits:Submissions:PermitLimit must be at least 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("RateLimits:Uploads:Window must be a positive duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Bundles:RefreshInterval must be a positive duration", StringComparison.Ordinal));
        AssertNoStackTrace(output);
    }

    /// <summary>The problem lines after the heading, without their indentation.</summary>
    private static string[] ProblemLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var heading = Array.FindIndex(lines, l => l.StartsWith("ApprovalService cannot start:", StringComparison.Ordinal));
        Assert.True(heading >= 0, output);
        return lines.Skip(heading + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
    }

    [Fact]
    public async Task Start_NoKeysAtAll_Exits1WithOneLinePerMissingKey()
    {
        var (code, output) = await Run(new());

        Assert.Equal(1, code);
        Assert.Contains("ApprovalService cannot start: 2 configuration problems.", output);
        Assert.Equal(
            ["Auth:SigningKey must be set to a secret of at least 32 characters (environment variable Auth__SigningKey), or Auth:Authority to an identity platform.",
             "Security:LookupKey must be set to a secret of at least 32 characters (environment variable Security__LookupKey)."],
            ProblemLines(output));
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Start_ShortKeys_Exits1WithOneLinePerShortKey()
    {
        var (code, output) = await Run(new()
        {
            ["Auth__SigningKey"] = new string('s', 31),
            ["Security__LookupKey"] = new string('l', 31),
            ["Security__DataKey"] = Convert.ToBase64String(new byte[16]),
        });

        Assert.Equal(1, code);
        Assert.Contains("ApprovalService cannot start: 3 configuration problems.", output);
        var lines = ProblemLines(output);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Auth:SigningKey must be set to a secret of at least 32 characters", lines[0]);
        Assert.StartsWith("Security:LookupKey must be set to a secret of at least 32 characters", lines[1]);
        Assert.StartsWith("Security:DataKey must be 32 bytes", lines[2]);
        Assert.DoesNotContain(new string('s', 31), output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Start_UnknownProvider_NamesDatabaseProviderAndTheChoices()
    {
        var (code, output) = await Run(new() { ["Database__Provider"] = "Oracle" });

        Assert.Equal(1, code);
        Assert.Contains("Database:Provider 'Oracle' is not one of Sqlite, PostgreSql, SqlServer.", output);
        Assert.Contains("Auth:SigningKey", output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Start_UnreachableDatabaseAndMissingConnectionString_NameTheConnectionString()
    {
        var unreachable = await Run(new() { ["Database__Provider"] = "PostgreSql", ["ConnectionStrings__Approval"] = "Host=127.0.0.1;Port=1;Username=x;Timeout=3" });
        var missing = await Run(new() { ["Database__Provider"] = "SqlServer" });

        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("ConnectionStrings:Approval: cannot connect to the PostgreSql database", unreachable.Output);
        Assert.Contains("Security:LookupKey", unreachable.Output);
        AssertNoStackTrace(unreachable.Output);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Database:Provider is SqlServer but ConnectionStrings:Approval is not set", missing.Output);
        AssertNoStackTrace(missing.Output);
    }

    [Fact]
    public async Task Start_AuthorityThatIsNotHttps_IsAProblemAndTheKeyIsNoLongerRequired()
    {
        var (code, output) = await Run(new() { ["Auth__Authority"] = "http://idp.example.test/", ["Auth__MaxTokenHours"] = "4" });

        Assert.Equal(1, code);
        Assert.Contains("Auth:Authority 'http://idp.example.test/' must be an absolute https URL", output);
        Assert.Contains("Auth:TokenHours must be from 1 to Auth:MaxTokenHours (4)", output);
        Assert.DoesNotContain("Auth:SigningKey", output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task TokenCommand_HoursBeyondMaxTokenHours_IsRefusedWithExitCode2()
    {
        var key = new Dictionary<string, string> { ["Auth__SigningKey"] = new string('k', 40) };

        var refused = await Run(key, "token", "--role", "clerk", "--hours", "13");
        var issued = await Run(key, "token", "--role", "clerk", "--hours", "12");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Auth:MaxTokenHours (12)", refused.Output);
        Assert.Equal(0, issued.ExitCode);
        Assert.Equal(3, issued.Output.Trim().Split('.').Length);
    }
}

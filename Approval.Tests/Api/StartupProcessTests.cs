using System.Diagnostics;

namespace Approval.Tests.Api;

/// <summary>
/// The real start-up path: Approval.Api.dll run as its own process in Production, as an operator would start it.
/// Every configuration problem is one plain line naming the setting, all of them at once, exit code 1, no stack trace.
/// </summary>
public sealed class StartupProcessTests
{
    private static async Task<(int ExitCode, string Output)> Run(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Approval.Api.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Database__DataFolder"] = Path.Combine(Path.GetTempPath(), "approval-startup-" + Guid.NewGuid().ToString("N"));
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("Approval.Api did not stop: it started although it should have refused to");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task Start_ManyBadSettings_ReportsEachOnItsOwnLineAndExits1()
    {
        var (code, output) = await Run(new()
        {
            ["Auth__SigningKey"] = "short",
            ["Tasks__TotalCap"] = "lots",
            ["Materials__MaxBytes"] = "0",
            ["Workflows__PollInterval"] = "soon",
        });

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("ApprovalService cannot start: 5 configuration problems", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Auth:SigningKey", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Security:LookupKey", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Tasks:TotalCap: 'lots' is not a valid whole number", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Materials:MaxBytes must be at least 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Workflows:PollInterval: 'soon'", StringComparison.Ordinal));
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

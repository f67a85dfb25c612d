using System.Diagnostics;

namespace Approval.Tests.Support;

/// <summary>Approval.Api.dll run as its own process in Production, as an operator starts it or runs one of its commands.</summary>
public static class ApiProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;

        /// <summary>The non-empty lines of both streams, trimmed.</summary>
        public string[] Lines => Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<Outcome> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
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
            throw new InvalidOperationException("Approval.Api did not stop: it started although it should have refused to, or its command hung");
        }
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }

    public static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }
}

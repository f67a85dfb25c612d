using Approval.Rules.Yaml;

namespace Approval.Api.Infrastructure;

public static class StartupFailure
{
    /// <summary>Writes why the service cannot start (file, line, problem) and gives the process exit code.</summary>
    public static int Report(DefinitionException? error)
    {
        Console.Error.WriteLine($"ApprovalService cannot start: a bundle file is invalid.\n  {error?.Message}");
        if (Environment.GetEnvironmentVariable("APPROVAL_THROW_ON_STARTUP_FAILURE") == "1" && error is not null) throw error;
        return 1;
    }
}

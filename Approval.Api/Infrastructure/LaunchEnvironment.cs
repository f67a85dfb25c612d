namespace Approval.Api.Infrastructure;

/// <summary>
/// <c>dotnet run</c>'s launch profile asks for Development through <c>APPROVAL_LAUNCH_ENVIRONMENT</c>, a default that
/// <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c> and <c>--environment</c> override (a profile's own
/// <c>ASPNETCORE_ENVIRONMENT</c> would silently override the caller's). Without any of them the host is Production.
/// </summary>
public static class LaunchEnvironment
{
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null
                          && Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is null
                          && !args.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase))
            ? Environment.GetEnvironmentVariable("APPROVAL_LAUNCH_ENVIRONMENT")
            : null,
    };
}

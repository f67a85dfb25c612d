namespace Approval.Api.Infrastructure;

/// <summary>
/// <c>dotnet run</c>'s launch profile asks for Development through <c>APPROVAL_LAUNCH_ENVIRONMENT</c>, a default that
/// <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c> and <c>--environment</c> override (a profile's own
/// <c>ASPNETCORE_ENVIRONMENT</c> would silently override the caller's). Without any of them the host is Production.
/// A published app started from another folder keeps its own folder as the content root, so that it still finds its
/// screens (<c>wwwroot/</c>) and its default data folder; <c>--contentRoot</c> (or <c>ASPNETCORE_CONTENTROOT</c>) overrides that.
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
        ContentRootPath = PublishedContentRoot(args),
    };

    private static string? PublishedContentRoot(string[] args)
    {
        static bool HasScreens(string folder) => Directory.Exists(Path.Combine(folder, "wwwroot"));
        var chosen = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
                     || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
                     || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null;
        return !chosen && !HasScreens(Environment.CurrentDirectory) && HasScreens(AppContext.BaseDirectory) ? AppContext.BaseDirectory : null;
    }
}

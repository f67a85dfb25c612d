namespace Approval.Tests.Support;

public static class RepoPaths
{
    /// <summary>The repository root: the folder holding ApprovalService.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Bundles => Path.Combine(Root, "Approval.Api", "bundles");
    public static string Bundle(string code) => Path.Combine(Bundles, code);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ApprovalService.sln"))) return dir.FullName;
        throw new InvalidOperationException("ApprovalService.sln not found above " + AppContext.BaseDirectory);
    }
}

using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Rules.Bundles;
using Approval.Rules.Yaml;

namespace Approval.Api.Bundles;

public static class BundleSetup
{
    /// <summary>Loads and validates every bundle folder now: a broken file is a start-up problem with file, line and problem.</summary>
    public static IHostApplicationBuilder AddBundles(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var options = problems.Bind<BundleOptions>(builder.Configuration, "Bundles");
        if (options.RefreshInterval <= TimeSpan.Zero) problems.Add($"Bundles:RefreshInterval must be a positive duration (it is {options.RefreshInterval}).");
        var folder = Path.GetFullPath(options.Folder, AppContext.BaseDirectory);
        // Read and compiled on the thread pool while the host is assembled and the database probed (a second core's work at start-up).
        var catalog = Task.Run(() => new BundleCatalog(BundleLoader.LoadAll(folder), folder));
        problems.AddCheck(() =>
        {
            try
            {
                catalog.GetAwaiter().GetResult();
                return null;
            }
            catch (DefinitionException e)
            {
                return $"a bundle file is invalid: {e.Message}";
            }
        });
        builder.Services.AddSingleton(_ => catalog.GetAwaiter().GetResult());
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<BundleSync>();
        builder.Services.AddHostedService<BundleSyncService>();
        return builder;
    }

    /// <summary>Before the endpoints: a request that finds the interval passed follows a version published on another node first.</summary>
    public static WebApplication UseBundleSync(this WebApplication app)
    {
        var sync = app.Services.GetRequiredService<BundleSync>();
        app.Use(async (context, next) =>
        {
            if (sync.Due) await sync.RefreshIfDueAsync(context.RequestServices.GetRequiredService<ApprovalDb>(), context.RequestAborted);
            await next(context);
        });
        return app;
    }
}

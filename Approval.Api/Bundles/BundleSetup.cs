using Approval.Rules.Bundles;
using Approval.Rules.Yaml;

namespace Approval.Api.Bundles;

public static class BundleSetup
{
    /// <summary>Loads and validates every bundle folder now: a broken file stops start-up with file, line and problem.</summary>
    public static bool TryAddBundles(this IHostApplicationBuilder builder, out DefinitionException? error)
    {
        var options = builder.Configuration.GetSection("Bundles").Get<BundleOptions>() ?? new BundleOptions();
        var folder = Path.GetFullPath(options.Folder, AppContext.BaseDirectory);
        BundleCatalog catalog;
        try
        {
            catalog = new BundleCatalog(BundleLoader.LoadAll(folder), folder);
        }
        catch (DefinitionException e)
        {
            error = e;
            return false;
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(catalog);
        error = null;
        return true;
    }
}

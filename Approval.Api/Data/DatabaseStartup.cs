using Approval.Api.Bundles;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Data;

public static class DatabaseStartup
{
    /// <summary>Applies pending migrations (unless <c>Database:MigrateOnStartup</c> is false), records the bundle versions and puts the latest in force.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ApprovalDb>();
        var options = services.GetRequiredService<DatabaseOptions>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Approval.Database");
        if (options.Provider == DatabaseProvider.Sqlite)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;"); // readers no longer block the writer (one file, many requests)
        // The migrations need only the connection: the EF model is built beside them, on the thread pool.
        var model = Task.Run(() =>
        {
            using var warmUp = app.Services.CreateScope();
            return warmUp.ServiceProvider.GetRequiredService<ApprovalDb>().Model;
        });
        if (options.MigrateOnStartup)
        {
            var applied = await SchemaMigrator.MigrateAsync(db, options.Provider);
            if (applied.Count > 0) log.LogInformation("Applied migrations {Migrations} ({Provider})", applied, options.Provider);
        }
        await model;
        await services.GetRequiredService<BundleCatalog>().RegisterVersionsAsync(db, services.GetRequiredService<TimeProvider>());
        await services.GetRequiredService<BundleSync>().RefreshAsync(db);
    }
}

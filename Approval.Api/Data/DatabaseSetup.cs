using System.Data.Common;
using System.Net.Sockets;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Approval.Api.Data;

public enum DatabaseProvider { Sqlite, PostgreSql, SqlServer }

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default, a file in <see cref="DataFolder"/>), <c>PostgreSql</c> or <c>SqlServer</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Where the SQLite file (and stored materials) live; relative paths are under the content root.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>Apply the versioned SQL migrations from <c>db/</c> at start-up.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public static class DatabaseSetup
{
    public const string ConnectionName = "Approval";

    /// <summary>
    /// Registers <see cref="ApprovalDb"/> for the provider chosen in configuration (the one place that knows providers),
    /// after checking that the provider is known, the connection string is there and the database answers.
    /// </summary>
    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var provider = builder.Configuration["Database:Provider"];
        if (!string.IsNullOrEmpty(provider) && !Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out _))
        {
            problems.Add($"Database:Provider '{provider}' is not one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
            return builder;
        }
        var options = problems.Bind<DatabaseOptions>(builder.Configuration, "Database");
        var connection = builder.Configuration.GetConnectionString(ConnectionName);
        if (options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connection))
        {
            var folder = Path.GetFullPath(options.DataFolder, builder.Environment.ContentRootPath);
            Directory.CreateDirectory(folder);
            connection = $"Data Source={Path.Combine(folder, "approval.db")}";
        }
        if (string.IsNullOrWhiteSpace(connection))
            problems.Add($"Database:Provider is {options.Provider} but ConnectionStrings:{ConnectionName} is not set (environment variable ConnectionStrings__{ConnectionName}).");
        else
        {
            problems.AddCheck(() => Probe(options.Provider, connection));
            builder.Services.AddSingleton(options);
            // Pooled: a request leases a reset context instead of building one (and its internal services) each time.
            // The options are a singleton, so the timer dispatcher can open DbContexts outside any request scope.
            builder.Services.AddDbContextPool<ApprovalDb>((services, db) =>
                Configure(db, options.Provider, connection).UseFieldProtector(services.GetRequiredService<FieldProtector>()));
            builder.Services.AddHealthChecks().AddDbContextCheck<ApprovalDb>("database", tags: ["ready"]);
        }
        return builder;
    }

    /// <summary>Opens and closes one connection (the provider's own, without EF Core): why the database cannot be used, or null.</summary>
    private static string? Probe(DatabaseProvider provider, string connection)
    {
        try
        {
            using DbConnection probe = provider switch
            {
                DatabaseProvider.Sqlite => new Microsoft.Data.Sqlite.SqliteConnection(connection),
                DatabaseProvider.PostgreSql => new Npgsql.NpgsqlConnection(connection),
                DatabaseProvider.SqlServer => new Microsoft.Data.SqlClient.SqlConnection(connection),
                _ => throw new ArgumentOutOfRangeException(nameof(provider)),
            };
            probe.Open();
            return null;
        }
        catch (Exception e) when (e is DbException or ArgumentException or InvalidOperationException or TimeoutException or SocketException)
        {
            return $"ConnectionStrings:{ConnectionName}: cannot connect to the {provider} database ({OneLine(e.Message)}).";
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder db, DatabaseProvider provider, string connection)
    {
        _ = provider switch
        {
            DatabaseProvider.Sqlite => db.UseSqlite(connection),
            DatabaseProvider.PostgreSql => db.UseNpgsql(connection),
            DatabaseProvider.SqlServer => db.UseSqlServer(connection),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
        return db.ReplaceService<IModelCacheKeyFactory, ProtectedModelCacheKeyFactory>()
            .ReplaceService<IStructuralTypeMaterializerSource, RevealingMaterializerSource>()
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>The CREATE script EF would emit for the current model: the starting point for a new migration in <c>db/</c>.</summary>
    public static string CreateScript(DatabaseProvider provider)
    {
        var options = Configure(new DbContextOptionsBuilder<ApprovalDb>(), provider,
            provider switch
            {
                DatabaseProvider.Sqlite => "Data Source=:memory:",
                DatabaseProvider.SqlServer => "Server=localhost;Database=approval",
                _ => "Host=localhost",
            }).Options;
        using var db = new ApprovalDb((DbContextOptions<ApprovalDb>)options);
        return db.Database.GenerateCreateScript();
    }
}

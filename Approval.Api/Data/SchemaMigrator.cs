using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Data;

/// <summary>
/// Applies the versioned SQL migrations in <c>db/&lt;provider&gt;/NNNN_name.sql</c> (embedded in this assembly)
/// that the database has not seen, in order, each in its own transaction, and records them in
/// <c>schema_migrations</c>. The same files are what DBAs run by hand. Several nodes starting at once are
/// serialised by an advisory lock on PostgreSQL, an application lock (<c>sp_getapplock</c>) on SQL Server and by
/// SQLite's write lock. SQL Server files are split into batches at lines that say <c>GO</c>, as sqlcmd does.
/// </summary>
public static class SchemaMigrator
{
    public sealed record Migration(string Id, string Sql);

    public static IReadOnlyList<Migration> For(DatabaseProvider provider)
    {
        var prefix = $"db/{Folder(provider)}/";
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => new Migration(Path.GetFileNameWithoutExtension(n[prefix.Length..]), Read(assembly, n)))
            .ToList();
    }

    public static string Folder(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "sqlite",
        DatabaseProvider.PostgreSql => "postgresql",
        DatabaseProvider.SqlServer => "sqlserver",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    /// <returns>The ids of the migrations applied now.</returns>
    public static async Task<IReadOnlyList<string>> MigrateAsync(ApprovalDb db, DatabaseProvider provider, CancellationToken ct = default)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (Lock(provider) is { } lockSql) await Execute(connection, null, lockSql, ct);
            await Execute(connection, null, provider == DatabaseProvider.SqlServer
                ? "IF OBJECT_ID(N'schema_migrations', N'U') IS NULL CREATE TABLE schema_migrations (id NVARCHAR(150) NOT NULL PRIMARY KEY, applied_at NVARCHAR(40) NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (id VARCHAR(150) NOT NULL PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)", ct);

            var applied = new HashSet<string>();
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT id FROM schema_migrations";
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
            }

            var now = new List<string>();
            foreach (var migration in For(provider).Where(m => !applied.Contains(m.Id)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                foreach (var batch in Batches(provider, migration.Sql))
                    await Execute(connection, tx, batch, ct);
                await using var record = connection.CreateCommand();
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @at)";
                AddParameter(record, "@id", migration.Id);
                AddParameter(record, "@at", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                now.Add(migration.Id);
            }
            return now;
        }
        finally
        {
            if (Unlock(provider) is { } unlock && connection.State == ConnectionState.Open)
                await Execute(connection, null, unlock, CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private const string SqlServerLock = "approval_schema_migrations";

    private static string? Lock(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.PostgreSql => "SELECT pg_advisory_lock(724311)",
        DatabaseProvider.SqlServer => $"""
            DECLARE @result int;
            EXEC @result = sp_getapplock @Resource = N'{SqlServerLock}', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = -1;
            IF @result < 0 THROW 50002, 'could not take the schema migration lock', 1;
            """,
        _ => null,
    };

    private static string? Unlock(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.PostgreSql => "SELECT pg_advisory_unlock(724311)",
        DatabaseProvider.SqlServer => $"EXEC sp_releaseapplock @Resource = N'{SqlServerLock}', @LockOwner = N'Session'",
        _ => null,
    };

    /// <summary>The statements to send one by one: a SQL Server file is cut at its <c>GO</c> lines, other files go whole.</summary>
    public static IReadOnlyList<string> Batches(DatabaseProvider provider, string sql) =>
        provider != DatabaseProvider.SqlServer
            ? [sql]
            : Regex.Split(sql, @"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)
                .Where(b => b.Split('\n').Any(line => line.Trim() is { Length: > 0 } t && !t.StartsWith("--", StringComparison.Ordinal)))
                .ToList();

    private static async Task Execute(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

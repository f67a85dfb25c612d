using System.Data.Common;
using Approval.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Persistence;

/// <summary>Reads a database's actual schema (tables, columns, types, nullability, indexes) as comparable lines.</summary>
public static class SchemaDescriber
{
    public static async Task<IReadOnlyList<string>> DescribeAsync(ApprovalDb db, DatabaseProvider provider)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            var conn = db.Database.GetDbConnection();
            return provider switch
            {
                DatabaseProvider.Sqlite => await Sqlite(conn),
                DatabaseProvider.SqlServer => await SqlServer(conn),
                _ => await Postgres(conn),
            };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<IReadOnlyList<string>> Sqlite(DbConnection conn)
    {
        var lines = new List<string>();
        var tables = await Query(conn, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name");
        foreach (var table in tables.Select(t => t[0]))
        {
            foreach (var c in await Query(conn, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{table}')"))
                lines.Add($"column {table}.{c[0]} {c[1]} notnull={c[2]} pk={c[3]} default={c[4]}");
            foreach (var i in await Query(conn, $"SELECT name, \"unique\" FROM pragma_index_list('{table}') WHERE origin <> 'pk'"))
            {
                var cols = await Query(conn, $"SELECT name FROM pragma_index_info('{i[0]}') ORDER BY seqno");
                lines.Add($"index {table}.{i[0]} unique={i[1]} ({string.Join(",", cols.Select(x => x[0]))})");
            }
            foreach (var f in await Query(conn, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"))
                lines.Add($"fk {table}.{f[1]} -> {f[0]}.{f[2]} on delete {f[3]}");
        }
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<IReadOnlyList<string>> Postgres(DbConnection conn)
    {
        var lines = new List<string>();
        foreach (var c in await Query(conn, """
            SELECT table_name, column_name, data_type, is_nullable, coalesce(character_maximum_length::text, ''),
                   coalesce(numeric_precision::text, ''), coalesce(column_default, ''), is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
            """))
            lines.Add($"column {c[0]}.{c[1]} {c[2]}({c[4]},{c[5]}) nullable={c[3]} default={c[6]} identity={c[7]}");
        foreach (var i in await Query(conn, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migrations'"))
            lines.Add($"index {i[0]}.{i[1]} {i[2]}");
        foreach (var f in await Query(conn, """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'schema_migrations'
            """))
            lines.Add($"constraint {f[0]}.{f[1]} {f[2]}");
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<IReadOnlyList<string>> SqlServer(DbConnection conn)
    {
        var lines = new List<string>();
        foreach (var c in await Query(conn, """
            SELECT t.name, c.name, ty.name, c.max_length, c.precision, c.scale, c.is_nullable, c.is_identity, ISNULL(d.definition, '')
            FROM sys.tables t JOIN sys.columns c ON c.object_id = t.object_id JOIN sys.types ty ON ty.user_type_id = c.user_type_id
            LEFT JOIN sys.default_constraints d ON d.object_id = c.default_object_id
            WHERE t.name <> 'schema_migrations'
            """))
            lines.Add($"column {c[0]}.{c[1]} {c[2]}({c[3]},{c[4]},{c[5]}) nullable={c[6]} identity={c[7]} default={c[8]}");
        foreach (var i in await Query(conn, """
            SELECT t.name, i.name, i.is_unique, i.is_primary_key, ISNULL(i.filter_definition, ''),
                   STRING_AGG(c.name + CASE WHEN ic.is_included_column = 1 THEN '(included)' ELSE '' END, ',')
                       WITHIN GROUP (ORDER BY ic.is_included_column, ic.key_ordinal, c.name)
            FROM sys.indexes i JOIN sys.tables t ON t.object_id = i.object_id
            JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
            WHERE i.type > 0 AND t.name <> 'schema_migrations'
            GROUP BY t.name, i.name, i.is_unique, i.is_primary_key, i.filter_definition
            """))
            lines.Add($"index {i[0]}.{i[1]} unique={i[2]} pk={i[3]} filter={i[4]} ({i[5]})");
        foreach (var f in await Query(conn, """
            SELECT OBJECT_NAME(fk.parent_object_id), fk.name, OBJECT_NAME(fk.referenced_object_id), fk.delete_referential_action_desc,
                   STRING_AGG(pc.name, ',') WITHIN GROUP (ORDER BY fkc.constraint_column_id),
                   STRING_AGG(rc.name, ',') WITHIN GROUP (ORDER BY fkc.constraint_column_id)
            FROM sys.foreign_keys fk JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
            JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
            JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
            GROUP BY fk.parent_object_id, fk.name, fk.referenced_object_id, fk.delete_referential_action_desc
            """))
            lines.Add($"fk {f[0]}.{f[1]} ({f[4]}) -> {f[2]} ({f[5]}) on delete {f[3]}");
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string[]>> Query(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i))!).ToArray());
        return rows;
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Approval.Api.Data;

/// <summary>
/// PostgreSQL: the rows a save adds, written as one multi-row <c>INSERT</c> per table, all tables in one batch (one round
/// trip), instead of EF Core's one modification command and one set of parameters per row. A bundle-A submission adds
/// ≈ 30 rows to 7 tables. Only entity types whose every column value is known before the insert take this path (mapped to
/// a table of their own, no store-generated, default or computed column, and so are their principals), and only for a
/// save that adds such rows and changes nothing else. Tables are written principals first.
/// </summary>
internal static class NpgsqlBulkInsert
{
    /// <summary>PostgreSQL allows 65,535 parameters per statement; a table's rows are split into statements below this.</summary>
    private const int MaxParameters = 30_000;

    /// <summary>Below this many rows EF Core's own batch is as cheap.</summary>
    private const int MinimumRows = 8;

    private static readonly ConditionalWeakTable<IModel, Dictionary<IEntityType, Table>> Plans = new();

    private sealed record Table(string Insert, IProperty[] Properties, RelationalTypeMapping[] Mappings, bool[] Nullable, int Rank);

    /// <summary>
    /// The rows to write this way, or null: only when every pending change is an added row this path can write and there
    /// are at least <see cref="MinimumRows"/> of them — a save that also updates rows stays one EF Core batch (one round trip).
    /// </summary>
    public static List<EntityEntry>? Candidates(DbContext db)
    {
        var plan = Plans.GetValue(db.Model, Build);
        var rows = new List<EntityEntry>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State != EntityState.Added || !plan.ContainsKey(entry.Metadata) || HasTemporaryKey(entry)) return null;
            rows.Add(entry);
        }
        return rows.Count >= MinimumRows ? rows : null;
    }

    private static bool HasTemporaryKey(EntityEntry entry)
    {
        foreach (var key in entry.Metadata.FindPrimaryKey()!.Properties)
            if (entry.Property(key.Name).IsTemporary) return true;
        return false;
    }

    /// <summary>Inserts <paramref name="rows"/> inside the context's current transaction; failures surface as <see cref="DbUpdateException"/>.</summary>
    public static async Task<int> InsertAsync(DbContext db, IReadOnlyList<EntityEntry> rows, CancellationToken ct)
    {
        var plan = Plans.GetValue(db.Model, Build);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        using var factory = new NpgsqlCommand(); // only creates the parameters (EF Core's type mappings need a command)
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        if (db.Database.GetCommandTimeout() is { } timeout) batch.Timeout = timeout;
        foreach (var group in rows.GroupBy(r => r.Metadata).OrderBy(g => plan[g.Key].Rank))
        {
            var table = plan[group.Key];
            var perStatement = Math.Max(1, MaxParameters / table.Properties.Length);
            foreach (var chunk in group.Chunk(perStatement))
            {
                var command = new NpgsqlBatchCommand();
                var sql = new StringBuilder(table.Insert, table.Insert.Length + chunk.Length * table.Properties.Length * 5);
                var n = 0;
                foreach (var row in chunk)
                {
                    var values = row.CurrentValues;
                    sql.Append(n == 0 ? "(" : ",(");
                    for (var c = 0; c < table.Properties.Length; c++)
                    {
                        if (c > 0) sql.Append(',');
                        sql.Append('$').Append(++n);
                        command.Parameters.Add((NpgsqlParameter)table.Mappings[c].CreateParameter(factory, "", values[table.Properties[c]], table.Nullable[c]));
                    }
                    sql.Append(')');
                }
                command.CommandText = sql.ToString();
                batch.BatchCommands.Add(command);
            }
        }
        try
        {
            var written = await batch.ExecuteNonQueryAsync(ct);
            if (written != rows.Count)
                throw new DbUpdateException($"The bulk insert wrote {written} rows instead of {rows.Count}.", (Exception?)null, rows);
            return written;
        }
        catch (NpgsqlException e)
        {
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", e, rows);
        }
    }

    private static Dictionary<IEntityType, Table> Build(IModel model)
    {
        var tables = new Dictionary<IEntityType, Table>();
        var eligible = model.GetEntityTypes().Where(Eligible).ToHashSet();
        // a type is written by this path only if its principals are too (so that they are inserted before it, not by EF after it)
        bool changed;
        do
        {
            changed = eligible.RemoveWhere(t => t.GetForeignKeys().Any(fk => fk.PrincipalEntityType != t && !eligible.Contains(fk.PrincipalEntityType))) > 0;
        } while (changed);
        foreach (var type in eligible)
        {
            var mapping = type.GetTableMappings().Single();
            var columns = mapping.ColumnMappings.ToArray();
            var insert = $"INSERT INTO {Quote(mapping.Table.Name, mapping.Table.Schema)} ({string.Join(", ", columns.Select(c => Quote(c.Column.Name)))}) VALUES ";
            tables[type] = new Table(insert, columns.Select(c => c.Property).ToArray(), columns.Select(c => c.TypeMapping).ToArray(),
                columns.Select(c => c.Column.IsNullable).ToArray(), Rank(type, []));
        }
        return tables;
    }

    private static bool Eligible(IEntityType type)
    {
        if (type.IsOwned() || type.BaseType is not null || type.GetDirectlyDerivedTypes().Any() || type.GetComplexProperties().Any()) return false;
        var mappings = type.GetTableMappings().ToList();
        if (mappings.Count != 1 || mappings[0].Table.EntityTypeMappings.Count() != 1) return false;
        foreach (var column in mappings[0].ColumnMappings)
        {
            var property = column.Property;
            var clientKey = property.IsPrimaryKey() && property.ClrType == typeof(Guid) && property.ValueGenerated == ValueGenerated.OnAdd;
            if (property.ValueGenerated != ValueGenerated.Never && !clientKey) return false;
            if (column.Column.DefaultValueSql is not null || column.Column.ComputedColumnSql is not null || column.Column.DefaultValue is not null) return false;
        }
        return mappings[0].ColumnMappings.Count() == type.GetProperties().Count();
    }

    /// <summary>0 for a table without principals, else one more than its highest principal's.</summary>
    private static int Rank(IEntityType type, HashSet<IEntityType> path)
    {
        if (!path.Add(type)) return 0;
        var rank = 0;
        foreach (var fk in type.GetForeignKeys())
            if (fk.PrincipalEntityType != type) rank = Math.Max(rank, 1 + Rank(fk.PrincipalEntityType, path));
        path.Remove(type);
        return rank;
    }

    private static string Quote(string name, string? schema = null) =>
        schema is null ? $"\"{name.Replace("\"", "\"\"")}\"" : $"{Quote(schema)}.{Quote(name)}";
}

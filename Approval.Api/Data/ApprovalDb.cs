using System.Text;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Data;

/// <summary>
/// The service's database. Table and column names are snake_case and column types are portable
/// (SQLite, PostgreSQL, later SQL Server): JSON is stored as text, times as UTC instants.
/// </summary>
public sealed class ApprovalDb(DbContextOptions<ApprovalDb> options) : DbContext(options)
{
    public DbSet<BundleVersion> BundleVersions => Set<BundleVersion>();
    public DbSet<SharedRecord> SharedRecords => Set<SharedRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<BundleVersion>(e =>
        {
            e.HasKey(b => b.Id);
            e.Property(b => b.BundleCode).HasMaxLength(64);
            e.Property(b => b.DeclaredVersion).HasMaxLength(32);
            e.Property(b => b.ContentHash).HasMaxLength(64);
            e.Property(b => b.Version).HasMaxLength(64);
            e.HasIndex(b => new { b.BundleCode, b.ContentHash }).IsUnique();
        });

        model.Entity<SharedRecord>(e =>
        {
            e.Property(r => r.Source).HasMaxLength(40);
            e.Property(r => r.SubjectHash).HasMaxLength(64);
            e.Property(r => r.Batch).HasMaxLength(40);
            e.HasIndex(r => new { r.Source, r.SubjectHash });
        });

        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.Property(a => a.Actor).HasMaxLength(64);
            e.Property(a => a.Role).HasMaxLength(20);
            e.Property(a => a.Action).HasMaxLength(60);
            e.Property(a => a.Resource).HasMaxLength(200);
            e.Property(a => a.SubjectHash).HasMaxLength(64);
            e.HasIndex(a => a.At);
            e.HasIndex(a => a.SubjectHash);
        });

        ApplySnakeCase(model);
    }

    private static void ApplySnakeCase(ModelBuilder model)
    {
        foreach (var entity in model.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table) entity.SetTableName(SnakeCase(table));
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.GetColumnName()));
            foreach (var key in entity.GetKeys())
                key.SetName(SnakeCase(key.GetName()!));
            foreach (var fk in entity.GetForeignKeys())
                fk.SetConstraintName(SnakeCase(fk.GetConstraintName()!));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(SnakeCase(index.GetDatabaseName()!));
        }
    }

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>
/// One loaded version of a bundle: its declared version and content hash, and the files it was loaded from,
/// so an application pinned to it can be re-evaluated with exactly the rules it used.
/// </summary>
public sealed class BundleVersion
{
    public long Id { get; set; }
    public required string BundleCode { get; set; }
    public required string DeclaredVersion { get; set; }
    public required string ContentHash { get; set; }
    public required string Version { get; set; }
    /// <summary>The bundle folder's files as a JSON object (file name → text).</summary>
    public required string FilesJson { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
}

using System.Text;
using Approval.Api.Applications;
using Approval.Api.Calendar;
using Approval.Api.Matching;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Data;

/// <summary>
/// The service's database. Table and column names are snake_case and column types are portable
/// (SQLite, PostgreSQL, later SQL Server): JSON is stored as text, times as UTC instants. With a
/// <see cref="FieldProtector"/> that has a key, the personal-data columns are encrypted at rest. One constructor, as
/// DbContext pooling needs: the protector comes with the options (<see cref="ProtectorOptions.UseFieldProtector"/>).
/// </summary>
public sealed class ApprovalDb(DbContextOptions<ApprovalDb> options) : DbContext(options)
{
    /// <summary>Shadow column of <c>workflow_items</c>: the keyed hash of the (encrypted) number, for uniqueness checks.</summary>
    public const string NumberHash = "NumberHash";

    internal FieldProtector Protector { get; } = options.FindExtension<ProtectorOptionsExtension>()?.Protector ?? FieldProtector.None;

    private DatabaseProvider? provider;

    /// <summary>The provider, looked up once per context (EF Core's <c>IsNpgsql()</c> reads the provider assembly's name on every call).</summary>
    internal DatabaseProvider Provider => provider ??=
        Database.IsNpgsql() ? DatabaseProvider.PostgreSql : Database.IsSqlServer() ? DatabaseProvider.SqlServer : DatabaseProvider.Sqlite;

    public DbSet<AuditAnchor> AuditAnchors => Set<AuditAnchor>();

    public DbSet<BundleVersion> BundleVersions => Set<BundleVersion>();
    public DbSet<SharedRecord> SharedRecords => Set<SharedRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Application> Applications => Set<Application>();
    public DbSet<ReceiptCounter> ReceiptCounters => Set<ReceiptCounter>();
    public DbSet<ApplicationMaterial> Materials => Set<ApplicationMaterial>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<ComplaintTask> ComplaintTasks => Set<ComplaintTask>();
    public DbSet<CalendarYearRow> CalendarYears => Set<CalendarYearRow>();
    public DbSet<CalendarEntry> CalendarEntries => Set<CalendarEntry>();
    public DbSet<WorkflowInstance> WorkflowInstances => Set<WorkflowInstance>();
    public DbSet<WorkflowItem> WorkflowItems => Set<WorkflowItem>();
    public DbSet<HumanTask> WorkflowTasks => Set<HumanTask>();
    public DbSet<WorkflowHistoryEntry> WorkflowHistory => Set<WorkflowHistoryEntry>();
    public DbSet<MatchingRun> MatchingRuns => Set<MatchingRun>();
    public DbSet<MatchingMatch> MatchingMatches => Set<MatchingMatch>();
    public DbSet<MatchingInvitation> MatchingInvitations => Set<MatchingInvitation>();

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
            e.Property(a => a.PrevHash).HasMaxLength(64);
            e.Property(a => a.RowHash).HasMaxLength(64);
            // ids are the chain's positions, assigned under the append lock (SQL Server: an identity column written with IDENTITY_INSERT)
            if (!Database.IsSqlServer()) e.Property(a => a.Id).ValueGeneratedNever();
            e.HasIndex(a => a.At);
            e.HasIndex(a => a.SubjectHash);
        });

        model.Entity<AuditAnchor>(e =>
        {
            e.ToTable("audit_anchors");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.ThroughHash).HasMaxLength(64);
            e.Property(a => a.Mac).HasMaxLength(64);
        });

        model.Entity<ReceiptCounter>(e => e.HasKey(c => c.Day));

        model.Entity<Application>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.ReceiptNumber).HasMaxLength(32);
            e.Property(a => a.BundleCode).HasMaxLength(64);
            e.Property(a => a.BundleVersion).HasMaxLength(64);
            e.Property(a => a.Channel).HasMaxLength(16);
            e.Property(a => a.ApplicantHash).HasMaxLength(64);
            e.Property(a => a.CompanyHash).HasMaxLength(64);
            e.Property(a => a.SubmittedBy).HasMaxLength(128);
            e.Property(a => a.IdempotencyKey).HasMaxLength(128);
            e.Property(a => a.RequestHash).HasMaxLength(64);
            e.Property(a => a.Status).HasMaxLength(32);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => a.ReceiptNumber).IsUnique();
            e.HasIndex(a => new { a.IdempotencyKey, a.SubmittedBy }).IsUnique();
            e.HasIndex(a => a.ApplicantHash);
            e.HasIndex(a => a.CompanyHash);
            e.HasIndex(a => a.SubmittedOn);
        });

        model.Entity<ApplicationMaterial>(e =>
        {
            e.ToTable("application_materials");
            e.HasKey(m => m.Id);
            e.Property(m => m.MaterialCode).HasMaxLength(64);
            e.Property(m => m.ContentType).HasMaxLength(100);
            e.Property(m => m.Sha256).HasMaxLength(64);
            e.Property(m => m.Storage).HasMaxLength(16);
            e.Property(m => m.Location).HasMaxLength(400);
            e.Property(m => m.UploadedBy).HasMaxLength(128);
            e.HasOne<Application>().WithMany().HasForeignKey(m => m.ApplicationId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => new { m.ApplicationId, m.MaterialCode });
        });

        model.Entity<Notification>(e =>
        {
            e.Property(n => n.Kind).HasMaxLength(32);
            e.Property(n => n.Recipient).HasMaxLength(80);
            e.Property(n => n.ItemCode).HasMaxLength(32);
            e.HasOne<Application>().WithMany().HasForeignKey(n => n.ApplicationId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(n => n.ApplicationId);
            e.HasIndex(n => new { n.Recipient, n.CreatedAt });
        });

        model.Entity<ComplaintTask>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Department).HasMaxLength(64);
            e.Property(c => c.Status).HasMaxLength(16);
            e.Property(c => c.ResolvedBy).HasMaxLength(128);
            e.HasOne<Application>().WithMany().HasForeignKey(c => c.ApplicationId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => new { c.Department, c.Status });
            e.HasIndex(c => c.ApplicationId);
        });

        model.Entity<CalendarYearRow>(e =>
        {
            e.ToTable("calendar_years");
            e.HasKey(y => y.Year);
            e.Property(y => y.Year).ValueGeneratedNever();
            e.Property(y => y.Source).HasMaxLength(400);
            e.Property(y => y.UpdatedBy).HasMaxLength(128);
        });

        model.Entity<CalendarEntry>(e =>
        {
            e.ToTable("calendar_entries");
            e.Property(c => c.Kind).HasMaxLength(20);
            e.Property(c => c.Name).HasMaxLength(100);
            e.HasOne<CalendarYearRow>().WithMany().HasForeignKey(c => c.Year).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => c.Year);
        });

        MatchingModel.Configure(model);

        // The runtime's tables and columns are snake_case already; ApplySnakeCase only normalises their key/index names.
        model.ApplyWorkflowModel();
        // encrypted values are longer than the clear ones: the limits are checked on input, the columns are unbounded
        model.Entity<WorkflowItem>().Property(i => i.Number).Metadata.SetMaxLength(null);
        model.Entity<WorkflowItem>(e =>
        {
            e.Property<string>(NumberHash).HasMaxLength(64);
            e.HasIndex(NumberHash);
        });
        ApplySnakeCase(model);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    /// <summary>
    /// Saves with the personal-data columns encrypted (the entities keep their clear values) and new audit lines
    /// appended to the chain under the append lock, in one transaction with the change they record. On PostgreSQL a save
    /// of its own that only adds rows (a submission: ≈ 30) writes them as multi-row inserts (<see cref="NpgsqlBulkInsert"/>).
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // changes are detected once here; the entries read below and the save itself reuse that
        ChangeTracker.DetectChanges();
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var audit = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
            var own = Database.CurrentTransaction is null;
            // the added rows as multi-row inserts: only in a transaction of its own, which a failure rolls back whole
            var bulk = own && Provider == DatabaseProvider.PostgreSql ? NpgsqlBulkInsert.Candidates(this) : null;
            if (audit.Count == 0 && bulk is null) return await SaveSealedAsync(acceptAllChangesOnSuccess, null, cancellationToken);
            var tx = own ? await Database.BeginTransactionAsync(cancellationToken) : null;
            // in a transaction of its own a failed save rolls everything back: no savepoint needed (a round trip saved)
            var savepoints = Database.AutoSavepointsEnabled;
            if (own) Database.AutoSavepointsEnabled = false;
            try
            {
                if (audit.Count > 0) await AuditChain.AppendAsync(this, audit, cancellationToken);
                var saved = await SaveSealedAsync(acceptAllChangesOnSuccess, bulk, cancellationToken);
                if (Provider == DatabaseProvider.SqlServer) await Database.ExecuteSqlRawAsync("SET IDENTITY_INSERT [audit_entries] OFF", cancellationToken);
                if (tx is not null) await tx.CommitAsync(cancellationToken);
                return saved;
            }
            finally
            {
                Database.AutoSavepointsEnabled = savepoints;
                if (tx is not null) await tx.DisposeAsync();
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private async Task<int> SaveSealedAsync(bool accept, List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry>? bulk, CancellationToken ct)
    {
        var sealedValues = new List<(Microsoft.EntityFrameworkCore.ChangeTracking.PropertyEntry Property, object Plain)>();
        foreach (var entry in ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList())
        {
            if (entry.Entity is WorkflowItem item && (entry.State == EntityState.Added || entry.Property(nameof(WorkflowItem.Number)).IsModified))
                entry.Property(NumberHash).CurrentValue = Protector.Hash(item.Number);
            if (!Protector.Enabled) continue;
            foreach (var column in ProtectedColumns.For(entry.Entity.GetType()))
            {
                var property = entry.Property(column.Property);
                if (entry.State == EntityState.Modified && !property.IsModified) continue;
                object? sealedValue = property.CurrentValue switch
                {
                    string s when !FieldProtector.IsProtected(s) => Protector.Protect(s, column.Place(entry.Entity)),
                    byte[] b when !FieldProtector.IsProtected(b) => Protector.Protect(b, column.Place(entry.Entity)),
                    _ => null,
                };
                if (sealedValue is null) continue;
                sealedValues.Add((property, property.CurrentValue!));
                property.CurrentValue = sealedValue;
            }
        }
        var saved = false;
        try
        {
            int count;
            if (bulk is not null)
            {
                // every change of this save is one of these rows (NpgsqlBulkInsert.Candidates): nothing is left for EF Core
                count = await NpgsqlBulkInsert.InsertAsync(this, bulk, ct);
                // Added → Unchanged takes the current values as the original ones (what AcceptAllChanges does)
                if (accept)
                    foreach (var entry in bulk)
                        entry.State = EntityState.Unchanged;
            }
            else count = await base.SaveChangesAsync(accept, ct);
            saved = true;
            return count;
        }
        finally
        {
            foreach (var (property, plain) in sealedValues)
            {
                property.CurrentValue = plain;
                if (saved && accept)
                {
                    property.OriginalValue = plain;
                    property.IsModified = false;
                }
            }
        }
    }

    /// <summary>The first tracked entity that matches, found without detecting changes first (<c>DbSet.Local</c> runs
    /// DetectChanges over every tracked entity on each read).</summary>
    public T? TrackedOrDefault<T>(Func<T, bool> match) where T : class
    {
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return Set<T>().Local.FirstOrDefault(match);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>Decrypts a protected value read by a projection (entities are decrypted as they are read); <paramref name="row"/> as in <see cref="ProtectedColumns"/>.</summary>
    public string Reveal<T>(string stored, string property, string row) where T : class
    {
        var column = ProtectedColumns.For(typeof(T)).Single(c => c.Property == property);
        return Protector.Unprotect(stored, $"{column.Table}.{column.ColumnName}/{row}");
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

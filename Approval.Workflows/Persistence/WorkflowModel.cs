using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Approval.Workflows.Persistence;

/// <summary>
/// Adds the workflow tables to a host DbContext. Column types are portable: instants are stored as Unix
/// milliseconds (bigint) so that comparisons work the same on SQLite, PostgreSQL and SQL Server; JSON is text;
/// the concurrency token is a plain version column the runtime increments. Tables and columns are snake_case.
/// </summary>
public static class WorkflowModel
{
    private static readonly ValueConverter<DateTimeOffset, long> Instant =
        new(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    private static readonly ValueConverter<DateTimeOffset?, long?> OptionalInstant =
        new(v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : null, v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);

    public static ModelBuilder ApplyWorkflowModel(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WorkflowInstance>(e =>
        {
            e.ToTable("workflow_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.BundleCode).HasMaxLength(64);
            e.Property(x => x.DefinitionVersion).HasMaxLength(64);
            e.Property(x => x.Channel).HasMaxLength(16);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.CreatedAt).HasConversion(Instant);
            e.Property(x => x.ResultIssuedAt).HasConversion(OptionalInstant);
            e.Property(x => x.EndedAt).HasConversion(OptionalInstant);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasMany(x => x.Items).WithOne().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.Status);
        });
        modelBuilder.Entity<WorkflowItem>(e =>
        {
            e.ToTable("workflow_items");
            e.HasKey(x => new { x.InstanceId, x.Code });
            e.Property(x => x.Code).HasMaxLength(32);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.StepId).HasMaxLength(64);
            e.Property(x => x.ResumeStepId).HasMaxLength(64);
            e.Property(x => x.Outcome).HasMaxLength(32);
            e.Property(x => x.Number).HasMaxLength(64);
            e.Property(x => x.DecidedAt).HasConversion(OptionalInstant);
        });
        modelBuilder.Entity<HumanTask>(e =>
        {
            e.ToTable("workflow_tasks");
            e.HasKey(x => x.Id);
            e.Property(x => x.ItemCode).HasMaxLength(32);
            e.Property(x => x.StepId).HasMaxLength(64);
            e.Property(x => x.Department).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.WaitingFor).HasMaxLength(256);
            e.Property(x => x.AllowedActions).HasMaxLength(256);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.DecidedBy).HasMaxLength(128);
            e.Property(x => x.CreatedAt).HasConversion(Instant);
            e.Property(x => x.RemindedAt).HasConversion(OptionalInstant);
            e.Property(x => x.EscalatedAt).HasConversion(OptionalInstant);
            e.Property(x => x.DecidedAt).HasConversion(OptionalInstant);
            e.Ignore(x => x.Actions);
            e.Ignore(x => x.ActionsNow);
            // department inboxes: filtered by department and status, sorted by due date or creation (the index returns pages in order)
            e.HasIndex(x => new { x.Department, x.Status, x.DueDate, x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.Department, x.Status, x.CreatedAt, x.Id });
            e.HasIndex(x => x.InstanceId);
        });
        modelBuilder.Entity<WorkflowTimer>(e =>
        {
            e.ToTable("workflow_timers");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.ItemCode).HasMaxLength(32);
            e.Property(x => x.StepId).HasMaxLength(64);
            e.Property(x => x.LeaseOwner).HasMaxLength(128);
            e.Property(x => x.DueAt).HasConversion(Instant);
            e.Property(x => x.CreatedAt).HasConversion(Instant);
            e.Property(x => x.LeaseUntil).HasConversion(OptionalInstant);
            e.Property(x => x.FiredAt).HasConversion(OptionalInstant);
            e.HasIndex(x => new { x.FiredAt, x.DueAt });
            e.HasIndex(x => x.InstanceId);
        });
        modelBuilder.Entity<WorkflowHistoryEntry>(e =>
        {
            e.ToTable("workflow_history");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.InstanceId, x.Seq });
            e.Property(x => x.Event).HasMaxLength(64);
            e.Property(x => x.ItemCode).HasMaxLength(32);
            e.Property(x => x.Actor).HasMaxLength(128);
            e.Property(x => x.At).HasConversion(Instant);
        });
        foreach (var type in new[] { typeof(WorkflowInstance), typeof(WorkflowItem), typeof(HumanTask), typeof(WorkflowTimer), typeof(WorkflowHistoryEntry) })
        foreach (var property in modelBuilder.Entity(type).Metadata.GetProperties())
            property.SetColumnName(SnakeCase(property.Name));
        return modelBuilder;
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

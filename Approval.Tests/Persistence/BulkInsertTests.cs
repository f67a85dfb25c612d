using System.Diagnostics;
using System.Text.Json;
using Approval.Api.Applications;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Tests.Security;
using Approval.Tests.Support;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Approval.Tests.Persistence;

/// <summary>
/// PostgreSQL's multi-row insert path (<see cref="NpgsqlBulkInsert"/>, taken by a save of its own that only adds rows): it
/// writes what EF Core's own path writes, encrypts what EF Core's path encrypts, and a failed save stores nothing and
/// can be retried. EF Core's path is the same save inside a caller's transaction, which the bulk path never joins.
/// </summary>
public sealed class BulkInsertPostgresTests(ProtectedPostgresApi fixture) : IClassFixture<ProtectedPostgresApi>
{
    private static readonly string[] Items = ["A1", "A2", "A3", "A4", "A5"];

    private async Task<Guid> StartWorkflowAsync(bool insideCallersTransaction)
    {
        var engine = fixture.Api.Service<WorkflowEngine>();
        var catalog = fixture.Api.Service<BundleCatalog>();
        var bundle = catalog.Find("disability-assistance")!;
        await using var db = fixture.Api.NewDb();
        var definition = await engine.DefinitionAsync(db, catalog, bundle.Code, bundle.Version);
        var id = Guid.CreateVersion7();
        await using var tx = insideCallersTransaction ? await db.Database.BeginTransactionAsync() : null;
        await engine.Runtime.StartAsync(db, definition!, id, new StartRequest("window", SampleFacts.DisabilityApplicant(), Items));
        if (tx is not null) await tx.CommitAsync();
        return id;
    }

    /// <summary>Every row of one instance as JSON (decrypted by EF Core), without the columns that differ between two instances.</summary>
    private async Task<List<string>> RowsAsync(Guid instanceId)
    {
        await using var db = fixture.Api.NewDb();
        static string Row(object entity) => JsonSerializer.Serialize(entity.GetType().GetProperties()
            .Where(p => p.PropertyType != typeof(Guid) && p.PropertyType != typeof(Guid?) && p.Name is not ("Items" or "Actions" or "ActionsNow"))
            .ToDictionary(p => p.Name, p => p.GetValue(entity)));
        var rows = new List<string>();
        rows.AddRange((await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == instanceId).ToListAsync()).Select(Row));
        rows.AddRange((await db.WorkflowItems.AsNoTracking().Where(i => i.InstanceId == instanceId).ToListAsync()).Select(i => "item " + Row(i)));
        rows.AddRange((await db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == instanceId).ToListAsync()).Select(t => "task " + Row(t)));
        rows.AddRange((await db.Set<WorkflowTimer>().AsNoTracking().Where(t => t.InstanceId == instanceId).ToListAsync()).Select(t => "timer " + Row(t)));
        rows.AddRange((await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == instanceId).ToListAsync()).Select(h => "history " + Row(h)));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>
    /// The SQL Npgsql sent to this class's database while <paramref name="action"/> ran (its OpenTelemetry activities;
    /// the listener hears every test running in parallel, so activities on other databases are left out).
    /// </summary>
    private async Task<List<string>> SqlSentAsync(Func<Task> action)
    {
        var database = new NpgsqlConnectionStringBuilder(fixture.Api.ConnectionString).Database!;
        var sent = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                var tags = a.TagObjects.Select(t => t.Value).OfType<string>().ToList();
                if (!tags.Contains(database)) return;
                lock (sent) sent.AddRange(tags);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await action();
        lock (sent) return [.. sent];
    }

    [Fact]
    public async Task SaveChanges_WorkflowStartOnPostgres_WritesTheRowsEfCoreWrites()
    {
        var bulk = Guid.Empty;
        var sql = await SqlSentAsync(async () => bulk = await StartWorkflowAsync(insideCallersTransaction: false));
        var efCore = await StartWorkflowAsync(insideCallersTransaction: true);

        Assert.Contains(sql, s => s.Contains("INSERT INTO \"workflow_history\"") && s.Contains("),("));
        var bulkRows = await RowsAsync(bulk);
        Assert.Equal(await RowsAsync(efCore), bulkRows);
    }

    [Fact]
    public async Task SaveChanges_WorkflowStartOnPostgres_EncryptsThePersonalDataColumns()
    {
        var id = await StartWorkflowAsync(insideCallersTransaction: false);

        await using var connection = new NpgsqlConnection(fixture.Api.ConnectionString);
        await connection.OpenAsync();
        await using var facts = new NpgsqlCommand("SELECT facts_json FROM workflow_instances WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        var stored = (string)(await facts.ExecuteScalarAsync())!;
        Assert.True(FieldProtector.IsProtected(stored), "workflow_instances.facts_json was stored in clear text");
        await using var history = new NpgsqlCommand("SELECT detail FROM workflow_history WHERE instance_id = $1 AND detail IS NOT NULL", connection) { Parameters = { new() { Value = id } } };
        var details = new List<string>();
        await using (var reader = await history.ExecuteReaderAsync())
            while (await reader.ReadAsync()) details.Add(reader.GetString(0));
        Assert.NotEmpty(details);
        Assert.All(details, d => Assert.True(FieldProtector.IsProtected(d), $"workflow_history.detail stored in clear text: {d}"));
    }

    [Fact]
    public async Task SaveChanges_OneRowConflicts_StoresNothingAndTheSameRowsSaveOnRetry()
    {
        var engine = fixture.Api.Service<WorkflowEngine>();
        var catalog = fixture.Api.Service<BundleCatalog>();
        var bundle = catalog.Find("disability-assistance")!;
        var taken = $"YJS-20990101-{Random.Shared.Next(1_000_000):D6}";
        await using (var first = fixture.Api.NewDb())
        {
            first.Applications.Add(NewApplication(Guid.CreateVersion7(), taken));
            await first.SaveChangesAsync();
        }

        await using var db = fixture.Api.NewDb();
        var definition = await engine.DefinitionAsync(db, catalog, bundle.Code, bundle.Version);
        var id = Guid.CreateVersion7();
        var application = NewApplication(id, taken);
        db.Applications.Add(application);
        var failure = await Assert.ThrowsAsync<DbUpdateException>(() =>
            engine.Runtime.StartAsync(db, definition!, id, new StartRequest("window", SampleFacts.DisabilityApplicant(), Items)));

        Assert.IsType<PostgresException>(failure.InnerException);
        await using (var check = fixture.Api.NewDb())
        {
            Assert.False(await check.WorkflowInstances.AnyAsync(i => i.Id == id));
            Assert.False(await check.WorkflowHistory.AnyAsync(h => h.InstanceId == id));
        }
        Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Added, e.State));

        application.ReceiptNumber = taken.Replace("YJS-2099", "YJS-2098");
        var saved = await db.SaveChangesAsync();

        Assert.Equal(db.ChangeTracker.Entries().Count(), saved);
        Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
        await using var after = fixture.Api.NewDb();
        Assert.True(await after.Applications.AnyAsync(a => a.Id == id));
        Assert.Equal(Items.Length, await after.WorkflowItems.CountAsync(i => i.InstanceId == id));
    }

    private static Application NewApplication(Guid id, string receipt) => new()
    {
        Id = id, ReceiptNumber = receipt, BundleCode = "disability-assistance", BundleVersion = "test", Channel = "window",
        ApplicantHash = new string('a', 64), SubmittedBy = "clerk", FactsJson = "{}", AssessmentJson = "{}", ReceiptJson = "{}",
        AsOf = new DateOnly(2099, 1, 1), SubmittedAt = 0, SubmittedOn = new DateOnly(2099, 1, 1), Version = 1,
    };
}

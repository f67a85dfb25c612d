using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Workflows;

public sealed class CompiledQueryTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    /// <summary>The workflow tables plus one more entity: a second model over the same tables.</summary>
    private sealed class WiderDb(DbContextOptions<WiderDb> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.ApplyWorkflowModel();
            modelBuilder.Entity<Extra>().ToTable("extras");
        }
    }

    private sealed class Extra
    {
        public int Id { get; set; }
    }

    private static readonly CompiledQuery<Func<DbContext, string, CancellationToken, Task<int>>> InstancesOfBundle = new(() =>
        EF.CompileAsyncQuery((DbContext db, string bundle, CancellationToken ct) => db.Set<WorkflowInstance>().Count(i => i.BundleCode == bundle)));

    [Fact]
    public async Task For_TwoModelsInOneProcess_EachGetsItsOwnDelegateAndBothRun()
    {
        await using (var seed = _database.Create())
        {
            seed.Add(new WorkflowInstance { Id = Guid.NewGuid(), BundleCode = "A", DefinitionVersion = "1", Channel = "window", FactsJson = "{}", CreatedAt = DateTimeOffset.UnixEpoch, Version = 1 });
            await seed.SaveChangesAsync();
        }
        await using var narrow = _database.Create();
        await using var wide = new WiderDb(new DbContextOptionsBuilder<WiderDb>().UseSqlite(narrow.Database.GetConnectionString()).Options);
        Assert.NotSame(narrow.Model, wide.Model);

        Assert.Equal(1, await InstancesOfBundle.For(narrow)(narrow, "A", default));
        Assert.Equal(1, await InstancesOfBundle.For(wide)(wide, "A", default));
        Assert.Equal(0, await InstancesOfBundle.For(narrow)(narrow, "B", default));
        Assert.NotSame(InstancesOfBundle.For(narrow), InstancesOfBundle.For(wide));
        Assert.Same(InstancesOfBundle.For(narrow), InstancesOfBundle.For(_database.Create()));
    }

    [Fact]
    public async Task CompileAsyncQuery_SharedAcrossTwoModels_IsRefusedByEfCore()
    {
        // why CompiledQuery keeps one delegate per model
        var shared = EF.CompileAsyncQuery((DbContext db, string bundle, CancellationToken ct) => db.Set<WorkflowInstance>().Count(i => i.BundleCode == bundle));
        await using var narrow = _database.Create();
        await using var wide = new WiderDb(new DbContextOptionsBuilder<WiderDb>().UseSqlite(narrow.Database.GetConnectionString()).Options);
        Assert.Equal(0, await shared(narrow, "A", default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => shared(wide, "A", default));
    }

    public void Dispose() => _database.Dispose();
}

using Approval.Api.Data;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Approval.Tests.Persistence;

/// <summary>The SQL migrations in db/ build exactly the schema the EF model expects, on each provider.</summary>
public abstract class MigrationTests : IAsyncLifetime
{
    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();
    protected abstract Task CleanUpAsync();

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => CleanUpAsync();

    [Fact]
    public async Task Migrations_AppliedToEmptyDatabase_MatchTheModelWithoutDrift()
    {
        await using var migrated = Db(await NewDatabaseAsync());
        await using var fromModel = Db(await NewDatabaseAsync());

        await SchemaMigrator.MigrateAsync(migrated, Provider);
        await fromModel.Database.EnsureCreatedAsync();

        var expected = await SchemaDescriber.DescribeAsync(fromModel, Provider);
        var actual = await SchemaDescriber.DescribeAsync(migrated, Provider);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Migrate_RunTwice_AppliesEachMigrationOnce()
    {
        await using var db = Db(await NewDatabaseAsync());

        var first = await SchemaMigrator.MigrateAsync(db, Provider);
        var second = await SchemaMigrator.MigrateAsync(db, Provider);

        Assert.Equal(SchemaMigrator.For(Provider).Select(m => m.Id), first);
        Assert.Empty(second);
    }

    [Fact]
    public void MigrationFiles_EveryProvider_HaveTheSameIds()
    {
        var sqlite = SchemaMigrator.For(DatabaseProvider.Sqlite).Select(m => m.Id).ToList();
        Assert.Equal(sqlite, SchemaMigrator.For(DatabaseProvider.PostgreSql).Select(m => m.Id));
        Assert.Equal(sqlite, SchemaMigrator.For(DatabaseProvider.SqlServer).Select(m => m.Id));
        Assert.NotEmpty(SchemaMigrator.For(Provider));
    }

    private ApprovalDb Db(string connection) =>
        new((DbContextOptions<ApprovalDb>)DatabaseSetup.Configure(new DbContextOptionsBuilder<ApprovalDb>(), Provider, connection).Options);
}

public sealed class SqliteMigrationTests : MigrationTests
{
    private readonly string _folder = TestDatabases.NewSqliteFolder();
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<string> NewDatabaseAsync() =>
        Task.FromResult($"Data Source={Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db")};Pooling=False");

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresMigrationTests : MigrationTests
{
    private readonly List<string> _databases = [];
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    protected override async Task<string> NewDatabaseAsync()
    {
        var name = TestDatabases.NewPostgresName();
        await TestDatabases.CreatePostgresAsync(name);
        _databases.Add(name);
        return TestDatabases.PostgresConnection(name);
    }

    protected override async Task CleanUpAsync()
    {
        foreach (var name in _databases) await TestDatabases.DropPostgresAsync(name);
    }
}

[RequiresSqlServer]
public sealed class SqlServerMigrationTests : MigrationTests
{
    private readonly List<string> _databases = [];
    protected override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    protected override async Task<string> NewDatabaseAsync()
    {
        var name = TestSqlServer.NewName();
        var connection = await TestSqlServer.CreateAsync(name);
        _databases.Add(name);
        return connection;
    }

    protected override async Task CleanUpAsync()
    {
        foreach (var name in _databases) await TestSqlServer.DropAsync(name);
    }
}

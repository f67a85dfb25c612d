using Approval.Api.Data;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Approval.Tests.Applications;

/// <summary>The API with a clock the tests move (FakeTimeProvider) and the timer dispatcher off: tests fire timers themselves.</summary>
public interface IWorkflowApi
{
    ApiFactory Api { get; }
    FakeTimeProvider Clock { get; }
}

public static class WorkflowClock
{
    /// <summary>Monday 2026-11-23, 09:00 in China.</summary>
    public static DateTimeOffset Start => new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    public static void UseClock(IWebHostBuilder builder, FakeTimeProvider clock) =>
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
}

/// <summary>SQLite, materials stored as files in a temporary folder, 64 KiB upload limit.</summary>
public sealed class SqliteWorkflowApi : SqliteApi, IWorkflowApi
{
    private readonly string _materials = TestDatabases.NewSqliteFolder();
    public ApiFactory Api => this;
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);
    public string MaterialsFolder => _materials;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Workflows:RunTimers", "false"), new("Materials:Storage", "Folder"), new("Materials:Folder", _materials), new("Materials:MaxBytes", "65536")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, Clock);
    }
}

/// <summary>PostgreSQL, materials stored in the database, 64 KiB upload limit.</summary>
public sealed class PostgresWorkflowApi : PostgresApi, IWorkflowApi
{
    public ApiFactory Api => this;
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Workflows:RunTimers", "false"), new("Materials:Storage", "Database"), new("Materials:MaxBytes", "65536")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, Clock);
    }
}

/// <summary>SQL Server, materials stored in the database, 64 KiB upload limit.</summary>
public sealed class SqlServerWorkflowApi : SqlServerApi, IWorkflowApi
{
    public ApiFactory Api => this;
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Workflows:RunTimers", "false"), new("Materials:Storage", "Database"), new("Materials:MaxBytes", "65536")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, Clock);
    }
}

/// <summary>A second node (or a restart) on an existing database: its own clock, timers running in the background unless told otherwise.</summary>
public sealed class SameDatabaseApi(DatabaseProvider provider, string connectionString, FakeTimeProvider clock, bool runTimers = true) : ApiFactory
{
    public override DatabaseProvider Provider => provider;
    public override string ConnectionString => connectionString;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Workflows:RunTimers", runTimers ? "true" : "false")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, clock);
    }

    protected override Task DropAsync() => Task.CompletedTask;
}

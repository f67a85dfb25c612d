using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Approval.Rules.Bundles;
using Approval.Workflows.Calendar;
using Approval.Workflows.Definitions;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Approval.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Approval.Tests.Workflows;

public sealed class TestDb(DbContextOptions<TestDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyWorkflowModel();
}

internal static class Repo
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([RepoPaths.Root, .. parts]);

    public static BundleDefinition Bundle(string code) => BundleLoader.LoadFolder(Path("Approval.Api", "bundles", code));

    public static WorkflowDefinition Workflow(string code) => WorkflowLoader.Load(Bundle(code));

    public static WorkingCalendar Calendar() => WorkingCalendar.LoadFolder(Path("Approval.Api", "calendar"));
}

/// <summary>Host hooks for tests: numbers as the domain defines them, configurable rule re-evaluation, recorded events.</summary>
internal sealed class TestHost : IWorkflowHost
{
    public ConcurrentQueue<WorkflowEvent> Events { get; } = new();
    public Func<WorkflowSnapshot, IReadOnlyList<ItemEnd>> Rules { get; set; } = _ => [];
    public Func<NumberRequest, Task>? BeforeNumber { get; set; }
    private int _sequence;

    public ValueTask<IReadOnlyList<ItemEnd>> ReevaluateAsync(DbContext db, WorkflowSnapshot snapshot, CancellationToken ct) =>
        ValueTask.FromResult(Rules(snapshot));

    public async ValueTask<string> IssueNumberAsync(DbContext db, NumberRequest request, CancellationToken ct)
    {
        if (BeforeNumber is { } before) await before(request);
        return request.Kind switch
        {
            "disability-certificate" => request.Facts["applicant"]!["idNumber"]!.GetValue<string>()
                                        + CategoryDigit(request.Outputs["category"]!.GetValue<string>())
                                        + request.Outputs["grade"]!.GetValue<int>(),
            _ => $"{request.Kind}-{Interlocked.Increment(ref _sequence):D4}",
        };
    }

    public ValueTask OnEventAsync(DbContext db, WorkflowEvent e, CancellationToken ct)
    {
        Events.Enqueue(e);
        return ValueTask.CompletedTask;
    }

    private static int CategoryDigit(string category) =>
        Array.IndexOf(["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"], category) + 1;
}

/// <summary>A fresh SQLite file database per test, tables from EnsureCreated.</summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly string _file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"approval-wf-{Guid.NewGuid():N}.db");

    public SqliteDatabase()
    {
        using var db = Create();
        db.Database.EnsureCreated();
    }

    public TestDb Create() =>
        new(new DbContextOptionsBuilder<TestDb>().UseSqlite($"Data Source={_file};Pooling=False;Default Timeout=30").Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm", _file + "-journal" })
            if (File.Exists(f)) File.Delete(f);
    }
}

/// <summary>A fresh PostgreSQL database per test class on the server of <see cref="TestDatabases"/>, tables from EnsureCreated; dropped afterwards.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly string _name = TestDatabases.NewPostgresName();

    public string ConnectionString => TestDatabases.PostgresConnection(_name);

    public TestDb Create() => new(new DbContextOptionsBuilder<TestDb>().UseNpgsql(ConnectionString).Options);

    public async Task InitializeAsync()
    {
        await using var db = Create();
        await db.Database.EnsureCreatedAsync();
    }

    public Task DisposeAsync() => TestDatabases.DropPostgresAsync(_name);
}

/// <summary>Runtime, host, calendar and a fake clock over one database.</summary>
internal sealed class WorkflowHarness
{
    public static readonly DateTimeOffset Monday20260302 = new(2026, 3, 2, 9, 0, 0, WorkingCalendar.ChinaOffset);

    public WorkflowHarness(Func<TestDb> createDb, DateTimeOffset? start = null)
    {
        CreateDb = createDb;
        Time = new FakeTimeProvider(start ?? Monday20260302);
        Calendar = Repo.Calendar();
        A = Repo.Workflow("disability-assistance");
        B = Repo.Workflow("entertainment-venue");
        Runtime = new WorkflowRuntime(new WorkflowCatalog([A, B]), Calendar, Host, Time);
    }

    public Func<TestDb> CreateDb { get; }
    public FakeTimeProvider Time { get; }
    public WorkingCalendar Calendar { get; }
    public WorkflowDefinition A { get; }
    public WorkflowDefinition B { get; }
    public TestHost Host { get; } = new();
    public WorkflowRuntime Runtime { get; }

    public DateOnly Today => WorkingCalendar.ToChinaDate(Time.GetUtcNow());

    public Approval.Workflows.Timers.TimerDispatcher Dispatcher() =>
        new(CreateDb, Runtime, Time, new Approval.Workflows.Timers.TimerDispatcherOptions { BatchSize = 100 });

    public static JsonObject FactsA() => SampleFacts.DisabilityApplicant();

    public static JsonObject FactsB(string firePath)
    {
        var facts = SampleFacts.VenueCompany();
        facts["fire"]!["path"] = firePath;
        return facts;
    }

    public async Task<Guid> StartAAsync(string channel = "window", params string[] items)
    {
        var id = Guid.NewGuid();
        await using var db = CreateDb();
        await Runtime.StartAsync(db, A, id, new StartRequest(channel, FactsA(), items.Length > 0 ? items : ["A1", "A2", "A3", "A4", "A5"]));
        return id;
    }

    public async Task<Guid> StartBAsync(string firePath, string channel = "window")
    {
        var id = Guid.NewGuid();
        await using var db = CreateDb();
        await Runtime.StartAsync(db, B, id, new StartRequest(channel, FactsB(firePath), ["B1", "B2", "B3"]));
        return id;
    }

    public async Task<List<HumanTask>> TasksAsync(Guid instanceId)
    {
        await using var db = CreateDb();
        return await db.Set<HumanTask>().AsNoTracking().Where(t => t.InstanceId == instanceId).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync();
    }

    public async Task<HumanTask> OpenTaskAsync(Guid instanceId, string? itemCode, string stepId)
    {
        var tasks = await TasksAsync(instanceId);
        return tasks.Single(t => t.ItemCode == itemCode && t.StepId == stepId && t.Status is Approval.Workflows.Persistence.TaskStatus.Open or Approval.Workflows.Persistence.TaskStatus.Waiting);
    }

    public async Task<WorkflowInstance> InstanceAsync(Guid instanceId)
    {
        await using var db = CreateDb();
        return await db.Set<WorkflowInstance>().AsNoTracking().Include(i => i.Items).SingleAsync(i => i.Id == instanceId);
    }

    public async Task<List<WorkflowHistoryEntry>> HistoryAsync(Guid instanceId)
    {
        await using var db = CreateDb();
        return await db.Set<WorkflowHistoryEntry>().AsNoTracking().Where(h => h.InstanceId == instanceId).OrderBy(h => h.Seq).ToListAsync();
    }

    public async Task<WorkflowResult> DecideAsync(Guid taskId, TaskDecision decision, string actor = "reviewer")
    {
        await using var db = CreateDb();
        return await Runtime.ResumeAsync(db, taskId, decision, actor);
    }

    public async Task<WorkflowResult> DecideAsync(Guid instanceId, string? itemCode, string stepId, TaskDecision decision) =>
        await DecideAsync((await OpenTaskAsync(instanceId, itemCode, stepId)).Id, decision);

    /// <summary>Moves the clock to 09:00 China time of the given date and runs the timers that fell due.</summary>
    public async Task<int> TravelToAsync(DateOnly date)
    {
        Time.SetUtcNow(new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), WorkingCalendar.ChinaOffset));
        return await Dispatcher().RunOnceAsync();
    }
}

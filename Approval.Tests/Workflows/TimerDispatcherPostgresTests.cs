using Approval.Workflows.Calendar;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Approval.Workflows.Timers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaskStatus = Approval.Workflows.Persistence.TaskStatus;

namespace Approval.Tests.Workflows;

/// <summary>Durable timers on PostgreSQL (server from <c>APPROVAL_TEST_POSTGRES</c>; these tests fail without one).</summary>
public sealed class TimerDispatcherPostgresTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static readonly Approval.Workflows.Definitions.WorkflowDefinition B = Repo.Workflow("entertainment-venue");

    private WorkflowRuntime Runtime(TestHost host, TimeProvider time) => new(new WorkflowCatalog([B]), Repo.Calendar(), host, time);

    /// <summary>Instances with open tasks, each task with one reminder timer due at <paramref name="dueAt"/> (the task itself is due 30 days later).</summary>
    private async Task<List<Guid>> SeedAsync(int instances, int tasksPerInstance, DateTimeOffset dueAt)
    {
        var taskIds = new List<Guid>();
        await using var db = pg.Create();
        for (var i = 0; i < instances; i++)
        {
            var instance = new WorkflowInstance
            {
                Id = Guid.NewGuid(), BundleCode = B.BundleCode, DefinitionVersion = B.Version, Channel = "window",
                Status = InstanceStatus.Running, CreatedAt = dueAt.AddDays(-10), Version = 1,
            };
            db.Add(instance);
            for (var t = 0; t < tasksPerInstance; t++)
            {
                var task = new HumanTask
                {
                    Id = Guid.NewGuid(), InstanceId = instance.Id, ItemCode = "B2", StepId = "pre-review", Department = "culture-tourism",
                    Kind = "review", Status = TaskStatus.Open, AllowedActions = "approve", LimitDays = 2, CreatedAt = instance.CreatedAt,
                    OpenedOn = WorkingCalendar.ToChinaDate(instance.CreatedAt), DueDate = WorkingCalendar.ToChinaDate(dueAt).AddDays(30),
                };
                db.Add(task);
                db.Add(new WorkflowTimer
                {
                    Id = Guid.NewGuid(), InstanceId = instance.Id, Kind = TimerKind.Reminder, ItemCode = "B2", TaskId = task.Id,
                    StepId = task.StepId, DueAt = dueAt.AddSeconds(t), CreatedAt = instance.CreatedAt,
                });
                taskIds.Add(task.Id);
            }
        }
        await db.SaveChangesAsync();
        return taskIds;
    }

    [Fact]
    public async Task RunOnceAsync_TwoDispatchersThousandTimers_EachFiresExactlyOnce()
    {
        var host = new TestHost();
        var taskIds = await SeedAsync(instances: 200, tasksPerInstance: 5, DateTimeOffset.UtcNow.AddHours(-1));
        var runtime = Runtime(host, TimeProvider.System);
        var options = new TimerDispatcherOptions { BatchSize = 50, Lease = TimeSpan.FromSeconds(30), RetryDelay = TimeSpan.FromMilliseconds(50) };
        var dispatchers = new[] { new TimerDispatcher(pg.Create, runtime, TimeProvider.System, options), new TimerDispatcher(pg.Create, runtime, TimeProvider.System, options) };

        var fired = await Task.WhenAll(dispatchers.Select(d => Task.Run(async () =>
        {
            var total = 0;
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < deadline)
            {
                total += await d.RunOnceAsync();
                await using var db = pg.Create();
                if (!await db.Set<WorkflowTimer>().AnyAsync(t => t.Kind == TimerKind.Reminder && t.FiredAt == null && taskIds.Contains(t.TaskId!.Value))) break;
                await Task.Delay(20);
            }
            return total;
        })));

        await using var check = pg.Create();
        Assert.Equal(1000, fired.Sum());
        Assert.Equal(0, await check.Set<WorkflowTimer>().CountAsync(t => t.Kind == TimerKind.Reminder && t.FiredAt == null && taskIds.Contains(t.TaskId!.Value)));
        // each reminder scheduled its task's escalation, once
        var escalations = await check.Set<WorkflowTimer>().Where(t => t.Kind == TimerKind.Escalation && taskIds.Contains(t.TaskId!.Value))
            .Select(t => t.TaskId!.Value).ToListAsync();
        Assert.Equal(1000, escalations.Distinct().Count());
        Assert.Equal(1000, escalations.Count);
        var reminders = await check.Set<WorkflowHistoryEntry>().Where(h => h.Event == "reminder" && taskIds.Contains(h.TaskId!.Value))
            .Select(h => h.TaskId!.Value).ToListAsync();
        Assert.Equal(1000, reminders.Count);
        Assert.Equal(1000, reminders.Distinct().Count());
        Assert.Equal(1000, await check.Set<HumanTask>().CountAsync(t => taskIds.Contains(t.Id) && t.RemindedAt != null));
        var instances = await check.Set<WorkflowInstance>().Where(i => check.Set<HumanTask>().Any(t => t.InstanceId == i.Id && taskIds.Contains(t.Id)))
            .Select(i => new { i.HistoryCount, i.Version }).ToListAsync();
        Assert.All(instances, i => Assert.Equal((5, 6L), (i.HistoryCount, i.Version)));
    }

    [Fact]
    public async Task RunOnceAsync_NewDispatcherAfterRestart_FiresOverdueAndAbandonedTimers()
    {
        var now = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(now);
        var taskIds = await SeedAsync(instances: 4, tasksPerInstance: 2, now.AddDays(-3));
        await using (var db = pg.Create())
        {
            var timers = await db.Set<WorkflowTimer>().Where(t => taskIds.Contains(t.TaskId!.Value)).OrderBy(t => t.Id).ToListAsync();
            timers[0].LeaseOwner = "crashed-node";
            timers[0].LeaseUntil = now.AddMinutes(-5);
            timers[1].LeaseOwner = "live-node";
            timers[1].LeaseUntil = now.AddMinutes(1);
            timers[2].DueAt = now.AddHours(2);
            await db.SaveChangesAsync();
        }
        var host = new TestHost();
        var dispatcher = new TimerDispatcher(pg.Create, Runtime(host, time), time);

        Assert.Equal(6, await dispatcher.RunOnceAsync());
        Assert.Equal(0, await dispatcher.RunOnceAsync());
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await new TimerDispatcher(pg.Create, Runtime(host, time), time).RunOnceAsync()); // live node's lease expired
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await dispatcher.RunOnceAsync());
        Assert.Equal(8, host.Events.Count(e => e.Kind == WorkflowEventKind.Reminder && taskIds.Contains(e.TaskId!.Value)));
    }
}

using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Approval.Workflows.Persistence.TaskStatus;

namespace Approval.Tests.Workflows;

public sealed class WorkflowConcurrencyTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly WorkflowHarness _h;

    public WorkflowConcurrencyTests() => _h = new WorkflowHarness(_database.Create);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ResumeAsync_TwoContextsDecideSameTask_ExactlyOneWins()
    {
        var id = await _h.StartBAsync("inspection");
        var review = await _h.OpenTaskAsync(id, "B1", "review");
        WorkflowResult? second = null;
        var nested = false;
        _h.Host.BeforeNumber = async _ =>
        {
            if (nested) return;
            nested = true;
            await using var db2 = _h.CreateDb();
            second = await _h.Runtime.ResumeAsync(db2, review.Id, new TaskDecision("reject", "name taken"), "reviewer-2");
        };

        await using var db1 = _h.CreateDb();
        var first = await _h.Runtime.ResumeAsync(db1, review.Id, new TaskDecision("approve"), "reviewer-1");

        Assert.True(second!.Succeeded);
        Assert.Equal(RefusalKind.TaskNotOpen, first.Refusal!.Kind);
        var task = (await _h.TasksAsync(id)).Single(t => t.Id == review.Id);
        Assert.Equal(("reject", "reviewer-2"), (task.Action, task.DecidedBy));
        Assert.Equal(ItemOutcome.Refused, (await _h.InstanceAsync(id)).Item("B1").Outcome);
        Assert.Single(await _h.HistoryAsync(id), h => h.Event == "taskDecided" && h.TaskId == review.Id);
    }

    [Fact]
    public async Task ResumeAsync_ConcurrentDecisionsOnDifferentTasks_BothKept()
    {
        var id = await _h.StartBAsync("inspection");
        var b1 = await _h.OpenTaskAsync(id, "B1", "review");
        var b2 = await _h.OpenTaskAsync(id, "B2", "pre-review");
        WorkflowResult? other = null;
        _h.Host.BeforeNumber = async _ =>
        {
            if (other is not null) return;
            await using var db2 = _h.CreateDb();
            other = await _h.Runtime.ResumeAsync(db2, b2.Id, new TaskDecision("approve"), "culture-reviewer");
        };

        await using var db1 = _h.CreateDb();
        var result = await _h.Runtime.ResumeAsync(db1, b1.Id, new TaskDecision("approve"), "market-reviewer");

        Assert.True(result.Succeeded);
        Assert.True(other!.Succeeded);
        var tasks = await _h.TasksAsync(id);
        Assert.Equal(TaskStatus.Done, tasks.Single(t => t.Id == b1.Id).Status);
        Assert.Equal(TaskStatus.Done, tasks.Single(t => t.Id == b2.Id).Status);
        Assert.Single(tasks, t => t.ItemCode == "B2" && t.StepId == "on-site-verification");
        Assert.Equal(ItemOutcome.Granted, (await _h.InstanceAsync(id)).Item("B1").Outcome);
    }

    [Fact]
    public async Task ResumeAsync_ParallelDecisionsSameTask_ExactlyOneWins()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = await _h.StartAAsync("window", "A4");
            var review = await _h.OpenTaskAsync(id, "A4", "review");
            var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                await using var db = _h.CreateDb();
                return await _h.Runtime.ResumeAsync(db, review.Id, new TaskDecision("approve"), $"reviewer-{i}");
            })));
            Assert.Single(results, r => r.Succeeded);
            Assert.Single(results, r => r.Refusal?.Kind == RefusalKind.TaskNotOpen);
            Assert.Single(await _h.HistoryAsync(id), h => h.Event == "itemDecided");
        }
    }

    [Fact]
    public async Task SaveChanges_StaleInstanceVersion_Throws()
    {
        var id = await _h.StartAAsync();
        await using var db1 = _h.CreateDb();
        await using var db2 = _h.CreateDb();
        var i1 = await db1.Set<WorkflowInstance>().SingleAsync(i => i.Id == id);
        var i2 = await db2.Set<WorkflowInstance>().SingleAsync(i => i.Id == id);
        i1.Touch();
        i2.Touch();
        await db1.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db2.SaveChangesAsync());
    }
}

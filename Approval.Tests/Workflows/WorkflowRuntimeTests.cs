using Microsoft.EntityFrameworkCore;
using System.Text.Json.Nodes;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using TaskStatus = Approval.Workflows.Persistence.TaskStatus;

namespace Approval.Tests.Workflows;

public sealed class WorkflowRuntimeTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly WorkflowHarness _h;

    public WorkflowRuntimeTests() => _h = new WorkflowHarness(_database.Create);

    public void Dispose() => _database.Dispose();

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly TaskDecision Approve = new("approve");

    [Fact]
    public async Task StartAsync_WindowChannel_AllItemsStartInParallel()
    {
        var id = await _h.StartAAsync();

        var tasks = await _h.TasksAsync(id);
        Assert.Equal(["A1/preliminary-review/dpf", "A2/pre-review/civil-affairs", "A3/pre-review/civil-affairs", "A4/review/medical-security", "A5/pre-review/hrss"],
            tasks.Select(t => $"{t.ItemCode}/{t.StepId}/{t.Department}").Order());
        Assert.All(tasks, t => Assert.Equal(TaskStatus.Open, t.Status));
        var instance = await _h.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Running, instance.Status);
        Assert.Equal(D("2026-03-23"), instance.Item("A1").DueDate); // 15 working days from Monday 2 March
        Assert.Equal(D("2026-03-09"), instance.Item("A5").DueDate); // 5 working days
        Assert.Equal(D("2026-03-05"), tasks.Single(t => t.ItemCode == "A5").DueDate);
    }

    [Fact]
    public async Task StartAsync_OnlineChannel_WaitsForAcceptanceReview()
    {
        var id = await _h.StartAAsync("online");

        var acceptance = Assert.Single(await _h.TasksAsync(id));
        Assert.Equal(("acceptance", "service-hall", D("2026-03-03")), (acceptance.Kind, acceptance.Department, acceptance.DueDate));
        Assert.Equal(InstanceStatus.AwaitingAcceptance, (await _h.InstanceAsync(id)).Status);

        Assert.True((await _h.DecideAsync(acceptance.Id, new TaskDecision("accept"))).Succeeded);

        Assert.Equal(6, (await _h.TasksAsync(id)).Count);
        Assert.Equal(InstanceStatus.Running, (await _h.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task ResumeAsync_DecisionBeforePrerequisite_RefusedNamingItem()
    {
        var id = await _h.StartAAsync();
        Assert.True((await _h.DecideAsync(id, "A2", "pre-review", Approve)).Succeeded);

        var decision = await _h.OpenTaskAsync(id, "A2", "decision");
        Assert.Equal(TaskStatus.Waiting, decision.Status);
        Assert.Empty(decision.ActionsNow);
        var result = await _h.DecideAsync(decision.Id, Approve);

        Assert.Equal(RefusalKind.PrerequisiteUndecided, result.Refusal!.Kind);
        Assert.Equal("A1", result.Refusal.ItemCode);
        Assert.Contains("A1", result.Refusal.Reason);
    }

    [Fact]
    public async Task ResumeAsync_ActionNotOnTask_RefusedWithAllowedActions()
    {
        var id = await _h.StartAAsync();
        var result = await _h.DecideAsync(id, "A4", "review", new TaskDecision("submit"));
        Assert.Equal(RefusalKind.ActionNotAllowed, result.Refusal!.Kind);
        Assert.Contains("approve, reject, requestSupplement", result.Refusal.Reason);
        Assert.Equal(RefusalKind.InvalidDecision, (await _h.DecideAsync(id, "A4", "review", new TaskDecision("reject"))).Refusal!.Kind);
    }

    [Fact]
    public async Task A1Path_AssessmentNoticeDecision_CertificateNumberAndDependentsReleased()
    {
        var id = await _h.StartAAsync();
        _h.Host.Rules = s => s.OutputsOf("A1")["grade"]!.GetValue<int>() > 2 ? [new ItemEnd("A3", "care subsidy needs grade 1 or 2")] : [];
        await _h.DecideAsync(id, "A2", "pre-review", Approve);
        await _h.DecideAsync(id, "A3", "pre-review", Approve);
        await _h.DecideAsync(id, "A1", "preliminary-review", Approve);

        var assessment = await _h.OpenTaskAsync(id, "A1", "hospital-assessment");
        Assert.Equal(("designated-hospital", "assessment", D("2026-03-16")), (assessment.Department, assessment.Kind, assessment.DueDate));
        var outputs = new JsonObject { ["category"] = "physical", ["grade"] = 3 };
        Assert.True((await _h.DecideAsync(assessment.Id, new TaskDecision("submit", Outputs: outputs))).Succeeded);

        // public notice: 5 working days from Monday 2 March → ends with Monday 9 March
        var instance = await _h.InstanceAsync(id);
        Assert.Equal("public-notice", instance.Item("A1").StepId);
        await using (var db = _h.CreateDb())
            Assert.True((await _h.Runtime.RecordObjectionAsync(db, id, "A1", "neighbour objects", "public")).Succeeded);
        await _h.TravelToAsync(D("2026-03-09"));
        Assert.DoesNotContain(await _h.TasksAsync(id), t => t.StepId == "decision" && t.ItemCode == "A1");
        await _h.TravelToAsync(D("2026-03-10"));

        var decision = await _h.OpenTaskAsync(id, "A1", "decision");
        Assert.Equal(TaskStatus.Open, decision.Status);
        Assert.True((await _h.DecideAsync(decision.Id, Approve)).Succeeded);

        instance = await _h.InstanceAsync(id);
        Assert.Equal((ItemOutcome.Granted, Approval.Tests.Support.SampleFacts.ApplicantId + "43"), (instance.Item("A1").Outcome, instance.Item("A1").Number));
        Assert.Equal(1, instance.Item("A1").ObjectionCount);
        Assert.Equal((ItemOutcome.NotGranted, "care subsidy needs grade 1 or 2"), (instance.Item("A3").Outcome, instance.Item("A3").OutcomeReason));
        var tasks = await _h.TasksAsync(id);
        Assert.Equal(TaskStatus.Cancelled, tasks.Single(t => t.ItemCode == "A3" && t.StepId == "decision").Status);
        Assert.Equal(TaskStatus.Open, tasks.Single(t => t.ItemCode == "A2" && t.StepId == "decision").Status);
        var history = await _h.HistoryAsync(id);
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.Seq));
        Assert.Contains(history, h => h.Event == "timerFired" && h.ItemCode == "A1");
    }

    [Fact]
    public async Task A1Path_NotDisabled_RefusedAndRulesEndDependents()
    {
        var id = await _h.StartAAsync("window", "A1", "A2", "A4");
        _h.Host.Rules = s => s.OutputsOf("A1")["notDisabled"] is not null ? [new ItemEnd("A2", "no disability")] : [];
        await _h.DecideAsync(id, "A1", "preliminary-review", Approve);
        await _h.DecideAsync(id, "A1", "hospital-assessment", new TaskDecision("submit", "assessed: not disabled", Outputs: new JsonObject { ["notDisabled"] = true }));

        var instance = await _h.InstanceAsync(id);
        Assert.Equal((ItemOutcome.Refused, "assessed: not disabled"), (instance.Item("A1").Outcome, instance.Item("A1").OutcomeReason));
        Assert.Equal(ItemOutcome.NotGranted, instance.Item("A2").Outcome);
        Assert.Equal(ItemOutcome.NotApplicable, instance.Item("A3").Outcome);
        Assert.Null(instance.Item("A4").Outcome);

        await _h.DecideAsync(id, "A4", "review", Approve);
        instance = await _h.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.NotNull(instance.ResultIssuedAt);
        Assert.Single(_h.Host.Events, e => e.Kind == WorkflowEventKind.ResultIssued);
    }

    [Fact]
    public async Task SupplementAsync_LoopBackToReview_ClockPausedAndDueRecomputed()
    {
        var id = await _h.StartAAsync();
        Assert.Equal(D("2026-03-16"), (await _h.InstanceAsync(id)).Item("A4").DueDate);
        await _h.TravelToAsync(D("2026-03-04")); // 2 working days used
        var request = new TaskDecision("requestSupplement", "bank statement unreadable", ["dibao-proof"]);
        Assert.True((await _h.DecideAsync(id, "A4", "review", request)).Succeeded);

        var paused = (await _h.InstanceAsync(id)).Item("A4");
        Assert.Equal((ItemStatus.AwaitingSupplement, (DateOnly?)null, 2), (paused.Status, paused.DueDate, paused.UsedDays));
        Assert.DoesNotContain(await _h.TasksAsync(id), t => t.ItemCode == "A4" && t.Status == TaskStatus.Open);

        await _h.TravelToAsync(D("2026-03-11")); // a week later
        await using (var db = _h.CreateDb())
            Assert.True((await _h.Runtime.SupplementAsync(db, id, "A4", ["dibao-proof"], "applicant")).Succeeded);

        var resumed = (await _h.InstanceAsync(id)).Item("A4");
        Assert.Equal(ItemStatus.Active, resumed.Status);
        Assert.Equal(D("2026-03-23"), resumed.DueDate); // 8 working days left from Wednesday 11 March
        Assert.Contains("\"from\":\"2026-03-04\",\"to\":\"2026-03-11\"", resumed.PausesJson);
        var review = await _h.OpenTaskAsync(id, "A4", "review");
        Assert.Equal((8, D("2026-03-23")), (review.LimitDays, review.DueDate));

        var second = await _h.DecideAsync(review.Id, request);
        Assert.Equal(RefusalKind.SecondSupplement, second.Refusal!.Kind);
        Assert.Equal("A4", second.Refusal.ItemCode);
        Assert.True((await _h.DecideAsync(review.Id, Approve)).Succeeded);
        Assert.Equal(ItemOutcome.Granted, (await _h.InstanceAsync(id)).Item("A4").Outcome);
    }

    [Fact]
    public async Task SupplementAsync_ItemNotWaiting_Refused()
    {
        var id = await _h.StartAAsync();
        await using var db = _h.CreateDb();
        var result = await _h.Runtime.SupplementAsync(db, id, "A4", ["x"], "applicant");
        Assert.Equal(RefusalKind.NotAwaitingSupplement, result.Refusal!.Kind);
    }

    [Fact]
    public async Task WithdrawAsync_UndecidedItem_TasksEndAndSecondWithdrawalRefused()
    {
        var id = await _h.StartAAsync();
        await using (var db = _h.CreateDb())
            Assert.True((await _h.Runtime.WithdrawAsync(db, id, "A4", "no longer needed", "applicant")).Succeeded);

        var instance = await _h.InstanceAsync(id);
        Assert.Equal((ItemOutcome.Withdrawn, ItemStatus.Ended), (instance.Item("A4").Outcome, instance.Item("A4").Status));
        Assert.Equal(TaskStatus.Cancelled, (await _h.TasksAsync(id)).Single(t => t.ItemCode == "A4").Status);
        await using (var db = _h.CreateDb())
            Assert.Equal(RefusalKind.AlreadyDecided, (await _h.Runtime.WithdrawAsync(db, id, "A4", "again", "applicant")).Refusal!.Kind);

        await using (var db = _h.CreateDb())
            Assert.True((await _h.Runtime.WithdrawAsync(db, id, null, "moving away", "applicant")).Succeeded);
        instance = await _h.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Withdrawn, instance.Status);
        Assert.All(await _h.TasksAsync(id), t => Assert.Equal(TaskStatus.Cancelled, t.Status));
        await _h.TravelToAsync(D("2026-04-30"));
        Assert.DoesNotContain(_h.Host.Events, e => e.Kind is WorkflowEventKind.Reminder or WorkflowEventKind.Escalation);
    }

    private async Task<List<string>> TimerKindsAsync(Guid taskId)
    {
        await using var db = _h.CreateDb();
        return await db.Set<WorkflowTimer>().Where(t => t.TaskId == taskId).OrderBy(t => t.Kind).Select(t => t.Kind).ToListAsync();
    }

    [Fact]
    public async Task Timers_TimeTravel_ReminderAt80PercentThenEscalation()
    {
        var id = await _h.StartAAsync("window", "A4");
        var review = await _h.OpenTaskAsync(id, "A4", "review");
        Assert.Equal(D("2026-03-16"), review.DueDate); // 10 working days
        Assert.Equal([TimerKind.Reminder], await TimerKindsAsync(review.Id)); // the escalation timer is created by the reminder

        Assert.Equal(0, await _h.TravelToAsync(D("2026-03-12"))); // 8th working day, still running
        Assert.Equal(1, await _h.TravelToAsync(D("2026-03-13"))); // after the end of the 8th working day
        Assert.Single(_h.Host.Events, e => e.Kind == WorkflowEventKind.Reminder && e.TaskId == review.Id);
        Assert.NotNull((await _h.OpenTaskAsync(id, "A4", "review")).RemindedAt);
        Assert.Equal([TimerKind.Escalation, TimerKind.Reminder], await TimerKindsAsync(review.Id));

        Assert.Equal(0, await _h.TravelToAsync(D("2026-03-16")));
        Assert.Equal(1, await _h.TravelToAsync(D("2026-03-17")));
        var escalation = Assert.Single(_h.Host.Events, e => e.Kind == WorkflowEventKind.Escalation);
        Assert.Equal("medical-security", escalation.Department);
        Assert.NotNull((await _h.OpenTaskAsync(id, "A4", "review")).EscalatedAt);
    }

    [Fact]
    public async Task EntertainmentVenue_CommitmentPath_DecisionsWaitForB1AndFailedFollowUpRevokesAndFlagsB2()
    {
        var id = await _h.StartBAsync("commitment");
        await _h.DecideAsync(id, "B3", "pre-review", Approve);
        var b3Decision = await _h.OpenTaskAsync(id, "B3", "commitment-decision");
        Assert.Equal(RefusalKind.PrerequisiteUndecided, (await _h.DecideAsync(b3Decision.Id, Approve)).Refusal!.Kind);

        await _h.DecideAsync(id, "B1", "review", Approve);
        Assert.Equal("credit-code-0001", (await _h.InstanceAsync(id)).Item("B1").Number);
        Assert.True((await _h.DecideAsync(b3Decision.Id, Approve)).Succeeded);
        var b3 = (await _h.InstanceAsync(id)).Item("B3");
        Assert.Equal((ItemOutcome.Granted, "follow-up-check"), (b3.Outcome, b3.StepId));
        var followUp = await _h.OpenTaskAsync(id, "B3", "follow-up-check");
        Assert.Equal((20, "inspection"), (followUp.LimitDays, followUp.Kind));

        Assert.True((await _h.DecideAsync(followUp.Id, new TaskDecision("submit", "exits blocked", Outputs: new JsonObject { ["passed"] = false }))).Succeeded);
        var instance = await _h.InstanceAsync(id);
        Assert.Equal(ItemOutcome.Revoked, instance.Item("B3").Outcome);
        Assert.NotNull(instance.Item("B2").ReviewFlag);
        var flag = (await _h.TasksAsync(id)).Single(t => t.Kind == "flagReview");
        Assert.Equal(("B2", "culture-tourism", TaskStatus.Open), (flag.ItemCode, flag.Department, flag.Status));
        Assert.True((await _h.DecideAsync(flag.Id, new TaskDecision("resolve", "venue re-inspected"))).Succeeded);
        Assert.Null((await _h.InstanceAsync(id)).Item("B2").ReviewFlag);
    }

    [Fact]
    public async Task EntertainmentVenue_InspectionPath_InspectionThenDecision()
    {
        var id = await _h.StartBAsync("inspection");
        await _h.DecideAsync(id, "B1", "review", Approve);
        await _h.DecideAsync(id, "B3", "pre-review", Approve);
        var inspection = await _h.OpenTaskAsync(id, "B3", "inspection");
        Assert.Equal(10, inspection.LimitDays);
        await _h.DecideAsync(inspection.Id, new TaskDecision("submit", Outputs: new JsonObject { ["passed"] = true }));
        var decision = await _h.OpenTaskAsync(id, "B3", "inspection-decision");
        Assert.Equal((3, TaskStatus.Open), (decision.LimitDays, decision.Status));
        await _h.DecideAsync(decision.Id, Approve);
        Assert.Equal(ItemOutcome.Granted, (await _h.InstanceAsync(id)).Item("B3").Outcome);

        await _h.DecideAsync(id, "B2", "pre-review", Approve);
        await _h.DecideAsync(id, "B2", "on-site-verification", new TaskDecision("submit", Outputs: new JsonObject { ["passed"] = true }));
        await _h.DecideAsync(id, "B2", "decision", Approve);
        var instance = await _h.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.StartsWith("venue-licence-", instance.Item("B2").Number);
    }

    [Fact]
    public async Task AcceptanceReview_AskForCompletionOnce_ThenAccepted()
    {
        var id = await _h.StartAAsync("kiosk");
        var ask = new TaskDecision("requestSupplement", "photo missing", ["photo"]);
        Assert.True((await _h.DecideAsync(id, null, "acceptance", ask)).Succeeded);
        Assert.DoesNotContain(await _h.TasksAsync(id), t => t.Status == TaskStatus.Open);

        await using (var db = _h.CreateDb())
            Assert.True((await _h.Runtime.SupplementAsync(db, id, null, ["photo"], "applicant")).Succeeded);
        var again = await _h.DecideAsync(id, null, "acceptance", ask);
        Assert.Equal(RefusalKind.SecondSupplement, again.Refusal!.Kind);
        Assert.True((await _h.DecideAsync(id, null, "acceptance", new TaskDecision("accept"))).Succeeded);
        Assert.Equal(InstanceStatus.Running, (await _h.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task StartAsync_NewDefinitionVersionLoaded_RunningInstanceKeepsItsVersion()
    {
        var folder = Repo.Path("Approval.Api", "bundles", "disability-assistance");
        var files = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        files["workflow.yaml"] = files["workflow.yaml"].Replace("kind: review\n          days: 10", "kind: review\n          days: 12");
        var v2 = Approval.Workflows.Definitions.WorkflowLoader.Load(Approval.Rules.Bundles.BundleLoader.Load(folder, files));
        Assert.NotEqual(_h.A.Version, v2.Version);
        var runtime = new WorkflowRuntime(new WorkflowCatalog([_h.A, v2]), _h.Calendar, _h.Host, _h.Time);

        var old = await _h.StartAAsync("window", "A4");
        var current = Guid.NewGuid();
        await using (var db = _h.CreateDb())
            await runtime.StartAsync(db, v2, current, new StartRequest("window", WorkflowHarness.FactsA(), ["A4"]));

        Assert.Equal(_h.A.Version, (await _h.InstanceAsync(old)).DefinitionVersion);
        Assert.Equal(10, (await _h.OpenTaskAsync(old, "A4", "review")).LimitDays);
        Assert.Equal(12, (await _h.OpenTaskAsync(current, "A4", "review")).LimitDays);
        await using (var db = _h.CreateDb())
            Assert.True((await runtime.ResumeAsync(db, (await _h.OpenTaskAsync(old, "A4", "review")).Id, Approve, "reviewer")).Succeeded);
        Assert.Equal(ItemOutcome.Granted, (await _h.InstanceAsync(old)).Item("A4").Outcome);
    }

    [Fact]
    public async Task StartAsync_DueDateInYearWithoutCalendar_RunsAndRecordsUnconfirmedCalendar()
    {
        var h = new WorkflowHarness(_database.Create, new DateTimeOffset(2026, 12, 24, 9, 0, 0, TimeSpan.FromHours(8)));
        var id = Guid.NewGuid();
        await using (var db = h.CreateDb())
            await h.Runtime.StartAsync(db, h.A, id, new StartRequest("window", WorkflowHarness.FactsA(), ["A4"]));

        Assert.Equal(D("2027-01-07"), (await h.InstanceAsync(id)).Item("A4").DueDate);
        Assert.Contains(await h.HistoryAsync(id), e => e.Event == "calendarUnconfirmed" && e.ItemCode == "A4");
    }
}

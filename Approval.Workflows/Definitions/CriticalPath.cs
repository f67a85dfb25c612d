using System.Text.Json.Nodes;
using Approval.Workflows.Activities;

namespace Approval.Workflows.Definitions;

/// <summary>One item on the way to its grant: the working days from submission, the steps taken and what it waited for.</summary>
public sealed record CriticalPathItem(string Item, int WorkingDays, IReadOnlyList<string> Steps, IReadOnlyList<string> WaitedFor);

/// <summary>
/// The working days from submission until every item of an application is granted when every task takes its full
/// time limit, items run in parallel and a step that waits for another item starts when that item is granted.
/// <see cref="Longest"/> is the item that ends last: the application's critical path.
/// </summary>
public sealed record CriticalPath(int AcceptanceDays, int WorkingDays, string Longest, IReadOnlyList<CriticalPathItem> Items);

public static class CriticalPaths
{
    private static readonly string[] ForwardActions = ["approve", "submit", "accept"];

    /// <summary>
    /// The happy path of each of <paramref name="items"/> (approve/submit at every task, no supplement, no failed check),
    /// taking the steps whose <c>when</c> holds for <paramref name="facts"/>. Items outside <paramref name="items"/> are
    /// not waited for. Steps after an item's grant (a follow-up check) do not delay the result.
    /// </summary>
    public static CriticalPath Of(WorkflowDefinition workflow, string channel, JsonObject facts, IReadOnlyCollection<string> items)
    {
        var acceptance = workflow.Acceptance.AutoAcceptChannels.Contains(channel) ? 0 : workflow.Acceptance.ReviewDays;
        var done = new Dictionary<string, CriticalPathItem>();
        var visiting = new HashSet<string>();

        CriticalPathItem Walk(ItemFlow flow)
        {
            if (done.TryGetValue(flow.Code, out var known)) return known;
            if (!visiting.Add(flow.Code)) throw new InvalidOperationException($"items wait for each other in a cycle through {flow.Code}");
            var day = acceptance;
            var steps = new List<string>();
            var waited = new List<string>();
            for (var index = 0; index < flow.Steps.Count && steps.Count <= flow.Steps.Count;)
            {
                var step = flow.Steps[index];
                if (step.When is { } when && !when.HoldsFor(facts))
                {
                    index++;
                    continue;
                }
                var target = Targets.Next;
                switch (step)
                {
                    case HumanTaskActivity task:
                        foreach (var other in task.WaitsFor.Where(items.Contains).Select(workflow.Item).OfType<ItemFlow>())
                        {
                            var granted = Walk(other).WorkingDays;
                            if (granted > day) waited.Add(other.Code);
                            day = Math.Max(day, granted);
                        }
                        day += task.Days;
                        target = ForwardActions.Select(a => task.Actions.GetValueOrDefault(a)).FirstOrDefault(t => t is not null) ?? Targets.End;
                        break;
                    case TimerActivity timer:
                        day += timer.Days;
                        break;
                    case DecideItemActivity { Outcome: var outcome }:
                        steps.Add(step.Id);
                        target = outcome == Persistence.ItemOutcome.Granted ? Targets.End : Targets.Refused;
                        break;
                    case CompleteActivity:
                        target = Targets.End;
                        break;
                }
                if (step is not DecideItemActivity) steps.Add(step.Id);
                if (target is Targets.End or Targets.Refused) break;
                index = target == Targets.Next ? index + 1 : flow.IndexOf(target);
                if (index < 0) break;
            }
            visiting.Remove(flow.Code);
            return done[flow.Code] = new CriticalPathItem(flow.Code, day, steps, waited);
        }

        var walked = workflow.Items.Where(f => items.Contains(f.Code)).Select(Walk).ToList();
        var longest = walked.OrderByDescending(i => i.WorkingDays).ThenBy(i => i.Item, StringComparer.Ordinal).FirstOrDefault();
        return new CriticalPath(acceptance, longest?.WorkingDays ?? acceptance, longest?.Item ?? "",
            walked.OrderBy(i => i.Item, StringComparer.Ordinal).ToList());
    }
}

using System.Collections.Concurrent;

namespace Approval.Api.Tasks;

/// <summary>
/// Inbox filters whose count recently went past <see cref="InboxOptions.TotalCap"/>. For <see cref="InboxOptions.CappedTotalSeconds"/>
/// after such a count, a full page of that inbox reports the cap without counting again. Only a capped total is remembered: it can
/// be wrong only when the backlog falls to the cap or below inside the window, and then it says "1000+" at most that long too late.
/// An exact total is always counted. Only filters that reached the cap are kept, so the table is as small as the real backlogs.
/// </summary>
public sealed class CappedTotals(InboxOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<InboxFilter, DateTimeOffset> _cappedAt = new();

    /// <summary>Whether the filter's count went past the cap within the window.</summary>
    public bool IsCapped(InboxFilter filter) =>
        options.CappedTotalSeconds > 0 && _cappedAt.TryGetValue(filter, out var at)
        && clock.GetUtcNow() - at < TimeSpan.FromSeconds(options.CappedTotalSeconds);

    /// <summary>Records a count (or a short page's exact total) of the filter's tasks.</summary>
    public void Counted(InboxFilter filter, int matching)
    {
        if (matching > options.TotalCap) _cappedAt[filter] = clock.GetUtcNow();
        else _cappedAt.TryRemove(filter, out _);
    }
}

/// <summary>What an inbox count depends on (the page and the sort do not change it).</summary>
public readonly record struct InboxFilter(string? Department, string? Status, string? Kind);

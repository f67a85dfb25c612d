using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Approval.Workflows.Timers;

public sealed record TimerDispatcherOptions
{
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);
    public int BatchSize { get; init; } = 100;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Told about a timer that failed to fire (it is retried after <see cref="RetryDelay"/>) or a failed run.</summary>
    public Action<Exception>? OnError { get; init; }
}

/// <summary>
/// Fires due durable timers. Claiming is a conditional UPDATE (<c>fired IS NULL AND (lease_until IS NULL OR lease_until &lt; now)</c>)
/// that sets this dispatcher's lease; each timer then fires in its own transaction that first marks it fired on the condition
/// that this dispatcher still holds the lease and it is unfired (affected rows = 1), so with several nodes on one database
/// each timer fires exactly once. Timers that fell due while no node ran are simply due on the next run.
/// </summary>
public sealed class TimerDispatcher(Func<DbContext> createDb, WorkflowRuntime runtime, TimeProvider time, TimerDispatcherOptions? options = null)
{
    private readonly TimerDispatcherOptions _options = options ?? new TimerDispatcherOptions();

    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Claims and fires one batch of due timers; returns how many fired.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var leaseUntil = now + _options.Lease;
        List<Guid> claimed;
        await using (var db = createDb())
        {
            var leased = db.Database.ProviderName == SqlServerProvider
                ? await ClaimOnSqlServerAsync(db, now, leaseUntil, ct)
                : await db.Set<WorkflowTimer>()
                    .Where(t => t.FiredAt == null && t.DueAt <= now && (t.LeaseUntil == null || t.LeaseUntil < now))
                    .OrderBy(t => t.DueAt)
                    .Take(_options.BatchSize)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, Owner).SetProperty(t => t.LeaseUntil, leaseUntil), ct);
            // Nothing leased (the usual poll) needs no read. The leased rows were due at 'now', so 'due_at <= now' keeps the
            // read on the (fired_at, due_at) index's due part instead of every unfired timer (millions in a large store).
            claimed = leased == 0 ? [] : await db.Set<WorkflowTimer>()
                .Where(t => t.FiredAt == null && t.DueAt <= now && t.LeaseOwner == Owner && t.LeaseUntil == leaseUntil)
                .OrderBy(t => t.DueAt)
                .Select(t => t.Id)
                .ToListAsync(ct);
        }
        var fired = 0;
        foreach (var id in claimed)
        {
            ct.ThrowIfCancellationRequested();
            if (await FireAsync(id, ct)) fired++;
        }
        return fired;
    }

    private const string SqlServerProvider = "Microsoft.EntityFrameworkCore.SqlServer";

    /// <summary>
    /// SQL Server form of the claim: the due rows are picked and leased in one statement, and rows another node is
    /// claiming at that moment are skipped (READPAST) instead of waited for. Instants are Unix milliseconds (see WorkflowModel).
    /// </summary>
    private Task<int> ClaimOnSqlServerAsync(DbContext db, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        long nowMs = now.ToUnixTimeMilliseconds(), untilMs = leaseUntil.ToUnixTimeMilliseconds();
        return db.Database.ExecuteSqlAsync($"""
            WITH due AS (
                SELECT TOP ({_options.BatchSize}) lease_owner, lease_until FROM workflow_timers WITH (UPDLOCK, READPAST, ROWLOCK)
                WHERE fired_at IS NULL AND due_at <= {nowMs} AND (lease_until IS NULL OR lease_until < {nowMs})
                ORDER BY due_at)
            UPDATE due SET lease_owner = {Owner}, lease_until = {untilMs}
            """, ct);
    }

    /// <summary>Runs until cancelled: a batch, then (when nothing was due) a pause of <see cref="TimerDispatcherOptions.PollInterval"/>.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            int fired;
            try
            {
                fired = await RunOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _options.OnError?.Invoke(e);
                fired = 0;
            }
            if (fired >= _options.BatchSize) continue;
            try
            {
                await Task.Delay(_options.PollInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> FireAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = createDb();
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var marked = await db.Set<WorkflowTimer>()
                .Where(t => t.Id == id && t.LeaseOwner == Owner && t.FiredAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.FiredAt, now), ct);
            if (marked != 1)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
            await runtime.FireAsync(db, id, ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _options.OnError?.Invoke(e);
            db.ChangeTracker.Clear();
            var retryAt = now + _options.RetryDelay;
            var error = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
            await db.Set<WorkflowTimer>()
                .Where(t => t.Id == id && t.LeaseOwner == Owner && t.FiredAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts + 1)
                    .SetProperty(t => t.LastError, error)
                    .SetProperty(t => t.LeaseUntil, retryAt), ct);
            return false;
        }
    }
}

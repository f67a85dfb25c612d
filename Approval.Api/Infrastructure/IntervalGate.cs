namespace Approval.Api.Infrastructure;

/// <summary>
/// Runs a check at most once per interval on the injected clock, one caller at a time: the way a node follows what
/// other nodes changed in the database (the holiday calendar, the bundle versions in force) with one small query.
/// </summary>
public sealed class IntervalGate(TimeSpan interval, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _checkedAt; // ticks of the last check; 0 = never

    /// <summary>The interval has passed since the last check.</summary>
    public bool Due => clock.GetUtcNow().UtcTicks - Volatile.Read(ref _checkedAt) >= interval.Ticks;

    public async Task RunIfDueAsync(Func<CancellationToken, Task> check, CancellationToken ct = default)
    {
        if (!Due) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (!Due) return;
            await CheckAsync(check, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RunNowAsync(Func<CancellationToken, Task> check, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await CheckAsync(check, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The interval counts from the end of a check: while one runs, callers that find it due wait for it instead of going on with what is stale.</summary>
    private async Task CheckAsync(Func<CancellationToken, Task> check, CancellationToken ct)
    {
        try
        {
            await check(ct);
        }
        finally
        {
            Volatile.Write(ref _checkedAt, clock.GetUtcNow().UtcTicks);
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>The background side of a gate: checks every interval so that a node that serves no request (it only fires timers) follows as well.</summary>
public static class FollowLoop
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> check, Action<Exception> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await check(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed(e);
            }
        }
    }
}

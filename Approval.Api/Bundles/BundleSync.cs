using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Workflows;

namespace Approval.Api.Bundles;

/// <summary>
/// Keeps the versions in force on this node equal to the database's: at most once per <see cref="BundleOptions.RefreshInterval"/>
/// a request (or the background loop) reads the latest version id of each bundle — one small query — and follows a
/// version published on another node.
/// </summary>
public sealed class BundleSync(BundleCatalog catalog, BundleOptions options, TimeProvider clock, ILogger<BundleSync> log) : IDisposable
{
    private readonly IntervalGate _gate = new(options.RefreshInterval, clock);
    private string? _stamp;

    public bool Due => _gate.Due;

    public Task RefreshIfDueAsync(ApprovalDb db, CancellationToken ct = default) => _gate.RunIfDueAsync(ct => FollowAsync(db, ct), ct);

    /// <summary>Now (at start-up, and after this node published a version).</summary>
    public Task RefreshAsync(ApprovalDb db, CancellationToken ct = default) => _gate.RunNowAsync(ct => FollowAsync(db, ct), ct);

    private async Task FollowAsync(ApprovalDb db, CancellationToken ct)
    {
        var stamp = await BundleCatalog.StampAsync(db, ct);
        if (stamp == _stamp) return;
        await catalog.FollowAsync(db, log, ct);
        _stamp = stamp;
    }

    public void Dispose() => _gate.Dispose();
}

internal sealed class BundleSyncService(BundleSync sync, WorkflowEngine engine, BundleOptions options, TimeProvider clock, ILogger<BundleSyncService> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => FollowLoop.RunAsync(options.RefreshInterval, clock, async ct =>
    {
        await using var db = engine.NewDb();
        await sync.RefreshIfDueAsync(db, ct);
    }, e => log.LogWarning(e, "Could not check the bundle versions in force; the current ones stay"), stoppingToken);
}

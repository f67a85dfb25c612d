using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Approval.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approval.Api.Security;

/// <summary>
/// Where the chain starts after a pruning: the last pruned row's id and hash, MAC'd with the audit key so that it cannot
/// be moved to hide a deleted prefix.
/// </summary>
public sealed class AuditAnchor
{
    /// <summary>The id of the last pruned row; the chain goes on at the next id.</summary>
    public long Id { get; set; }
    public required string ThroughHash { get; set; }
    public DateTimeOffset AnchoredAt { get; set; }
    public long PrunedRows { get; set; }
    public required string Mac { get; set; }
}

/// <summary>What <see cref="AuditChain.VerifyAsync"/> found: intact, or the first row that breaks the chain and why.</summary>
public sealed record AuditVerification(bool Intact, long Checked, long? FirstBadId, string? Problem, long? AnchorId, long Unchained);

/// <summary>
/// The audit as a hash chain: <c>row_hash = HMAC-SHA256(Security:AuditKey, id ‖ at ‖ actor ‖ role ‖ action ‖ resource ‖
/// subject ‖ detail ‖ prev_hash)</c> with <c>prev_hash</c> the previous row's hash; ids follow each other without gaps.
/// An edited, back-dated or deleted row breaks the chain at that row (or the one after it). Appends are serialised per
/// provider (PostgreSQL advisory transaction lock, SQL Server application lock, SQLite's write lock) so that two
/// writers never chain to the same row. Rows written before the chain existed (no hash) may only precede it.
/// </summary>
public static class AuditChain
{
    private const long LockKey = 724312;

    public static string RowHash(byte[] key, AuditEntry e, string prev)
    {
        var text = string.Join('\u001f',
            e.Id.ToString(CultureInfo.InvariantCulture), e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            e.Actor, e.Role, e.Action, e.Resource, e.SubjectHash ?? "\u2400", e.Detail ?? "\u2400", prev);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
    }

    public static string AnchorMac(byte[] key, long id, string throughHash, DateTimeOffset at, long pruned) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
            $"anchor\u001f{id}\u001f{throughHash}\u001f{at.ToUnixTimeMilliseconds()}\u001f{pruned}")));

    /// <summary>Inside the caller's transaction: takes the append lock and gives the new rows their ids and hashes.</summary>
    internal static async Task AppendAsync(ApprovalDb db, IReadOnlyList<AuditEntry> added, CancellationToken ct)
    {
        var key = db.Protector.AuditKey ?? throw new InvalidOperationException("The audit chain needs Security:AuditKey (or Security:LookupKey).");
        var (last, anchor) = db.Provider == DatabaseProvider.PostgreSql ? await LockAndReadTailNpgsqlAsync(db, ct) : await LockAndReadTailAsync(db, ct);
        var (id, prev) = last is { } l && (anchor is null || l.Id > anchor.Value.Id)
            ? (l.Id, l.Hash ?? "")
            : anchor is { } a ? (a.Id, a.Hash!) : (0L, "");
        foreach (var entry in added.OrderBy(a => a.At))
        {
            entry.Id = ++id;
            entry.PrevHash = prev;
            entry.RowHash = prev = RowHash(key, entry, prev);
        }
        if (db.Provider == DatabaseProvider.SqlServer) await db.Database.ExecuteSqlRawAsync("SET IDENTITY_INSERT [audit_entries] ON", ct);
    }

    /// <summary>The append lock, then the chain's last row and the newest anchor (each read after the lock is held).</summary>
    private static async Task<((long Id, string? Hash)? Last, (long Id, string? Hash)? Anchor)> LockAndReadTailAsync(ApprovalDb db, CancellationToken ct)
    {
        await LockAsync(db, ct);
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Select(a => new { a.Id, a.RowHash }).FirstOrDefaultAsync(ct);
        var anchor = await db.AuditAnchors.AsNoTracking().OrderByDescending(a => a.Id).Select(a => new { a.Id, a.ThroughHash }).FirstOrDefaultAsync(ct);
        return (last is null ? null : (last.Id, last.RowHash), anchor is null ? null : (anchor.Id, anchor.ThroughHash));
    }

    /// <summary>
    /// PostgreSQL: the same three statements in one round trip (one batch). Under READ COMMITTED each statement of the batch
    /// takes its own snapshot after the one before it finished, so the reads see every row committed before the lock was granted.
    /// </summary>
    private static async Task<((long Id, string? Hash)? Last, (long Id, string? Hash)? Anchor)> LockAndReadTailNpgsqlAsync(ApprovalDb db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var batch = connection.CreateBatch();
        batch.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var sql in new[]
                 {
                     $"SELECT pg_advisory_xact_lock({LockKey})",
                     "SELECT id, row_hash FROM audit_entries ORDER BY id DESC LIMIT 1",
                     "SELECT id, through_hash FROM audit_anchors ORDER BY id DESC LIMIT 1",
                 })
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        (long, string?)? last = await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
        await reader.NextResultAsync(ct);
        (long, string?)? anchor = await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : null;
        return (last, anchor);
    }

    private static Task LockAsync(ApprovalDb db, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.PostgreSql) return db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
        if (db.Provider == DatabaseProvider.SqlServer)
            return db.Database.ExecuteSqlRawAsync("""
                DECLARE @result int;
                EXEC @result = sp_getapplock @Resource = N'approval_audit_chain', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 30000;
                IF @result < 0 THROW 50003, 'could not take the audit append lock', 1;
                """, ct);
        // SQLite: the transaction began with BEGIN IMMEDIATE, which holds the database's write lock
        return Task.CompletedTask;
    }

    /// <summary>Walks the chain from the newest anchor (or the first row) to the end.</summary>
    public static async Task<AuditVerification> VerifyAsync(ApprovalDb db, byte[] key, Action<long>? progress = null, CancellationToken ct = default)
    {
        var anchor = await db.AuditAnchors.AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (anchor is not null && !FixedTimeEquals(anchor.Mac, AnchorMac(key, anchor.Id, anchor.ThroughHash, anchor.AnchoredAt, anchor.PrunedRows)))
            return new(false, 0, anchor.Id, $"the audit anchor through row {anchor.Id} does not carry a valid MAC", anchor.Id, 0);
        long? expectedId = anchor is null ? null : anchor.Id + 1;
        string? prev = anchor?.ThroughHash;
        long checkedRows = 0, unchained = 0;
        var after = anchor?.Id ?? long.MinValue;
        var rows = db.AuditEntries.AsNoTracking().Where(a => a.Id > after).OrderBy(a => a.Id).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (row.RowHash is null && prev is null)
            {
                unchained++;
                continue;
            }
            var problem =
                row.RowHash is null ? "has no hash although the chain had started before it" :
                expectedId is { } e && row.Id != e ? $"follows row {e - 1}: rows {e}–{row.Id - 1} are missing" :
                prev is not null && row.PrevHash != prev ? "does not chain to the row before it (that row was changed or removed)" :
                !FixedTimeEquals(row.RowHash, RowHash(key, row, row.PrevHash ?? "")) ? "was changed after it was written (its hash does not match its content)" :
                null;
            if (problem is not null) return new(false, checkedRows, row.Id, $"audit row {row.Id} {problem}", anchor?.Id, unchained);
            prev = row.RowHash;
            expectedId = row.Id + 1;
            if (++checkedRows % 10_000 == 0) progress?.Invoke(checkedRows);
        }
        return new(true, checkedRows, null, null, anchor?.Id, unchained);
    }

    /// <summary>
    /// Deletes the oldest rows older than the retention as one whole prefix of the chain (never a row in the middle),
    /// after verifying the chain, and records an anchor so that the rest still verifies. Runs as the table's owner:
    /// the append-only triggers are lifted for the deletion only, inside its transaction.
    /// </summary>
    public static async Task<(long Pruned, long? ThroughId)> PruneAsync(ApprovalDb db, byte[] key, DateTimeOffset now, int retentionDays, CancellationToken ct = default)
    {
        if (retentionDays < AuditOptions.MinimumRetentionDays)
            throw new InvalidOperationException($"Audit:RetentionDays must be at least {AuditOptions.MinimumRetentionDays} (等保 2.0: logs kept at least six months).");
        var verification = await VerifyAsync(db, key, ct: ct);
        if (!verification.Intact) throw new InvalidOperationException($"not pruning a broken chain: {verification.Problem}");
        var cutoff = now.AddDays(-retentionDays);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, ct);
        (long Id, string? RowHash)? through = null;
        await foreach (var row in db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.At, a.RowHash }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (row.At >= cutoff) break;
            through = (row.Id, row.RowHash);
        }
        if (through is not { RowHash: not null } last) return (0, null);
        var throughHash = last.RowHash!;
        await LiftTriggersAsync(db, lift: true, ct);
        var throughId = last.Id;
        var pruned = await db.AuditEntries.Where(a => a.Id <= throughId).ExecuteDeleteAsync(ct);
        await LiftTriggersAsync(db, lift: false, ct);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        db.AuditAnchors.Add(new AuditAnchor { Id = throughId, ThroughHash = throughHash, AnchoredAt = at, PrunedRows = pruned, Mac = AnchorMac(key, throughId, throughHash, at, pruned) });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (pruned, throughId);
    }

    private static Task LiftTriggersAsync(ApprovalDb db, bool lift, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            return db.Database.ExecuteSqlRawAsync(lift ? "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change" : "ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change", ct);
        if (db.Database.IsSqlServer())
            return db.Database.ExecuteSqlRawAsync(lift ? "DISABLE TRIGGER [audit_entries_no_change] ON [audit_entries]" : "ENABLE TRIGGER [audit_entries_no_change] ON [audit_entries]", ct);
        return db.Database.ExecuteSqlRawAsync(lift
            ? "DROP TRIGGER audit_entries_no_delete"
            : "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END", ct);
    }

    private static bool FixedTimeEquals(string? a, string b) =>
        a is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}

/// <summary>Configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const int MinimumRetentionDays = 180;

    /// <summary>How long audit rows are kept before <c>prune-audit</c> may delete them (at least 180 days).</summary>
    public int RetentionDays { get; set; } = MinimumRetentionDays;
}

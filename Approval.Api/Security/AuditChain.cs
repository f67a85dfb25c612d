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

/// <summary>
/// What <see cref="AuditChain.VerifyAsync"/> found: intact, or the first row that breaks a chain and why; the chains
/// walked and the anchor each of them starts from after a pruning.
/// </summary>
public sealed record AuditVerification(bool Intact, long Checked, long? FirstBadId, string? Problem, IReadOnlyList<long> AnchorIds, long Unchained, int Chains);

/// <summary>
/// The audit as hash chains: <c>row_hash = HMAC-SHA256(Security:AuditKey, id ‖ at ‖ actor ‖ role ‖ action ‖ resource ‖
/// subject ‖ detail ‖ prev_hash)</c> with <c>prev_hash</c> the previous row's hash in the same chain; within a chain ids
/// follow each other without gaps. An edited, back-dated or deleted row breaks its chain at that row (or the one after
/// it). There are <see cref="ChainsFor"/> chains, each an id range of its own (<see cref="Stride"/>), so that that many
/// writers append at once; appends to one chain are serialised (PostgreSQL advisory transaction lock, SQL Server
/// application lock, SQLite's write lock) so that two writers never chain to the same row. Rows written before the
/// chain existed (no hash) may only precede chain 0.
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

    /// <summary>Ids of chain <c>c</c> are <c>c × Stride + 1, + 2, …</c>: a row's id names its chain and its place in it.</summary>
    public const long Stride = 1_000_000_000_000;

    /// <summary>
    /// How many chains writers spread over: each has its own append lock, so up to that many transactions append at
    /// once. SQLite has one writer at a time anyway.
    /// </summary>
    public static int ChainsFor(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? 1 : 8;

    public static int ChainOf(long id) => (int)(id / Stride);

    /// <summary>The ids of a chain, <c>[From, To)</c>; chain 0 also holds the rows older than the chains (any id below its range).</summary>
    private static (long From, long To) IdRange(int chain) => (chain == 0 ? long.MinValue : chain * Stride, (chain + 1) * Stride);

    private static int nextChain;

    /// <summary>Inside the caller's transaction: takes a chain's append lock and gives the new rows their ids and hashes.</summary>
    internal static async Task AppendAsync(ApprovalDb db, IReadOnlyList<AuditEntry> added, CancellationToken ct)
    {
        var key = db.Protector.AuditKey ?? throw new InvalidOperationException("The audit chain needs Security:AuditKey (or Security:LookupKey).");
        var chains = ChainsFor(db.Provider);
        var firstChoice = (int)((uint)Interlocked.Increment(ref nextChain) % (uint)chains);
        var (chain, last, anchor) = db.Provider == DatabaseProvider.PostgreSql
            ? await LockAndReadTailNpgsqlAsync(db, firstChoice, chains, ct)
            : await LockAndReadTailAsync(db, firstChoice, ct);
        var (id, prev) = last is { } l && (anchor is null || l.Id > anchor.Value.Id)
            ? (l.Id, l.Hash ?? "")
            : anchor is { } a ? (a.Id, a.Hash!) : (chain * Stride, "");
        foreach (var entry in added.OrderBy(a => a.At))
        {
            entry.Id = ++id;
            entry.PrevHash = prev;
            entry.RowHash = prev = RowHash(key, entry, prev);
        }
        if (db.Provider == DatabaseProvider.SqlServer) await db.Database.ExecuteSqlRawAsync("SET IDENTITY_INSERT [audit_entries] ON", ct);
    }

    /// <summary>The chain's append lock, then its last row and newest anchor (each read after the lock is held).</summary>
    private static async Task<(int Chain, (long Id, string? Hash)? Last, (long Id, string? Hash)? Anchor)> LockAndReadTailAsync(ApprovalDb db, int chain, CancellationToken ct)
    {
        await LockAsync(db, chain, ct);
        var (from, to) = IdRange(chain);
        var last = await db.AuditEntries.AsNoTracking().Where(a => a.Id >= from && a.Id < to).OrderByDescending(a => a.Id).Select(a => new { a.Id, a.RowHash }).FirstOrDefaultAsync(ct);
        var anchor = await db.AuditAnchors.AsNoTracking().Where(a => a.Id >= from && a.Id < to).OrderByDescending(a => a.Id).Select(a => new { a.Id, a.ThroughHash }).FirstOrDefaultAsync(ct);
        return (chain, last is null ? null : (last.Id, last.RowHash), anchor is null ? null : (anchor.Id, anchor.ThroughHash));
    }

    /// <summary>
    /// PostgreSQL: one round trip to <c>audit_chain_lock</c> (db/postgresql/0009_audit_chains.sql), which locks the
    /// first free chain from <paramref name="firstChoice"/> on, so that a writer waits only when every chain is taken.
    /// </summary>
    private static async Task<(int Chain, (long Id, string? Hash)? Last, (long Id, string? Hash)? Anchor)> LockAndReadTailNpgsqlAsync(ApprovalDb db, int firstChoice, int chains, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"SELECT chain, last_id, last_hash, anchor_id, anchor_hash FROM audit_chain_lock({firstChoice}, {chains})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        (long, string?)? last = reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        (long, string?)? anchor = reader.IsDBNull(3) ? null : (reader.GetInt64(3), reader.GetString(4));
        return (reader.GetInt32(0), last, anchor);
    }

    /// <summary>Chain 0 keeps the key of the single chain before it, so that an older process still appending to it is excluded.</summary>
    private static long PostgresLockKey(int chain) => LockKey + ((long)chain << 32);

    private static Task LockAsync(ApprovalDb db, int chain, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.PostgreSql) return db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey(chain)})", ct);
        if (db.Provider == DatabaseProvider.SqlServer)
        {
            var resource = chain == 0 ? "approval_audit_chain" : $"approval_audit_chain_{chain}";
            return db.Database.ExecuteSqlAsync($"""
                DECLARE @result int;
                EXEC @result = sp_getapplock @Resource = {resource}, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 30000;
                IF @result < 0 THROW 50003, 'could not take the audit append lock', 1;
                """, ct);
        }
        // SQLite: the transaction began with BEGIN IMMEDIATE, which holds the database's write lock
        return Task.CompletedTask;
    }

    /// <summary>
    /// Walks every chain from its newest anchor (or its first row) to its end, in one pass in id order: a chain's rows
    /// are one id range. Chain 0 may begin with rows older than the chain (no hash); any other chain starts at its first id.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(ApprovalDb db, byte[] key, Action<long>? progress = null, CancellationToken ct = default)
    {
        var anchors = new SortedDictionary<int, AuditAnchor>();
        foreach (var anchor in await db.AuditAnchors.AsNoTracking().OrderBy(a => a.Id).ToListAsync(ct))
            anchors[ChainOf(anchor.Id)] = anchor;
        List<long> anchorIds = [.. anchors.Values.Select(a => a.Id)];
        foreach (var anchor in anchors.Values)
            if (!FixedTimeEquals(anchor.Mac, AnchorMac(key, anchor.Id, anchor.ThroughHash, anchor.AnchoredAt, anchor.PrunedRows)))
                return new(false, 0, anchor.Id, $"the audit anchor through row {anchor.Id} does not carry a valid MAC", anchorIds, 0, 0);
        var chains = new HashSet<int>(anchors.Keys);
        var chain = int.MinValue;
        long? expectedId = null;
        string? prev = null;
        long checkedRows = 0, unchained = 0, after = long.MinValue;
        await foreach (var row in db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (ChainOf(row.Id) != chain)
            {
                chain = ChainOf(row.Id);
                chains.Add(chain);
                var anchor = anchors.GetValueOrDefault(chain);
                after = anchor?.Id ?? long.MinValue;
                (expectedId, prev) = anchor is not null ? (anchor.Id + 1, anchor.ThroughHash) : chain == 0 ? ((long?)null, (string?)null) : (chain * Stride + 1, "");
            }
            if (row.Id <= after) continue;
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
            if (problem is not null) return new(false, checkedRows, row.Id, $"audit row {row.Id} {problem}", anchorIds, unchained, chains.Count);
            prev = row.RowHash;
            expectedId = row.Id + 1;
            if (++checkedRows % 10_000 == 0) progress?.Invoke(checkedRows);
        }
        return new(true, checkedRows, null, null, anchorIds, unchained, chains.Count);
    }

    /// <summary>
    /// Deletes, in every chain, its oldest rows older than the retention as one whole prefix (never a row in the
    /// middle), after verifying the chains, and records an anchor per chain so that the rest still verifies. Holds every
    /// chain's append lock meanwhile. Runs as the table's owner: the append-only triggers are lifted for the deletion
    /// only, inside its transaction. Returns the rows deleted and, per chain pruned, the last deleted id.
    /// </summary>
    public static async Task<(long Pruned, IReadOnlyList<long> ThroughIds)> PruneAsync(ApprovalDb db, byte[] key, DateTimeOffset now, int retentionDays, CancellationToken ct = default)
    {
        if (retentionDays < AuditOptions.MinimumRetentionDays)
            throw new InvalidOperationException($"Audit:RetentionDays must be at least {AuditOptions.MinimumRetentionDays} (等保 2.0: logs kept at least six months).");
        var verification = await VerifyAsync(db, key, ct: ct);
        if (!verification.Intact) throw new InvalidOperationException($"not pruning a broken chain: {verification.Problem}");
        var cutoff = now.AddDays(-retentionDays);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var chains = Math.Max(ChainsFor(db.Provider), ChainOf(await db.AuditEntries.MaxAsync(a => (long?)a.Id, ct) ?? 0) + 1);
        for (var chain = 0; chain < chains; chain++) await LockAsync(db, chain, ct);
        var through = new List<(long Id, string Hash)>();
        for (var chain = 0; chain < chains; chain++)
        {
            var (from, to) = IdRange(chain);
            (long Id, string? RowHash)? last = null;
            var rows = db.AuditEntries.AsNoTracking().Where(a => a.Id >= from && a.Id < to).OrderBy(a => a.Id).Select(a => new { a.Id, a.At, a.RowHash });
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                if (row.At >= cutoff) break;
                last = (row.Id, row.RowHash);
            }
            if (last is { RowHash: { } hash } l) through.Add((l.Id, hash));
        }
        if (through.Count == 0) return (0, []);
        await LiftTriggersAsync(db, lift: true, ct);
        var pruned = new List<long>();
        foreach (var (id, _) in through)
        {
            var from = IdRange(ChainOf(id)).From;
            pruned.Add(await db.AuditEntries.Where(a => a.Id >= from && a.Id <= id).ExecuteDeleteAsync(ct));
        }
        await LiftTriggersAsync(db, lift: false, ct);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        foreach (var ((id, hash), rows) in through.Zip(pruned))
            db.AuditAnchors.Add(new AuditAnchor { Id = id, ThroughHash = hash, AnchoredAt = at, PrunedRows = rows, Mac = AnchorMac(key, id, hash, at, rows) });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (pruned.Sum(), [.. through.Select(t => t.Id)]);
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

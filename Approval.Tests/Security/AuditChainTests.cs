using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Approval.Tests.Security;

/// <summary>
/// The audit chains over HTTP and straight in the database: concurrent writers spread over the chains and keep each one
/// without gaps; an edited, back-dated or deleted row is caught and named by <c>GET /api/admin/audit/verification</c>;
/// pruning keeps them verifiable.
/// </summary>
public abstract class AuditChainTests(IProtectedApi fixture)
{
    private readonly ApiFactory _api = fixture.Api;

    private async Task<AuditVerificationDto> VerifyAsync()
    {
        var response = await _api.ClientAs(Roles.Admin).GetAsync("/api/admin/audit/verification");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuditVerificationDto>(JsonSerializerOptions.Web))!;
    }

    /// <summary>Audited actions: a submission and reads of it; returns the ids of the audit rows they wrote.</summary>
    private async Task<List<long>> WriteRowsAsync(int reads)
    {
        HashSet<long> before;
        await using (var db = _api.NewDb()) before = [.. await db.AuditEntries.Select(a => a.Id).ToListAsync()];
        var body = new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = SampleFacts.DisabilityApplicant(TestIds.Person("1982-02-02", Random.Shared.Next(50))) };
        var created = await _api.ClientAs(Roles.Clerk).PostAsync("/api/applications", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var admin = _api.ClientAs(Roles.Admin);
        var statuses = await Task.WhenAll(Enumerable.Range(0, reads).Select(_ => admin.GetAsync($"/api/applications/{id}")));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        await using var after = _api.NewDb();
        return [.. (await after.AuditEntries.Select(a => a.Id).ToListAsync()).Where(i => !before.Contains(i)).Order()];
    }

    [Fact]
    public async Task Verify_ConcurrentWriters_EveryChainUnbrokenWithoutGaps()
    {
        var ids = await WriteRowsAsync(reads: 12);

        Assert.Equal(13, ids.Count);
        var chains = ids.GroupBy(AuditChain.ChainOf).ToList();
        Assert.True(AuditChain.ChainsFor(_api.Provider) == 1 ? chains.Count == 1 : chains.Count > 1, $"{chains.Count} chains");
        var result = await VerifyAsync();
        Assert.True(result.Intact, result.Problem);
        Assert.True(result.CheckedRows >= 13);
        Assert.True(result.Chains >= chains.Count);
        await using var db = _api.NewDb();
        // other writers' rows may sit between ours in a chain, but never a hole
        foreach (var chain in chains)
        {
            var (from, to) = (chain.Min(), chain.Max());
            var stored = await db.AuditEntries.Where(a => a.Id >= from && a.Id <= to).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
            Assert.Equal(Enumerable.Range(0, (int)(to - from + 1)).Select(i => from + i), stored);
        }
        var actor = await db.AuditEntries.Where(a => a.Id == ids[0]).Select(a => a.Actor).SingleAsync();
        Assert.Matches("^[0-9a-f]{64}$", actor);
    }

    [Fact]
    public async Task Verify_FirstRowOfAChainDeleted_NamesTheRowAfterIt()
    {
        await WriteRowsAsync(reads: 12);
        var first = await FirstRowOfAChainAsync();
        if (AuditChain.ChainsFor(_api.Provider) == 1)
        {
            Assert.Null(first);  // SQLite: chain 0 only, whose first row may be preceded by rows older than the chain
            return;
        }
        var target = first ?? throw new InvalidOperationException("13 appends should have opened a second chain");

        var original = await TamperAsync("delete", target);
        var broken = await VerifyAsync();
        await RepairAsync(original);

        Assert.False(broken.Intact);
        Assert.Equal(target + 1, broken.FirstBadId);
        Assert.Contains($"rows {target}–{target}", broken.Problem);
        Assert.True((await VerifyAsync()).Intact);
    }

    /// <summary>The first row of a chain other than chain 0 that has a row after it.</summary>
    private async Task<long?> FirstRowOfAChainAsync()
    {
        await using var db = _api.NewDb();
        var seconds = Enumerable.Range(1, 64).Select(c => c * AuditChain.Stride + 2).ToList();
        var present = await db.AuditEntries.Where(a => seconds.Contains(a.Id)).Select(a => a.Id - 1).ToListAsync();
        return present.Count == 0 ? null : present.Min();
    }

    [Theory]
    [InlineData("edit")]
    [InlineData("backdate")]
    [InlineData("delete")]
    public async Task Verify_RowChangedInTheDatabase_NamesTheRow(string tampering)
    {
        var ids = await WriteRowsAsync(reads: 12);
        // a row with a successor in its chain: deleting a chain's last row is not visible in the chain itself
        var target = ids.First(i => ids.Contains(i + 1));
        Assert.True((await VerifyAsync()).Intact);

        var original = await TamperAsync(tampering, target);
        var broken = await VerifyAsync();
        await RepairAsync(original);

        Assert.False(broken.Intact);
        Assert.Equal(tampering == "delete" ? target + 1 : target, broken.FirstBadId);
        Assert.Contains($"row {broken.FirstBadId}", broken.Problem);
        var repaired = await VerifyAsync();
        Assert.True(repaired.Intact, repaired.Problem);
    }

    [Fact]
    public async Task Prune_RowsOlderThanRetention_DeletesAWholePrefixAndTheChainStillVerifies()
    {
        var old = await WriteRowsAsync(reads: 2);
        fixture.Clock.Advance(TimeSpan.FromDays(200));
        var recent = await WriteRowsAsync(reads: 2);
        var key = _api.Service<FieldProtector>().AuditKey!;

        await using (var db = _api.NewDb())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => AuditChain.PruneAsync(db, key, fixture.Clock.GetUtcNow(), retentionDays: 90));
            var (pruned, through) = await AuditChain.PruneAsync(db, key, fixture.Clock.GetUtcNow(), retentionDays: 180);
            var lastOldPerChain = old.GroupBy(AuditChain.ChainOf).Select(c => c.Max()).ToList();
            Assert.Subset(through.ToHashSet(), lastOldPerChain.ToHashSet());
            Assert.True(pruned >= old.Count);
            Assert.False(await db.AuditEntries.AnyAsync(a => old.Contains(a.Id)));
            Assert.Equal(recent.Count, await db.AuditEntries.CountAsync(a => recent.Contains(a.Id)));
            Assert.Equal(through.Count, through.Select(AuditChain.ChainOf).Distinct().Count());
        }
        var afterPrune = await VerifyAsync();
        Assert.True(afterPrune.Intact, afterPrune.Problem);
        Assert.Subset(afterPrune.AnchorIds.ToHashSet(), old.GroupBy(AuditChain.ChainOf).Select(c => c.Max()).ToHashSet());

        await WriteRowsAsync(reads: 1);
        Assert.True((await VerifyAsync()).Intact);
    }

    /// <summary>Changes a row as someone with the owner's rights would (lifting the append-only triggers); returns the row as it was.</summary>
    private async Task<AuditEntry> TamperAsync(string tampering, long id)
    {
        await using var db = _api.NewDb();
        var original = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Id == id);
        var sql = tampering switch
        {
            "edit" => $"UPDATE audit_entries SET detail = 'nothing to see' WHERE id = {id}",
            "backdate" => _api.Provider == DatabaseProvider.Sqlite
                ? $"UPDATE audit_entries SET at = '2020-01-01 00:00:00+00:00' WHERE id = {id}"
                : $"UPDATE audit_entries SET at = at - interval '3 days' WHERE id = {id}",
            _ => $"DELETE FROM audit_entries WHERE id = {id}",
        };
        await WithoutTriggersAsync(db, sql);
        return original;
    }

    private async Task RepairAsync(AuditEntry original)
    {
        await using var db = _api.NewDb();
        await WithoutTriggersAsync(db, $"DELETE FROM audit_entries WHERE id = {original.Id}");
        db.Database.SetCommandTimeout(30);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_entries (id, at, actor, role, action, resource, subject_hash, detail, prev_hash, row_hash)
            VALUES ({original.Id}, {original.At}, {original.Actor}, {original.Role}, {original.Action}, {original.Resource}, {original.SubjectHash}, {original.Detail}, {original.PrevHash}, {original.RowHash})
            """);
    }

    private async Task WithoutTriggersAsync(ApprovalDb db, string sql)
    {
        if (_api.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;");
            await db.Database.ExecuteSqlRawAsync(sql);
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
                CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
                """);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change");
            await db.Database.ExecuteSqlRawAsync(sql);
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change");
        }
    }
}

public sealed class AuditChainSqliteTests(ProtectedSqliteApi api) : AuditChainTests(api), IClassFixture<ProtectedSqliteApi>;

public sealed class AuditChainPostgresTests(ProtectedPostgresApi api) : AuditChainTests(api), IClassFixture<ProtectedPostgresApi>;

/// <summary>db/dba/postgresql-roles.sql on a real database: the service role writes business tables but cannot change the audit.</summary>
public sealed class ServiceRolePostgresTests(ProtectedPostgresApi api) : IClassFixture<ProtectedPostgresApi>
{
    [Fact]
    public async Task ServiceRole_UpdateOrDeleteAudit_IsDeniedButInsertAndBusinessWritesWork()
    {
        await api.ClientAs(Roles.Admin).GetAsync("/api/admin/audit/verification");
        var role = $"approval_service_{Guid.NewGuid():N}"[..40];
        var script = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "db", "dba", "postgresql-roles.sql"))).Replace("approval_service", role);
        await using (var owner = new NpgsqlConnection(api.ConnectionString))
        {
            await owner.OpenAsync();
            await using var cmd = new NpgsqlCommand(script, owner);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            await using var service = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(api.ConnectionString) { Username = role, Password = "unused", Pooling = false }.ConnectionString);
            await service.OpenAsync();
            async Task<string?> Run(string sql)
            {
                try
                {
                    await using var c = new NpgsqlCommand(sql, service);
                    await c.ExecuteNonQueryAsync();
                    return null;
                }
                catch (PostgresException e)
                {
                    return e.SqlState;
                }
            }

            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await Run("UPDATE audit_entries SET detail = 'x'"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await Run("DELETE FROM audit_entries"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await Run("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await Run("DELETE FROM audit_anchors"));
            Assert.Null(await Run("SELECT count(*) FROM audit_entries"));
            Assert.Null(await Run("UPDATE applications SET rating = rating"));
            Assert.Null(await Run("INSERT INTO audit_entries (id, at, actor, role, action, resource) VALUES (-1, now(), 'a', 'r', 'x', 'y')"));
        }
        finally
        {
            await using var owner = new NpgsqlConnection(api.ConnectionString);
            await owner.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"", owner);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

using System.Globalization;
using Approval.Api.Applications;
using Approval.Api.Data;
using Approval.Api.SharedData;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Security;

/// <summary>
/// Operator commands on the database named by the configuration (run them as the owner role):
/// <c>migrate</c>, <c>reencrypt</c>, <c>verify-audit</c> and <c>prune-audit</c>.
/// </summary>
public static class DataCommands
{
    private const int BatchSize = 500;

    public static async Task<int> RunAsync(string command, IConfiguration configuration, TextWriter output, CancellationToken ct = default)
    {
        var protector = FieldProtector.FromConfiguration(configuration, new PersonalData(PersonalOptions(configuration)));
        var (provider, options) = Connect(configuration, protector);
        ApprovalDb NewDb() => new(options);
        switch (command)
        {
            case "migrate":
            {
                await using var db = NewDb();
                var applied = await SchemaMigrator.MigrateAsync(db, provider, ct);
                output.WriteLine(applied.Count == 0 ? "migrate: the database is up to date" : $"migrate: applied {string.Join(", ", applied)}");
                return 0;
            }
            case "reencrypt":
                if (!protector.Enabled) throw new InvalidOperationException("reencrypt needs Security:DataKey or Security:DataKeys with Security:DataKeyId.");
                var personal = new PersonalData(PersonalOptions(configuration));
                long total = 0;
                total += await ReencryptAsync<Application>(NewDb, q => q.OrderBy(a => a.Id), output, a =>
                {
                    if (!IsHash(a.SubmittedBy)) a.SubmittedBy = personal.Hash(a.SubmittedBy);
                }, ct);
                total += await ReencryptAsync<WorkflowInstance>(NewDb, q => q.OrderBy(i => i.Id), output, null, ct);
                total += await ReencryptAsync<WorkflowItem>(NewDb, q => q.OrderBy(i => i.InstanceId).ThenBy(i => i.Code), output, null, ct);
                total += await ReencryptAsync<HumanTask>(NewDb, q => q.OrderBy(t => t.Id), output, null, ct);
                total += await ReencryptAsync<WorkflowHistoryEntry>(NewDb, q => q.OrderBy(h => h.Id), output, null, ct);
                total += await ReencryptAsync<Notification>(NewDb, q => q.OrderBy(n => n.Id), output, null, ct);
                total += await ReencryptAsync<ApplicationMaterial>(NewDb, q => q.OrderBy(m => m.Id), output, null, ct);
                total += await ReencryptAsync<ComplaintTask>(NewDb, q => q.OrderBy(c => c.Id), output, null, ct);
                total += await ReencryptAsync<SharedRecord>(NewDb, q => q.OrderBy(r => r.Id), output, null, ct);
                output.WriteLine($"reencrypt: {total} rows now encrypted with key '{protector.KeyId}'");
                return 0;
            case "verify-audit":
            {
                await using var db = NewDb();
                var result = await AuditChain.VerifyAsync(db, AuditKey(protector), n => output.WriteLine($"verify-audit: {n} rows checked"), ct);
                output.WriteLine(result.Intact
                    ? $"verify-audit: intact, {result.Checked} rows in {result.Chains} chain(s){(result.AnchorIds.Count > 0 ? $" after the anchors at rows {string.Join(", ", result.AnchorIds)}" : "")}{(result.Unchained > 0 ? $", {result.Unchained} older rows without a chain" : "")}"
                    : $"verify-audit: BROKEN at row {result.FirstBadId}: {result.Problem}");
                return result.Intact ? 0 : 1;
            }
            case "prune-audit":
            {
                var days = configuration.GetValue<int?>("Audit:RetentionDays") ?? AuditOptions.MinimumRetentionDays;
                await using var db = NewDb();
                var (pruned, through) = await AuditChain.PruneAsync(db, AuditKey(protector), DateTimeOffset.UtcNow, days, ct);
                output.WriteLine(through.Count == 0
                    ? $"prune-audit: nothing older than {days} days"
                    : $"prune-audit: deleted {pruned} rows through rows {string.Join(", ", through)} (one per chain); each chain now starts from its anchor");
                return 0;
            }
            default:
                throw new ArgumentException($"unknown command '{command}'");
        }
    }

    private static byte[] AuditKey(FieldProtector protector) =>
        protector.AuditKey ?? throw new InvalidOperationException("Security:AuditKey (or Security:LookupKey) is not set.");

    private static PersonalDataOptions PersonalOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection("Security").Get<PersonalDataOptions>() ?? new PersonalDataOptions();
        if (options.Problems().FirstOrDefault() is { } problem) throw new InvalidOperationException(problem);
        return options;
    }

    private static bool IsHash(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigitLower);

    private static (DatabaseProvider, DbContextOptions<ApprovalDb>) Connect(IConfiguration configuration, FieldProtector protector)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connection = configuration.GetConnectionString(DatabaseSetup.ConnectionName);
        if (options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connection))
        {
            var root = configuration["contentRoot"] ?? Directory.GetCurrentDirectory();
            connection = $"Data Source={Path.Combine(Path.GetFullPath(options.DataFolder, root), "approval.db")}";
        }
        if (string.IsNullOrWhiteSpace(connection))
            throw new InvalidOperationException($"ConnectionStrings:{DatabaseSetup.ConnectionName} is not set.");
        return (options.Provider, (DbContextOptions<ApprovalDb>)DatabaseSetup.Configure(new DbContextOptionsBuilder<ApprovalDb>(), options.Provider, connection).UseFieldProtector(protector).Options);
    }

    /// <summary>Rewrites every protected column of every row of <typeparamref name="T"/> with the current key, a batch at a time.</summary>
    private static async Task<long> ReencryptAsync<T>(Func<ApprovalDb> newDb, Func<IQueryable<T>, IOrderedQueryable<T>> order, TextWriter output,
        Action<T>? also, CancellationToken ct) where T : class
    {
        var columns = ProtectedColumns.For(typeof(T));
        var name = columns[0].Table;
        long done = 0;
        while (true)
        {
            await using var db = newDb();
            var batch = await order(db.Set<T>()).Skip((int)done).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var entity in batch)
            {
                var entry = db.Entry(entity);
                foreach (var column in columns) entry.Property(column.Property).IsModified = true;
                also?.Invoke(entity);
            }
            await db.SaveChangesAsync(ct);
            done += batch.Count;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reencrypt: {name}: {done} rows"));
        }
        return done;
    }
}

using Approval.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Approval.Api.Applications;

/// <summary>
/// Receipt numbers <c>YJS-yyyyMMdd-NNNNNN</c>: a per-day counter incremented by one atomic
/// <c>UPDATE … RETURNING</c> (PostgreSQL and SQLite) or <c>UPDATE … OUTPUT</c> (SQL Server), so concurrent submissions never collide.
/// </summary>
public static class ReceiptNumbers
{
    public static async Task<string> NextAsync(ApprovalDb db, DateOnly day, CancellationToken ct)
    {
        var value = await IncrementAsync(db, day, ct);
        if (value is null)
        {
            // first receipt of the day: start after any numbers already issued that day
            if (db.Provider == DatabaseProvider.SqlServer)
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO receipt_counters (day, last_value) SELECT {day}, COUNT(*) FROM applications WHERE submitted_on = {day}
                    AND NOT EXISTS (SELECT 1 FROM receipt_counters WITH (UPDLOCK, HOLDLOCK) WHERE day = {day})
                    """, ct);
            else
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO receipt_counters (day, last_value) SELECT {day}, COUNT(*) FROM applications WHERE submitted_on = {day} ON CONFLICT (day) DO NOTHING", ct);
            value = await IncrementAsync(db, day, ct);
        }
        return $"YJS-{day:yyyyMMdd}-{value:D6}";
    }

    private static async Task<long?> IncrementAsync(ApprovalDb db, DateOnly day, CancellationToken ct) =>
        db.Provider == DatabaseProvider.PostgreSql ? await IncrementNpgsqlAsync(db, day, ct) : (await (db.Provider == DatabaseProvider.SqlServer
                ? db.Database.SqlQuery<long>($"UPDATE receipt_counters SET last_value = last_value + 1 OUTPUT inserted.last_value AS [Value] WHERE day = {day}")
                : db.Database.SqlQuery<long>($"UPDATE receipt_counters SET last_value = last_value + 1 WHERE day = {day} RETURNING last_value AS \"Value\""))
            .ToListAsync(ct)).Cast<long?>().SingleOrDefault();

    /// <summary>PostgreSQL: the same statement as a plain command (EF Core's raw-SQL query pipeline cost ≈ 3 % of a submission).</summary>
    private static async Task<long?> IncrementNpgsqlAsync(ApprovalDb db, DateOnly day, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("UPDATE receipt_counters SET last_value = last_value + 1 WHERE day = $1 RETURNING last_value",
                (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
            if (db.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
            return await command.ExecuteScalarAsync(ct) is long value ? value : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

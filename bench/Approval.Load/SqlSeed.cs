using System.Diagnostics;
using Npgsql;

/// <summary>
/// <c>--seed-sql true</c>: tops the store up with copies of one application made over HTTP, inside PostgreSQL, instead of
/// submitting them one by one (100,000 HTTP submissions take many minutes here). The template is the newest application whose
/// workflow was resumed least often (preferably never: every item's first task still open); each copy gets new ids for the application, instance,
/// tasks, timers and history rows (items are keyed by instance), a unique receipt number, no idempotency key, and creation
/// times shifted by its sequence number in milliseconds, so the inbox sorts them as distinct submissions of the same day.
/// Each table's column list is read from <c>information_schema</c>, so the copy follows the schema; the columns that must
/// differ per copy are replaced by expressions. Copies go in chunks of <see cref="Chunk"/>, one transaction each, with
/// progress on the console. Foreign-key triggers are skipped for the load (<c>session_replication_role = replica</c>, as
/// <c>pg_restore --disable-triggers</c> does): every copied row points at a row of the same copy. The audit line and
/// notifications of a submission are not copied (nothing reads them in the load test). VACUUM ANALYZE follows, as
/// autovacuum would do after a bulk load.
/// </summary>
static class SqlSeed
{
    const int Chunk = 50_000;

    static readonly (string Table, string Alias, string From, Dictionary<string, string> Replace)[] Tables =
    [
        ("applications", "a", "applications a CROSS JOIN seed_map m WHERE a.id = (SELECT id FROM seed_template)", new()
        {
            ["id"] = "m.id", ["receipt_number"] = "'SEED-' || lpad(m.n::text, 9, '0')", ["idempotency_key"] = "NULL",
            ["request_hash"] = "NULL", ["submitted_at"] = "a.submitted_at + m.n",
        }),
        ("workflow_instances", "i", "workflow_instances i CROSS JOIN seed_map m WHERE i.id = (SELECT id FROM seed_template)", new()
        {
            ["id"] = "m.id", ["created_at"] = "i.created_at + m.n",
        }),
        ("workflow_items", "x", "workflow_items x CROSS JOIN seed_map m WHERE x.instance_id = (SELECT id FROM seed_template)", new()
        {
            ["instance_id"] = "m.id",
        }),
        ("workflow_tasks", "t", "workflow_tasks t JOIN seed_tasks s ON s.old_id = t.id JOIN seed_map m ON m.n = s.n", new()
        {
            ["id"] = "s.id", ["instance_id"] = "m.id", ["created_at"] = "t.created_at + m.n",
        }),
        ("workflow_timers", "x", "workflow_timers x CROSS JOIN seed_map m LEFT JOIN seed_tasks s ON s.n = m.n AND s.old_id = x.task_id WHERE x.instance_id = (SELECT id FROM seed_template)", new()
        {
            ["id"] = "gen_random_uuid()", ["instance_id"] = "m.id", ["task_id"] = "s.id", ["created_at"] = "x.created_at + m.n",
        }),
        ("workflow_history", "h", "workflow_history h CROSS JOIN seed_map m LEFT JOIN seed_tasks s ON s.n = m.n AND s.old_id = h.task_id WHERE h.instance_id = (SELECT id FROM seed_template)", new()
        {
            ["id"] = "gen_random_uuid()", ["instance_id"] = "m.id", ["task_id"] = "s.id", ["at"] = "h.at + m.n",
        }),
    ];

    public static async Task RunAsync(string connectionString, int count)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task Exec(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
        await Exec("CREATE TEMP TABLE seed_template AS SELECT id FROM workflow_instances ORDER BY version, created_at DESC, id LIMIT 1");
        await using (var check = new NpgsqlCommand("SELECT count(*) FROM seed_template", connection))
            if ((long)(await check.ExecuteScalarAsync())! == 0) throw new InvalidOperationException("--seed-sql: no application to copy (submit some first)");

        var inserts = new List<string>();
        foreach (var (table, alias, from, replace) in Tables)
        {
            var columns = new List<string>();
            await using (var read = new NpgsqlCommand(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position", connection))
            {
                read.Parameters.AddWithValue(table);
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
            }
            var unknown = replace.Keys.Except(columns).ToList();
            if (unknown.Count > 0) throw new InvalidOperationException($"--seed-sql: {table} has no column {string.Join(", ", unknown)} (the schema changed; update SqlSeed)");
            inserts.Add($"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) SELECT "
                + string.Join(", ", columns.Select(c => replace.TryGetValue(c, out var e) ? e : $"{alias}.\"{c}\"")) + $" FROM {from};");
        }

        for (var first = 1; first <= count; first += Chunk)
        {
            var last = Math.Min(count, first + Chunk - 1);
            await Exec($"""
                BEGIN;
                SET LOCAL session_replication_role = replica;
                CREATE TEMP TABLE seed_map ON COMMIT DROP AS SELECT n, gen_random_uuid() AS id FROM generate_series({first}, {last}) AS n;
                CREATE TEMP TABLE seed_tasks ON COMMIT DROP AS SELECT m.n, t.id AS old_id, gen_random_uuid() AS id
                  FROM seed_map m CROSS JOIN workflow_tasks t WHERE t.instance_id = (SELECT id FROM seed_template);
                CREATE INDEX ON seed_tasks (n, old_id);
                ANALYZE seed_map; ANALYZE seed_tasks;
                {string.Join("\n", inserts)}
                COMMIT;
                """);
            Console.WriteLine($"  seeded {last:N0} of {count:N0} ({clock.Elapsed.TotalSeconds:N0} s)");
        }
        await Exec("VACUUM ANALYZE applications, workflow_instances, workflow_items, workflow_tasks, workflow_timers, workflow_history");
        Console.WriteLine($"seeded {count:N0} applications in PostgreSQL in {clock.Elapsed.TotalSeconds:N1} s");
    }
}

using System.Diagnostics;
using Npgsql;

/// <summary>
/// <c>--seed-sql true</c>: tops the store up with copies of one application made over HTTP, inside PostgreSQL, instead of
/// submitting them one by one (100,000 HTTP submissions take many minutes here). The template is the newest application whose
/// workflow was resumed least often (preferably never: every item's first task still open); each copy gets new ids for the application, instance,
/// tasks, timers and history rows (items are keyed by instance), a unique receipt number, no idempotency key, and creation
/// times shifted by its sequence number in milliseconds, so the inbox sorts them as distinct submissions of the same day.
/// Rows are copied column by column through <c>jsonb_populate_record</c>, so the copy follows the schema. The audit line and
/// notifications of a submission are not copied (nothing reads them in the load test). VACUUM ANALYZE follows, as autovacuum
/// would do after a bulk load.
/// </summary>
static class SqlSeed
{
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
        await Exec($"""
            CREATE TEMP TABLE seed_template AS SELECT id FROM workflow_instances ORDER BY version, created_at DESC, id LIMIT 1;
            CREATE TEMP TABLE seed_map AS SELECT n, gen_random_uuid() AS id FROM generate_series(1, {count}) AS n;
            CREATE TEMP TABLE seed_tasks AS SELECT m.n, t.id AS old_id, gen_random_uuid() AS id
              FROM seed_map m CROSS JOIN workflow_tasks t WHERE t.instance_id = (SELECT id FROM seed_template);
            CREATE INDEX ON seed_tasks (n, old_id);
            ANALYZE seed_template; ANALYZE seed_map; ANALYZE seed_tasks;
            """);
        await using (var check = new NpgsqlCommand("SELECT count(*) FROM seed_template", connection))
            if ((long)(await check.ExecuteScalarAsync())! == 0) throw new InvalidOperationException("--seed-sql: no application to copy (submit some first)");
        await Exec("""
            BEGIN;
            INSERT INTO applications SELECT (jsonb_populate_record(NULL::applications, to_jsonb(a) || jsonb_build_object(
                'id', m.id, 'receipt_number', 'SEED-' || lpad(m.n::text, 9, '0'), 'idempotency_key', NULL, 'request_hash', NULL,
                'submitted_at', a.submitted_at + m.n))).*
              FROM applications a CROSS JOIN seed_map m WHERE a.id = (SELECT id FROM seed_template);
            INSERT INTO workflow_instances SELECT (jsonb_populate_record(NULL::workflow_instances, to_jsonb(i) || jsonb_build_object(
                'id', m.id, 'created_at', i.created_at + m.n))).*
              FROM workflow_instances i CROSS JOIN seed_map m WHERE i.id = (SELECT id FROM seed_template);
            INSERT INTO workflow_items SELECT (jsonb_populate_record(NULL::workflow_items, to_jsonb(x) || jsonb_build_object('instance_id', m.id))).*
              FROM workflow_items x CROSS JOIN seed_map m WHERE x.instance_id = (SELECT id FROM seed_template);
            INSERT INTO workflow_tasks SELECT (jsonb_populate_record(NULL::workflow_tasks, to_jsonb(t) || jsonb_build_object(
                'id', s.id, 'instance_id', m.id, 'created_at', t.created_at + m.n))).*
              FROM workflow_tasks t JOIN seed_tasks s ON s.old_id = t.id JOIN seed_map m ON m.n = s.n;
            INSERT INTO workflow_timers SELECT (jsonb_populate_record(NULL::workflow_timers, to_jsonb(x) || jsonb_build_object(
                'id', gen_random_uuid(), 'instance_id', m.id, 'task_id', s.id, 'created_at', x.created_at + m.n))).*
              FROM workflow_timers x CROSS JOIN seed_map m LEFT JOIN seed_tasks s ON s.n = m.n AND s.old_id = x.task_id
              WHERE x.instance_id = (SELECT id FROM seed_template);
            INSERT INTO workflow_history SELECT (jsonb_populate_record(NULL::workflow_history, to_jsonb(h) || jsonb_build_object(
                'id', gen_random_uuid(), 'instance_id', m.id, 'task_id', s.id, 'at', h.at + m.n))).*
              FROM workflow_history h CROSS JOIN seed_map m LEFT JOIN seed_tasks s ON s.n = m.n AND s.old_id = h.task_id
              WHERE h.instance_id = (SELECT id FROM seed_template);
            COMMIT;
            """);
        await Exec("VACUUM ANALYZE");
        Console.WriteLine($"seeded {count:N0} applications in PostgreSQL in {clock.Elapsed.TotalSeconds:N1} s");
    }
}

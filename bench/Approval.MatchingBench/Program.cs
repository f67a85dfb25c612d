using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Approval.Api.Security;
using Approval.Rules.Identifiers;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

// Matching bench (issue 12 point 2): seeds --persons registry persons straight into shared_records (bulk insert: PostgreSQL
// binary COPY or one SQLite transaction; subjects keyed-hashed and attributes encrypted as the import would store them),
// then starts a matching run through the running API and reports persons/s from the run's own start and finish instants.
var options = Options(args);
var persons = int.Parse(options.GetValueOrDefault("persons", "1000000"));
var provider = options.GetValueOrDefault("provider", "postgresql");
var connection = options["connection"];
var personal = new PersonalData(new PersonalDataOptions { LookupKey = options["lookup-key"] });
var protector = FieldProtector.FromConfiguration(options.GetValueOrDefault("data-key"));
var seed = int.Parse(options.GetValueOrDefault("seed", "12"));

var clock = Stopwatch.StartNew();
var counts = provider == "sqlite" ? SeedSqlite(connection) : await SeedPostgresAsync(connection);
var seeding = clock.Elapsed;
Console.WriteLine($"seeded {persons:N0} persons, {counts.Sum(c => c.Value):N0} records ({string.Join(", ", counts.Select(c => $"{c.Key} {c.Value:N0}"))}) in {seeding.TotalSeconds:F1} s");

if (!options.TryGetValue("url", out var url)) return 0;
using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options["token"]);
var bundle = options.GetValueOrDefault("bundle", "disability-assistance");
var started = await http.PostAsJsonAsync($"/api/admin/bundles/{bundle}/matching-runs", new { asOf = options.GetValueOrDefault("as-of", "2026-12-01") });
if (!started.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
var location = started.Headers.Location!.ToString();
Console.WriteLine($"run {location}");
var wall = Stopwatch.StartNew();
JsonElement run;
while (true)
{
    await Task.Delay(TimeSpan.FromSeconds(5));
    run = await http.GetFromJsonAsync<JsonElement>(location);
    var processed = run.GetProperty("processed").GetInt32();
    Console.WriteLine($"{wall.Elapsed.TotalSeconds,6:F0} s  {run.GetProperty("state").GetString(),-8} {processed,9:N0} / {run.GetProperty("total").GetInt32():N0}  matched {run.GetProperty("matched").GetInt32():N0}  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    if (run.GetProperty("state").GetString() is "finished" or "failed") break;
}
var seconds = (run.GetProperty("finishedAt").GetDateTimeOffset() - run.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
var total = run.GetProperty("processed").GetInt32();
Console.WriteLine($"RESULT {run.GetProperty("state").GetString()}: {total:N0} persons in {seconds:F1} s = {total / seconds:N0} persons/s, {run.GetProperty("matched").GetInt32():N0} matched ({provider}, {Environment.ProcessorCount} cores)");
var page = await http.GetFromJsonAsync<JsonElement>($"{location}/matches?pageSize=2");
Console.WriteLine($"first matches: {page.GetProperty("items").GetRawText()}");
if (options.GetValueOrDefault("invite") == "true" && run.GetProperty("state").GetString() == "finished")
{
    var timer = Stopwatch.StartNew();
    var invited = await http.PostAsync($"{location}/invitations", null);
    var body = await invited.Content.ReadAsStringAsync();
    Console.WriteLine($"invitations: {(int)invited.StatusCode} {body} in {timer.Elapsed.TotalSeconds:F1} s");
}
return run.GetProperty("state").GetString() == "finished" ? 0 : 1;

IEnumerable<(string Source, string Subject, string Json, DateOnly? From)> Records()
{
    var random = new Random(seed);
    var categories = new[] { "visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple" };
    var surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗".ToCharArray();
    var given = "明华建国秀英玉兰志强桂芳海燕文军红梅丽娟".ToCharArray();
    for (var n = 0; n < persons; n++)
    {
        var birth = new DateOnly(1936, 1, 1).AddDays(n % 27_000);
        var first17 = $"371581{birth:yyyyMMdd}{n / 27_000 % 1000:D3}";
        var id = first17 + ChineseId.ComputeCheck(first17);
        var name = $"{surnames[random.Next(surnames.Length)]}{given[random.Next(given.Length)]}{given[random.Next(given.Length)]}";
        var region = random.Next(100) < 95 ? "371581" : "371502";
        yield return ("population-registry", id, $$"""{"name":"{{name}}","hukouRegion":"{{region}}"}""", null);
        var roll = random.Next(1000);
        if (roll < 40) yield return ("civil-affairs", id, """{"status":"dibao"}""", new DateOnly(2025, 1, 1));
        else if (roll < 50) yield return ("civil-affairs", id, """{"status":"tekun"}""", new DateOnly(2025, 1, 1));
        else if (roll < 70) yield return ("civil-affairs", id, """{"status":"lowIncome"}""", new DateOnly(2025, 1, 1));
        if (random.Next(100) < 6)
        {
            var category = random.Next(categories.Length);
            var grade = 1 + random.Next(4);
            yield return ("e-certificate", id, $$"""{"number":"{{id}}{{category + 1}}{{grade}}","category":"{{categories[category]}}","grade":{{grade}}}""", null);
        }
        if (random.Next(100) < 30)
            yield return ("hrss-pension", id, $$"""{"enrolled":true,"receiving":{{(birth.Year < 1966 ? "true" : "false")}}}""", null);
        if (random.Next(100) < 5) yield return ("bank-registry", id, """{"bank":"农商银行"}""", null);
    }
}

(string Source, string Hash, string Attributes, DateOnly? From) Stored((string Source, string Subject, string Json, DateOnly? From) r, string batch)
{
    var hash = personal.Hash(r.Subject);
    return (r.Source, hash, protector.Protect(r.Json, $"shared_records.attributes_json/{r.Source}:{hash}:{batch}"), r.From);
}

async Task<Dictionary<string, long>> SeedPostgresAsync(string cs)
{
    var counts = new Dictionary<string, long>();
    const string batch = "bench-matching";
    await using var db = new NpgsqlConnection(cs);
    await db.OpenAsync();
    await using (var clear = new NpgsqlCommand("DELETE FROM shared_records", db)) await clear.ExecuteNonQueryAsync();
    await using (var writer = await db.BeginBinaryImportAsync(
                     "COPY shared_records (source, subject_hash, attributes_json, valid_from, valid_to, imported_at, batch) FROM STDIN (FORMAT BINARY)"))
    {
        var at = DateTime.UtcNow;
        foreach (var record in Records())
        {
            var (source, hash, attributes, from) = Stored(record, batch);
            await writer.StartRowAsync();
            await writer.WriteAsync(source, NpgsqlDbType.Varchar);
            await writer.WriteAsync(hash, NpgsqlDbType.Varchar);
            await writer.WriteAsync(attributes, NpgsqlDbType.Text);
            if (from is { } f) await writer.WriteAsync(f, NpgsqlDbType.Date); else await writer.WriteNullAsync();
            await writer.WriteNullAsync();
            await writer.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(batch, NpgsqlDbType.Varchar);
            counts[source] = counts.GetValueOrDefault(source) + 1;
        }
        await writer.CompleteAsync();
    }
    await using (var analyze = new NpgsqlCommand("ANALYZE shared_records", db)) await analyze.ExecuteNonQueryAsync();
    return counts;
}

Dictionary<string, long> SeedSqlite(string cs)
{
    var counts = new Dictionary<string, long>();
    const string batch = "bench-matching";
    using var db = new SqliteConnection(cs);
    db.Open();
    using (var clear = db.CreateCommand()) { clear.CommandText = "DELETE FROM shared_records"; clear.ExecuteNonQuery(); }
    using var tx = db.BeginTransaction();
    using var insert = db.CreateCommand();
    insert.CommandText = "INSERT INTO shared_records (source, subject_hash, attributes_json, valid_from, valid_to, imported_at, batch) VALUES ($s, $h, $a, $f, NULL, $t, $b)";
    var (s, h, a, f, t, b) = (insert.Parameters.Add("$s", SqliteType.Text), insert.Parameters.Add("$h", SqliteType.Text), insert.Parameters.Add("$a", SqliteType.Text),
        insert.Parameters.Add("$f", SqliteType.Text), insert.Parameters.Add("$t", SqliteType.Text), insert.Parameters.Add("$b", SqliteType.Text));
    t.Value = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz");
    b.Value = batch;
    insert.Prepare();
    foreach (var record in Records())
    {
        var (source, hash, attributes, from) = Stored(record, batch);
        (s.Value, h.Value, a.Value, f.Value) = (source, hash, attributes, from is { } d ? d.ToString("yyyy-MM-dd") : DBNull.Value);
        insert.ExecuteNonQuery();
        counts[source] = counts.GetValueOrDefault(source) + 1;
    }
    tx.Commit();
    using (var analyze = db.CreateCommand()) { analyze.CommandText = "ANALYZE"; analyze.ExecuteNonQuery(); }
    return counts;
}

static Dictionary<string, string> Options(string[] args)
{
    var result = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected '{args[i]}'");
        result[args[i][2..]] = args[i + 1];
    }
    return result;
}

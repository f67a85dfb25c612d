using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Security;
using Approval.Rules.Identifiers;

// Load test of the running API over HTTP: submissions/s, decisions/s and inbox latency.
// bench/load.sh starts PostgreSQL and the API and runs this; see the README for the command.
var options = Args.Parse(args);
var auth = new AuthOptions { SigningKey = options.SigningKey };
var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
var http = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(60) };
string Token(string role, string? department = null) => TokenIssuer.Issue(auth, TimeProvider.System, role, department, lifetime: TimeSpan.FromHours(6));
var clerk = Token(Roles.Clerk);
var medical = Token(Roles.Reviewer, "medical-security");
var civil = Token(Roles.Reviewer, "civil-affairs");
var sequence = options.SequenceStart;
var readers = Math.Max(1, options.Clients / 2);
var inboxStart = Stopwatch.GetTimestamp();

Console.WriteLine($"target {options.Url}, {options.Clients} concurrent clients, {Environment.ProcessorCount} cores on this machine");

async Task<bool> Submit()
{
    var n = Interlocked.Increment(ref sequence);
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Body(n) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clerk);
    request.Headers.Add("Idempotency-Key", $"load-{options.SequenceStart}-{n}");
    using var response = await http.SendAsync(request);
    return response.StatusCode == HttpStatusCode.Created;
}

// the open A4 review tasks of medical-security, oldest first
async Task<ConcurrentQueue<string>> OpenReviews(int count)
{
    var ids = new ConcurrentQueue<string>();
    for (var page = 1; ids.Count < count; page++)
    {
        var batch = await Get(medical, $"/api/tasks?department=medical-security&status=open&sort=createdAt&page={page}&pageSize=100");
        var items = batch.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").ToString()).ToList();
        if (items.Count == 0) break;
        foreach (var id in items.Take(count - ids.Count)) ids.Enqueue(id);
    }
    return ids;
}

async Task<bool> Approve(ConcurrentQueue<string> ids)
{
    if (!ids.TryDequeue(out var id)) return false;
    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{id}/decisions")
    {
        Content = new StringContent("""{ "action": "approve" }""", Encoding.UTF8, "application/json"),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", medical);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
}

// 0. warm-up (not measured): a server runs with its code JIT-compiled and its caches filled, so the phases below measure
// that steady state; the warm-up's own figures are printed on one line.
if (options.Warmup > 0)
{
    var warm = await Phase.Run("warm-up submissions", options.Clients, options.Warmup, Submit, quiet: true);
    var warmIds = await OpenReviews(options.Warmup / 2);
    var warmDecisions = await Phase.Run("warm-up decisions", options.Clients, warmIds.Count, () => Approve(warmIds), quiet: true);
    Console.WriteLine($"warm-up (not in the table): {warm.Operations:N0} submissions ({warm.Failed} failed), {warmDecisions.Operations:N0} decisions ({warmDecisions.Failed} failed)");
}

// 1. submissions: bundle A at the window (accepted on the spot; every item's first task opens)
Phase.Cpu = new CpuMeter(options.ApiPid, options.PgPid);
var submit = await Phase.Run("submissions (bundle A, window)", options.Clients, options.Submissions, Submit);

// 2. decisions: approve the open A4 review tasks of medical-security (each decision decides its item)
var taskIds = await OpenReviews(options.Decisions);
var decide = await Phase.Run("decisions (A4 approve)", options.Clients, taskIds.Count, () => Approve(taskIds));

// 3. inbox latency with a large store: top up to the target count, then page through civil-affairs' inbox
if (options.Stored > 0)
{
    var missing = Math.Max(0, options.Stored - options.Submissions - options.Warmup);
    if (missing > 0 && options.SeedSql)
        await SqlSeed.RunAsync(options.Postgres ?? throw new ArgumentException("--seed-sql needs --postgres <connection string>"), missing);
    else if (missing > 0)
        await Phase.Run($"seeding {missing:N0} more applications", options.Clients, missing, async () =>
        {
            var n = Interlocked.Increment(ref sequence);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Body(n) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clerk);
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.Created;
        }, quiet: true);
}
// the inbox's own warm-up runs here, after any seeding, so that its code and PostgreSQL's cache of the store are warm
if (options.Warmup > 0)
{
    var warmInbox = await Phase.Run("warm-up inbox", readers, Math.Min(options.Warmup / 10, 1000), () => ReadInbox(), quiet: true);
    Console.WriteLine($"inbox warm-up (not in the table): {warmInbox.Operations:N0} pages ({warmInbox.Failed} failed)");
}
inboxStart = Stopwatch.GetTimestamp();
var inboxSamples = new ConcurrentBag<InboxSample>();
var inbox = await Phase.Run("inbox (civil-affairs, open, 20 per page)", readers, options.InboxReads, () => ReadInbox(inboxSamples));
InboxSample.PrintTail(inboxSamples);

Console.WriteLine();
Console.WriteLine("| measure | operations | failed | per second | p50 ms | p99 ms | API CPU ms/op | PostgreSQL CPU ms/op | load tool CPU ms/op | API peak RSS MB |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var r in new[] { submit, decide, inbox }) Console.WriteLine(r.Row());
return submit.Failed + decide.Failed + inbox.Failed == 0 ? 0 : 1;

// a random page 1–49 of civil-affairs' open tasks, 20 per page (Random.Shared: the readers run concurrently); with samples,
// each page's number, start and latency are kept, so the tail can be placed by page depth and by second
async Task<bool> ReadInbox(ConcurrentBag<InboxSample>? samples = null)
{
    var page = Random.Shared.Next(1, 50);
    var start = Stopwatch.GetTimestamp();
    using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tasks?department=civil-affairs&status=open&sort=dueDate&page={page}&pageSize=20");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", civil);
    using var response = await http.SendAsync(request);
    samples?.Add(new InboxSample(page, Stopwatch.GetElapsedTime(inboxStart, start).TotalSeconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
    return response.IsSuccessStatusCode;
}

async Task<JsonElement> Get(string token, string path)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, path);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return await response.Content.ReadFromJsonAsync<JsonElement>();
}

StringContent Body(int n)
{
    var birth = new DateOnly(1940, 1, 1).AddDays(n / 1000 % 20000);
    var first17 = $"371581{birth:yyyyMMdd}{n % 1000:D3}";
    var facts = new JsonObject
    {
        ["applicant"] = new JsonObject { ["idNumber"] = first17 + ChineseId.ComputeCheck(first17), ["name"] = "测试申请人", ["phone"] = "13800138000", ["hukouRegion"] = "371581" },
        ["disability"] = new JsonObject { ["hasCertificate"] = false, ["category"] = "physical", ["needsLongTermCare"] = true },
        ["household"] = new JsonObject { ["dibao"] = true },
        ["pension"] = new JsonObject { ["enrolled"] = true, ["receiving"] = false },
        ["evidence"] = new JsonObject { ["identityVerified"] = true },
    };
    var body = new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = facts };
    return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
}

static class Percentile
{
    /// <summary>The q-quantile (0–1) of ascending values, nearest rank; 0 when there are none.</summary>
    public static double Of(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}

/// <summary>One measured inbox page: its number, when it started (seconds into the phase) and its latency.</summary>
sealed record InboxSample(int Page, double StartSeconds, double Ms)
{
    /// <summary>Where the inbox's tail is: p50/p99 by page depth (the OFFSET grows with it), and the p99 of each whole second
    /// of the phase (a pause, a checkpoint or a vacuum shows as a few bad seconds; a uniform tail does not).</summary>
    public static void PrintTail(IReadOnlyCollection<InboxSample> samples)
    {
        if (samples.Count == 0) return;
        static double P(IEnumerable<double> values, double q) => Percentile.Of(values.Order().ToArray(), q);
        var bands = new[] { (1, 10), (11, 25), (26, 40), (41, 49) }.Select(b =>
        {
            var ms = samples.Where(s => s.Page >= b.Item1 && s.Page <= b.Item2).Select(s => s.Ms).ToList();
            return $"pages {b.Item1}–{b.Item2}: p50 {P(ms, 0.5):N1} p99 {P(ms, 0.99):N1} ms";
        });
        Console.WriteLine($"inbox by depth: {string.Join("; ", bands)}");
        var seconds = samples.GroupBy(s => (int)s.StartSeconds).Where(g => g.Count() >= 100).Select(g => (Second: g.Key, P99: P(g.Select(s => s.Ms), 0.99))).ToList();
        if (seconds.Count == 0) return;
        var worst = seconds.OrderByDescending(s => s.P99).Take(3).Select(s => $"{s.P99:N1} ms (second {s.Second})");
        Console.WriteLine($"inbox p99 per second: median {P(seconds.Select(s => s.P99), 0.5):N1} ms over {seconds.Count} s; worst {string.Join(", ", worst)}");
        var over = samples.Count(s => s.Ms > 20);
        Console.WriteLine($"inbox pages over 20 ms: {over:N0} of {samples.Count:N0} ({100.0 * over / samples.Count:N2} %)");
    }
}

sealed record PhaseResult(string Name, int Operations, int Failed, TimeSpan Elapsed, double P50, double P99, double ApiCpuMs, double PgCpuMs,
    double LoadCpuMs, double ApiRssMb)
{
    public string Row() => $"| {Name} | {Operations:N0} | {Failed:N0} | {Operations / Elapsed.TotalSeconds:N0} | {P50:N1} | {P99:N1} | {Per(ApiCpuMs)} | {Per(PgCpuMs)} | {Per(LoadCpuMs)} | {(ApiRssMb < 0 ? "–" : ApiRssMb.ToString("N0"))} |";

    private string Per(double ms) => ms < 0 || Operations == 0 ? "–" : (ms / Operations).ToString("N2");
}

/// <summary>CPU seconds used by the API process and the PostgreSQL server (postmaster, its live backends and the children it
/// reaped), read from /proc. Unlike throughput, CPU per operation barely moves when other work shares the machine.</summary>
sealed class CpuMeter(int apiPid, int pgPid)
{
    private static readonly double Tick = 100.0; // USER_HZ on Linux

    public (double Api, double Pg) Read() => (apiPid > 0 ? Own(apiPid) : -1, pgPid > 0 ? Postgres() : -1);

    /// <summary>CPU seconds used by this load generator itself, so that its share of the machine is visible.</summary>
    public static double Self() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>The API's resident set in MB (VmRSS), or -1 without an API process id.</summary>
    public double ApiRssMb()
    {
        if (apiPid <= 0) return -1;
        try
        {
            var line = File.ReadLines($"/proc/{apiPid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { return -1; }
    }

    private double Postgres()
    {
        var total = Own(pgPid, withReapedChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != pgPid && Stat(pid) is { } f && f[1] == pgPid.ToString())
                total += (long.Parse(f[11]) + long.Parse(f[12])) / Tick;
        return total;
    }

    private static double Own(int pid, bool withReapedChildren = false) => Stat(pid) is { } f
        ? (long.Parse(f[11]) + long.Parse(f[12]) + (withReapedChildren ? long.Parse(f[13]) + long.Parse(f[14]) : 0)) / Tick
        : 0;

    /// <summary>Fields of /proc/pid/stat after the command name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

static class Phase
{
    public static CpuMeter Cpu { get; set; } = new(0, 0);

    public static async Task<PhaseResult> Run(string name, int clients, int operations, Func<Task<bool>> operation, bool quiet = false)
    {
        var cpuBefore = Cpu.Read();
        var selfBefore = CpuMeter.Self();
        var peakRss = Cpu.ApiRssMb();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, Cpu.ApiRssMb());
                try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= operations)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await operation(); } catch (HttpRequestException) { ok = false; }
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref failed);
            }
        }));
        clock.Stop();
        var cpuAfter = Cpu.Read();
        var selfAfter = CpuMeter.Self();
        await sampling.CancelAsync();
        await sampler;
        peakRss = Math.Max(peakRss, Cpu.ApiRssMb());
        var sorted = latencies.Order().ToArray();
        double P(double q) => Percentile.Of(sorted, q);
        var result = new PhaseResult(name, sorted.Length, failed, clock.Elapsed, P(0.50), P(0.99),
            cpuBefore.Api < 0 ? -1 : (cpuAfter.Api - cpuBefore.Api) * 1000, cpuBefore.Pg < 0 ? -1 : (cpuAfter.Pg - cpuBefore.Pg) * 1000,
            (selfAfter - selfBefore) * 1000, peakRss);
        if (!quiet || failed > 0) Console.WriteLine($"{name}: {result.Operations:N0} in {clock.Elapsed.TotalSeconds:N1} s, {failed} failed");
        return result;
    }
}

sealed record Args(string Url, string SigningKey, int Clients, int Submissions, int Decisions, int Stored, int InboxReads, int SequenceStart,
    int ApiPid, int PgPid, bool SeedSql, string? Postgres, int Warmup)
{
    public static Args Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        int Int(string key, int fallback) => map.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
        return new Args(
            map.GetValueOrDefault("url") ?? "http://127.0.0.1:5090",
            map.GetValueOrDefault("signing-key") ?? Environment.GetEnvironmentVariable("Auth__SigningKey") ?? throw new ArgumentException("--signing-key"),
            Int("clients", 32), Int("submissions", 5000), Int("decisions", 5000), Int("stored", 0), Int("inbox-reads", 2000),
            Int("sequence-start", 0), Int("api-pid", 0), Int("pg-pid", 0),
            map.GetValueOrDefault("seed-sql") is "true" or "1", map.GetValueOrDefault("postgres"), Int("warmup", 1000));
    }
}

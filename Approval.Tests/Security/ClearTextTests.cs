using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Tests.Applications;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Approval.Tests.Security;

/// <summary>Every log line the API writes, at every level.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>
/// The whole of bundle A through HTTP with known ID numbers, names, phone, file name and file content, then a dump of
/// every text and binary column of every table and of the logs: with <c>Security:DataKey</c> none of them is in clear.
/// </summary>
public abstract class ClearTextTests(IProtectedApi fixture, ITestOutputHelper output)
{
    private static int _people;
    private readonly ApiFactory _api = fixture.Api;

    private static StringContent Json(object body) => new(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Read(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    private sealed record Known(string IdNumber, string Guardian, string Name, string Phone, string Certificate, string FileName, string Comment);

    [Fact]
    public async Task WholeWorkflow_WithDataKey_LeavesNoPersonalDataInClearInTheDatabaseOrLogs()
    {
        var known = await RunWholeWorkflowAsync();

        var clear = await ColumnsHoldingAsync(known);
        var logs = fixture.Logs.Lines.Where(line => Needles(known).Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
        output.WriteLine($"columns holding clear personal data: {clear.Count} ({string.Join(", ", clear)}); log lines: {logs.Count} of {fixture.Logs.Lines.Count}");

        Assert.Empty(clear);
        Assert.Empty(logs);
    }

    private static IEnumerable<string> Needles(Known k) => [k.IdNumber, k.Guardian, k.Name, k.Phone, k.Certificate, k.FileName, k.Comment];

    private async Task<Known> RunWholeWorkflowAsync()
    {
        var n = Interlocked.Increment(ref _people);
        var person = TestIds.Person(new DateOnly(1981, 3, 1).AddDays(n * 7 + (int)fixture.Api.Provider * 50), 23);
        var guardian = TestIds.Person(new DateOnly(1941, 8, 1).AddDays(n), 29);
        var known = new Known(person, guardian, "欧阳明远" + (char)('甲' + n), $"1391234{5670 + n:D4}", person + "42", $"欧阳明远身份证{n}.pdf", "慕容秋水的投诉" + n);
        var admin = _api.ClientAs(Roles.Admin);
        var clerk = _api.ClientAs(Roles.Clerk);
        var applicant = _api.ClientAs(Roles.Applicant, subject: person);

        var shared = await admin.PostAsync("/api/admin/shared-data/population-registry",
            Json($$"""{ "records": [ { "subject": "{{person}}", "attributes": { "name": "{{known.Name}}", "hukouRegion": "371581", "guardians": ["{{guardian}}"] } } ] }"""));
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);

        var facts = SampleFacts.DisabilityApplicant(person);
        facts["applicant"]!["name"] = known.Name;
        facts["applicant"]!["phone"] = known.Phone;
        var submitted = await clerk.PostAsync("/api/applications", Json(new JsonObject { ["bundleCode"] = "disability-assistance", ["channel"] = "window", ["facts"] = facts }.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var id = (await Read(submitted)).GetProperty("id").GetString()!;

        var pdf = Encoding.UTF8.GetBytes($"%PDF-1.7\n% {person} {known.Name}\n1 0 obj\n<<>>\nendobj\n");
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var upload = await applicant.PostAsync($"/api/applications/{id}/materials/photo", new MultipartFormDataContent { { file, "file", known.FileName } });
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        await DecideAsync(id, "A2", "review", "civil-affairs", new { action = "approve" });
        await DecideAsync(id, "A3", "review", "civil-affairs", new { action = "approve" });
        await DecideAsync(id, "A4", "review", "medical-security", new { action = "approve" });
        await DecideAsync(id, "A5", "review", "hrss", new { action = "approve" });
        await DecideAsync(id, "A1", "review", "dpf", new { action = "approve" });
        await DecideAsync(id, "A1", "assessment", "designated-hospital", new { action = "submit", outputs = new { category = "physical", grade = 2 } });
        fixture.Clock.Advance(TimeSpan.FromDays(8));
        while (await _api.Service<WorkflowEngine>().RunTimersOnceAsync() > 0) { }
        await DecideAsync(id, "A1", "decision", "dpf", new { action = "approve" });
        await DecideAsync(id, "A2", "decision", "civil-affairs", new { action = "approve" });
        await DecideAsync(id, "A3", "decision", "civil-affairs", new { action = "approve" });
        await DecideAsync(id, "A5", "decision", "hrss", new { action = "approve", outputs = new { level = "full" } });

        // the lawful reader sees the values, staff see them masked
        var own = await Read(await applicant.GetAsync($"/api/applications/{id}"));
        Assert.Equal("completed", own.GetProperty("status").GetString());
        Assert.Contains(Strings(own), v => v.Contains(known.Certificate));
        var staff = await admin.GetAsync($"/api/applications/{id}");
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        Assert.DoesNotContain(person, await staff.Content.ReadAsStringAsync());
        var materials = await Read(await applicant.GetAsync($"/api/applications/{id}/materials"));
        Assert.Equal(known.FileName, materials.EnumerateArray().Single().GetProperty("fileName").GetString());

        var rating = await applicant.PostAsync($"/api/applications/{id}/rating", Json(new { score = 1, comment = known.Comment }));
        Assert.Equal(HttpStatusCode.OK, rating.StatusCode);
        var complaint = (await Read(rating)).GetProperty("complaintTaskId").GetString();
        var resolved = await _api.ClientAs(Roles.Reviewer, "service-hall").PostAsync($"/api/tasks/{complaint}/decisions",
            Json(new { action = "resolve", reason = $"已电话联系{known.Name}（{known.Phone}）" }));
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        return known;
    }

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    private async Task DecideAsync(string id, string item, string kind, string department, object body)
    {
        var app = await Read(await _api.ClientAs(Roles.Admin).GetAsync($"/api/applications/{id}"));
        var task = app.GetProperty("tasks").EnumerateArray().LastOrDefault(t =>
            (t.TryGetProperty("itemCode", out var i) ? i.GetString() : null) == item && t.GetProperty("kind").GetString() == kind && t.GetProperty("status").GetString() == "open");
        Assert.True(task.ValueKind == JsonValueKind.Object, $"no open {item} {kind} task: {app.GetProperty("tasks")} {app.GetProperty("items")} {string.Join('\n', fixture.Logs.Lines.Where(l => l.Contains("Error") || l.Contains("Warn")))}");
        var response = await _api.ClientAs(Roles.Reviewer, department).PostAsync($"/api/tasks/{task.GetProperty("id").GetString()}/decisions", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{item} {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary><c>table.column</c> of every column in which any known value appears in clear (text, or UTF-8 inside bytes).</summary>
    private async Task<IReadOnlyList<string>> ColumnsHoldingAsync(Known known)
    {
        var needles = Needles(known).ToList();
        await using var db = _api.NewDb();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var tables = await ListAsync(connection, _api.Provider == DatabaseProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
        Assert.Contains("audit_entries", tables);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    if (reader.IsDBNull(c)) continue;
                    var text = reader.GetValue(c) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    };
                    if (needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase))) found.Add($"{table}.{reader.GetName(c)}");
                }
        }
        return found.ToList();
    }

    private static async Task<List<string>> ListAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync();
        var result = new List<string>();
        while (await reader.ReadAsync()) result.Add(reader.GetString(0));
        return result;
    }
}

/// <summary>A workflow API whose personal data is encrypted at rest (<c>Security:DataKey</c>) and whose logs are captured.</summary>
public interface IProtectedApi : IWorkflowApi
{
    CapturedLogs Logs { get; }
    string DataKey { get; }
}

internal static class ProtectedSettings
{
    public static IEnumerable<KeyValuePair<string, string?>> With(string key) =>
    [
        new("Security:DataKey", key), new("Security:AuditKey", "test-audit-key-0123456789abcdef0123456789"),
        new("Workflows:RunTimers", "false"), new("Materials:Storage", "Database"), new("Materials:MaxBytes", "65536"),
        new("Logging:LogLevel:Default", "Debug"),
    ];

    public static void Configure(IWebHostBuilder builder, IProtectedApi api)
    {
        WorkflowClock.UseClock(builder, api.Clock);
        builder.ConfigureLogging(l => l.AddProvider(api.Logs));
    }
}

public sealed class ProtectedSqliteApi : SqliteApi, IProtectedApi
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public ApiFactory Api => this;
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);
    public CapturedLogs Logs { get; } = new();
    public string DataKey => _key;
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => ProtectedSettings.With(_key);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        ProtectedSettings.Configure(builder, this);
    }
}

public sealed class ProtectedPostgresApi : PostgresApi, IProtectedApi
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public ApiFactory Api => this;
    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);
    public CapturedLogs Logs { get; } = new();
    public string DataKey => _key;
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => ProtectedSettings.With(_key);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        ProtectedSettings.Configure(builder, this);
    }
}

public sealed class ClearTextSqliteTests(ProtectedSqliteApi api, ITestOutputHelper output) : ClearTextTests(api, output), IClassFixture<ProtectedSqliteApi>;

public sealed class ClearTextPostgresTests(ProtectedPostgresApi api, ITestOutputHelper output) : ClearTextTests(api, output), IClassFixture<ProtectedPostgresApi>;

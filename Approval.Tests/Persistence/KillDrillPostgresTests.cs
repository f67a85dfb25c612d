using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Tests.Support;
using Npgsql;

namespace Approval.Tests.Persistence;

/// <summary>
/// The kill -9 drill: the API runs as its own process on PostgreSQL, clerks submit concurrently, the process is killed
/// with SIGKILL in the middle, and after a restart every submission that was answered <c>201</c> is there in full
/// (application, workflow instance, its items, tasks and timers), no application is there in part, and the audit chain
/// still verifies.
/// </summary>
public sealed class KillDrillPostgresTests : IAsyncLifetime
{
    private readonly string _database = TestDatabases.NewPostgresName();

    public Task InitializeAsync() => TestDatabases.CreatePostgresAsync(_database);

    public Task DisposeAsync() => TestDatabases.DropPostgresAsync(_database);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private (Process Process, Uri Url) Start()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Approval.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Database__Provider"] = "PostgreSql";
        start.Environment["ConnectionStrings__Approval"] = TestDatabases.PostgresConnection(_database);
        start.Environment["Auth__SigningKey"] = TestKeys.Signing;
        start.Environment["Security__LookupKey"] = TestKeys.Lookup;
        start.Environment["RateLimits__Submissions__PermitLimit"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, new Uri($"http://127.0.0.1:{port}"));
    }

    private static async Task WaitReadyAsync(HttpClient http, Process process)
    {
        for (var i = 0; i < 600; i++)
        {
            Assert.False(process.HasExited, "the API exited during start-up");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        Assert.Fail("the API did not become ready within a minute");
    }

    private static async Task<string> TokenAsync(string role) =>
        (await ApiProcess.RunAsync(new Dictionary<string, string> { ["Auth__SigningKey"] = TestKeys.Signing }, "token", "--role", role)).Stdout.Trim();

    private static StringContent Submission(int n) => new(new JsonObject
    {
        ["bundleCode"] = "disability-assistance",
        ["channel"] = "window",
        ["facts"] = SampleFacts.DisabilityApplicant(TestIds.Person(new DateOnly(1960, 1, 1).AddDays(n % 9000), n)),
    }.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabases.PostgresConnection(_database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Submit_ApiKilledWithSigkillUnderLoad_EveryAcknowledgedSubmissionSurvivesWhole()
    {
        var clerk = await TokenAsync("clerk");
        var (api, url) = Start();
        var acknowledged = new List<Guid>();
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clerk);
            await WaitReadyAsync(http, api);

            var next = 0;
            var killed = false;
            async Task ClientAsync()
            {
                while (!Volatile.Read(ref killed))
                {
                    try
                    {
                        var response = await http.PostAsync("/api/applications", Submission(Interlocked.Increment(ref next)));
                        if (response.StatusCode != HttpStatusCode.Created) continue;
                        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                        lock (acknowledged) acknowledged.Add(id);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
                    {
                        // the process died under this request: it was never acknowledged
                    }
                }
            }
            var clients = Enumerable.Range(0, 16).Select(_ => Task.Run(ClientAsync)).ToList();
            for (var i = 0; i < 600 && Volatile.Read(ref next) < 300; i++) await Task.Delay(50);
            api.Kill(); // SIGKILL: no shutdown, no flush, requests in flight
            Volatile.Write(ref killed, true);
            await Task.WhenAll(clients);
            await api.WaitForExitAsync();
        }
        finally
        {
            if (!api.HasExited) api.Kill();
            api.Dispose();
        }
        Assert.True(acknowledged.Count >= 50, $"only {acknowledged.Count} submissions were acknowledged before the kill");

        var (restarted, restartedUrl) = Start();
        try
        {
            using var http = new HttpClient { BaseAddress = restartedUrl };
            await WaitReadyAsync(http, restarted);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clerk);
            var ids = string.Join(",", acknowledged.Select(id => $"'{id}'"));
            Assert.Equal(acknowledged.Count, await ScalarAsync($"SELECT count(*) FROM applications WHERE id IN ({ids})"));
            Assert.Equal(acknowledged.Count, await ScalarAsync($"SELECT count(*) FROM workflow_instances WHERE id IN ({ids})"));
            // nothing in part: every stored application has its instance, and every instance the rows a start writes
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM applications a WHERE NOT EXISTS (SELECT 1 FROM workflow_instances i WHERE i.id = a.id)"));
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM workflow_instances i WHERE (SELECT count(*) FROM workflow_items t WHERE t.instance_id = i.id) <> 5"));
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM workflow_instances i WHERE NOT EXISTS (SELECT 1 FROM workflow_tasks t WHERE t.instance_id = i.id) OR NOT EXISTS (SELECT 1 FROM workflow_timers t WHERE t.instance_id = i.id)"));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/applications/{acknowledged[^1]}")).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("admin"));
            var verification = await http.GetFromJsonAsync<JsonElement>("/api/admin/audit/verification");
            Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }
    }
}

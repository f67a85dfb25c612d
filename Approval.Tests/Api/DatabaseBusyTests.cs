using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Approval.Tests.Api;

/// <summary>A pool of two connections that gives up waiting after one second, so a test can hold the whole pool.</summary>
public sealed class SmallPoolPostgresApi : PostgresApi
{
    public override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(base.ConnectionString) { MaxPoolSize = 2, Timeout = 1 }.ConnectionString;
}

/// <summary>A SQLite file whose writers give up waiting for another writer's lock after one second.</summary>
public sealed class ImpatientSqliteApi : SqliteApi
{
    public override string ConnectionString => base.ConnectionString + ";Default Timeout=1";
}

/// <summary>
/// When the database cannot serve a request in time (here: every pooled connection is taken), the client gets 503 problem
/// details with Retry-After, not a 500, nothing is stored, and the same request succeeds once the database is free again.
/// </summary>
public sealed class DatabaseBusyPostgresTests(SmallPoolPostgresApi api) : IClassFixture<SmallPoolPostgresApi>
{
    internal static object Submission() => new { bundleCode = "disability-assistance", channel = "window", facts = SampleFacts.DisabilityApplicant() };

    /// <summary>Takes every connection of the API's pool (the test shares the API's process, so the same connection string is the same pool).</summary>
    private async Task<IAsyncDisposable> HoldThePoolAsync()
    {
        var held = new List<NpgsqlConnection>();
        for (var i = 0; i < 2; i++)
        {
            var connection = new NpgsqlConnection(api.ConnectionString);
            await connection.OpenAsync(); // waits for a background service's connection, if one is out, within the 1 s timeout
            held.Add(connection);
        }
        return new Held(held);
    }

    private sealed class Held(List<NpgsqlConnection> connections) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }

    internal static async Task AssertBusyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://approval.example/problems/database-busy", problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("服务暂不可用", problem.GetProperty("title").GetString());
        Assert.Equal(2, problem.GetProperty("retryAfter").GetInt32());
        Assert.DoesNotContain("Npgsql", problem.GetRawText());
    }

    [Fact]
    public async Task ListTasks_EveryPooledConnectionTaken_Is503WithRetryAfter_ThenListsOnceFree()
    {
        var reviewer = api.ClientAs(Roles.Reviewer, "civil-affairs");
        const string inbox = "/api/tasks?department=civil-affairs&status=open";

        await using (await HoldThePoolAsync())
            await AssertBusyAsync(await reviewer.GetAsync(inbox));

        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync(inbox)).StatusCode);
    }

    [Fact]
    public async Task Submit_EveryPooledConnectionTaken_Is503AndStoresNothing_ThenSubmitsOnceFree()
    {
        var clerk = api.ClientAs(Roles.Clerk);
        int stored;
        await using (var db = api.NewDb()) stored = db.Applications.Count();

        await using (await HoldThePoolAsync())
            await AssertBusyAsync(await clerk.PostAsJsonAsync("/api/applications", Submission()));

        await using (var db = api.NewDb()) Assert.Equal(stored, db.Applications.Count());
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync("/api/applications", Submission())).StatusCode);
    }
}

/// <summary>SQLite: another process holds the file's write lock past the connection's timeout.</summary>
public sealed class DatabaseBusySqliteTests(ImpatientSqliteApi api) : IClassFixture<ImpatientSqliteApi>
{
    [Fact]
    public async Task Submit_AnotherWriterHoldsTheFile_Is503AndStoresNothing_ThenSubmitsOnceFree()
    {
        var clerk = api.ClientAs(Roles.Clerk);
        int stored;
        await using (var db = api.NewDb()) stored = db.Applications.Count();

        await using (var writer = new SqliteConnection(api.ConnectionString))
        {
            await writer.OpenAsync();
            await using (var begin = writer.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }
            await DatabaseBusyPostgresTests.AssertBusyAsync(await clerk.PostAsJsonAsync("/api/applications", DatabaseBusyPostgresTests.Submission()));
        }

        await using (var db = api.NewDb()) Assert.Equal(stored, db.Applications.Count());
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync("/api/applications", DatabaseBusyPostgresTests.Submission())).StatusCode);
    }
}

public sealed class DatabaseBusyClassificationTests
{
    [Fact]
    public void DatabaseBusy_ProviderTimeoutOrTransientFailure_IsBusy()
    {
        Assert.True(ErrorHandling.DatabaseBusy(new NpgsqlException("pool exhausted", new TimeoutException())));
        Assert.True(ErrorHandling.DatabaseBusy(new InvalidOperationException("wrapped", new NpgsqlException("broken", new IOException()))));
        Assert.True(ErrorHandling.DatabaseBusy(new SqliteException("database is locked", 5)));
    }

    [Fact]
    public void DatabaseBusy_TimeoutOutsideTheDatabaseOrPermanentFailure_IsNotBusy()
    {
        Assert.False(ErrorHandling.DatabaseBusy(new System.Text.RegularExpressions.RegexMatchTimeoutException()));
        Assert.False(ErrorHandling.DatabaseBusy(new TimeoutException()));
        Assert.False(ErrorHandling.DatabaseBusy(new NpgsqlException("syntax")));
        Assert.False(ErrorHandling.DatabaseBusy(new SqliteException("constraint failed", 19)));
    }
}

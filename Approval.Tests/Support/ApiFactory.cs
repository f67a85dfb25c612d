using Approval.Api.Data;
using Approval.Api.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Approval.Tests.Support;

/// <summary>
/// The real API over HTTP on a real database of its own. The same test classes run under
/// <see cref="SqliteApi"/>, <see cref="PostgresApi"/> and <see cref="SqlServerApi"/>.
/// </summary>
public abstract class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public abstract DatabaseProvider Provider { get; }
    public abstract string ConnectionString { get; }

    /// <summary>Extra settings for a derived fixture (key → value).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting($"ConnectionStrings:{DatabaseSetup.ConnectionName}", ConnectionString);
        builder.UseSetting("Auth:SigningKey", TestKeys.Signing);
        builder.UseSetting("Security:LookupKey", TestKeys.Lookup);
        foreach (var limit in new[] { "Assessments", "Submissions", "Uploads", "FailedAuthentication" })
            builder.UseSetting($"RateLimits:{limit}:PermitLimit", "100000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public ApprovalDb NewDb()
    {
        var options = DatabaseSetup.Configure(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<ApprovalDb>(), Provider, ConnectionString)
            .UseFieldProtector(Service<FieldProtector>()).Options;
        return new ApprovalDb((Microsoft.EntityFrameworkCore.DbContextOptions<ApprovalDb>)options);
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// A client carrying a bearer token for the role (and department, for reviewers), minted afresh at the API's clock
    /// for each request that has no Authorization header of its own, so tokens stay valid while tests move the clock.
    /// </summary>
    public HttpClient ClientAs(string role, string? department = null, string? subject = null)
    {
        subject ??= $"{role}-{Guid.NewGuid():N}"[..20];
        var session = role == Roles.Kiosk ? Guid.NewGuid().ToString("N") : null; // one kiosk session per client
        return CreateDefaultClient(new FreshToken(() => Token(role, department, subject, session)));
    }

    private sealed class FreshToken(Func<string> token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.Authorization ??= new("Bearer", token());
            return base.SendAsync(request, ct);
        }
    }

    public string Token(string role, string? department = null, string? subject = null, string? session = null) =>
        TokenIssuer.Issue(Service<AuthOptions>(), Service<TimeProvider>(), role, department, subject, session: session);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await DropAsync();
    }

    protected abstract Task DropAsync();
}

public class SqliteApi : ApiFactory
{
    private readonly string _folder = TestDatabases.NewSqliteFolder();
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override string ConnectionString => $"Data Source={Path.Combine(_folder, "approval.db")};Pooling=False";

    protected override Task DropAsync()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

public class PostgresApi : ApiFactory
{
    private readonly string _database = TestDatabases.NewPostgresName();
    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
    public override string ConnectionString => TestDatabases.PostgresConnection(_database);

    public override Task InitializeAsync() => TestDatabases.CreatePostgresAsync(_database);
    protected override Task DropAsync() => TestDatabases.DropPostgresAsync(_database);
}

/// <summary>A database of its own on the SQL Server of <see cref="TestSqlServer"/>; classes using it carry <see cref="RequiresSqlServerAttribute"/>.</summary>
public class SqlServerApi : ApiFactory
{
    private readonly string _database = TestSqlServer.NewName();
    private string? _connection;
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
    public override string ConnectionString => _connection ?? throw new InvalidOperationException(TestSqlServer.NotAvailable);

    public override async Task InitializeAsync()
    {
        if (TestSqlServer.Available) _connection = await TestSqlServer.CreateAsync(_database);
    }

    protected override Task DropAsync() => _connection is null ? Task.CompletedTask : TestSqlServer.DropAsync(_database);
}

public static class TestKeys
{
    public const string Signing = "test-signing-key-0123456789abcdef0123456789";
    public const string Lookup = "test-lookup-key-0123456789abcdef01234567890";
}

public static class TestDatabases
{
    public const string PostgresVariable = "APPROVAL_TEST_POSTGRES";

    public static string Server =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: run the tests with ./test.sh, which starts a private PostgreSQL server " +
                "(or set it to a server connection string such as Host=127.0.0.1;Port=5432;Username=postgres).");

    public static string NewPostgresName() => $"approval_test_{Guid.NewGuid():N}";

    public static string NewSqliteFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "approval-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static string PostgresConnection(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = database, MaxPoolSize = 40 }.ConnectionString;

    public static async Task CreatePostgresAsync(string database)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task DropPostgresAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

using Approval.Tests.Support;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Approval.Tests.Support.SqlServerAwareTestFramework", "Approval.Tests")]

namespace Approval.Tests.Support;

/// <summary>
/// Marks a test class that needs a real SQL Server. Without <c>APPROVAL_TEST_SQLSERVER</c> (a connection string) and
/// without a Docker daemon announced by test.sh (<c>APPROVAL_TEST_SQLSERVER_DOCKER=1</c>), its tests are reported as
/// skipped with <see cref="TestSqlServer.NotAvailable"/> as the reason: never run against nothing, never a silent pass.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresSqlServerAttribute : Attribute;

/// <summary>SQL Server for the tests: the server named by the environment, or one container (Testcontainers) per test run.</summary>
public static class TestSqlServer
{
    public const string Variable = "APPROVAL_TEST_SQLSERVER";
    public const string DockerVariable = "APPROVAL_TEST_SQLSERVER_DOCKER";
    public const string NotAvailable = $"SQL Server: not tested (no {Variable} and no Docker)";

    public static bool Available =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } || Environment.GetEnvironmentVariable(DockerVariable) == "1";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured) return configured;
        if (Environment.GetEnvironmentVariable(DockerVariable) != "1") throw new InvalidOperationException(NotAvailable);
        var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync();
        return container.GetConnectionString();
    }

    public static string NewName() => $"approval_test_{Guid.NewGuid():N}";

    public static async Task<string> CreateAsync(string database)
    {
        var server = await Server.Value;
        await using var conn = new SqlConnection(new SqlConnectionStringBuilder(server) { InitialCatalog = "master", Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new SqlCommand($"CREATE DATABASE [{database}]", conn);
        await cmd.ExecuteNonQueryAsync();
        return new SqlConnectionStringBuilder(server) { InitialCatalog = database, MaxPoolSize = 40 }.ConnectionString;
    }

    public static async Task DropAsync(string database)
    {
        SqlConnection.ClearAllPools();
        await using var conn = new SqlConnection(new SqlConnectionStringBuilder(await Server.Value) { InitialCatalog = "master", Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new SqlCommand(
            $"IF DB_ID(N'{database}') IS NOT NULL BEGIN ALTER DATABASE [{database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{database}]; END", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>xUnit's own framework, except that the tests of a <see cref="RequiresSqlServerAttribute"/> class are skipped when no SQL Server is available.</summary>
public sealed class SqlServerAwareTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider sources, IMessageSink diagnostics)
        : XunitTestFrameworkDiscoverer(assembly, sources, diagnostics)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (TestSqlServer.Available || !testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresSqlServerAttribute)).Any()
                || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            var skipped = new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, TestSqlServer.NotAvailable);
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}

/// <summary>One skipped test per test method (a theory's rows are not expanded), carrying its reason through serialisation.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase() { }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string reason)
        : base(sink, display, options, method)
    {
        _reason = reason;
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("Reason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("Reason");
        base.Deserialize(data);
    }
}

using Approval.Api.Data;

namespace Approval.Tests.Persistence;

/// <summary>
/// Without a SQL Server: the committed db/sqlserver migrations, replayed on paper, give exactly the tables, columns,
/// keys and indexes that EF's SQL Server provider generates for the model (the same comparison MigrationTests makes on
/// a real server when one is available).
/// </summary>
public sealed class SqlServerScriptTests
{
    private static string Migrations(Func<string, string, string>? change = null) =>
        string.Join("\nGO\n", SchemaMigrator.For(DatabaseProvider.SqlServer).Select(m => change is null ? m.Sql : change(m.Id, m.Sql)));

    private static IReadOnlyList<string> Model() => SqlServerScript.Describe(DatabaseSetup.CreateScript(DatabaseProvider.SqlServer));

    [Fact]
    public void Migrations_ReplayedOnPaper_MatchTheModelScriptWithoutDrift()
    {
        var model = Model();

        Assert.Contains(model, line => line.StartsWith("table workflow_tasks: due_date date null", StringComparison.Ordinal));
        Assert.Contains(model, line => line.Contains("where idempotency_key is not null", StringComparison.Ordinal));
        Assert.Equal(model, SqlServerScript.Describe(Migrations()));
    }

    [Theory]
    [InlineData("0001_initial", "[content_hash] nvarchar(64) NOT NULL", "[content_hash] nvarchar(65) NOT NULL")]
    [InlineData("0003_applications_and_workflows", "[rating] int NULL", "[rating] bigint NULL")]
    [InlineData("0003_applications_and_workflows", "[company_hash] nvarchar(64) NULL", "[company_hash] nvarchar(64) NOT NULL")]
    [InlineData("0003_applications_and_workflows", "ON DELETE CASCADE", "")]
    [InlineData("0003_applications_and_workflows", "WHERE [idempotency_key] IS NOT NULL", "")]
    [InlineData("0004_receipt_counters", "    [last_value] bigint NOT NULL,\n", "")]
    [InlineData("0005_inbox_indexes", "[due_date], [created_at], [id]", "[due_date], [id]")]
    [InlineData("0005_inbox_indexes", "DROP INDEX [ix_workflow_tasks_department_status] ON [workflow_tasks];", "")]
    public void Migrations_WithOneChange_DriftFromTheModel(string migration, string from, string to)
    {
        var changed = Migrations((id, sql) =>
        {
            if (id != migration) return sql;
            Assert.Contains(from, sql);
            return sql.Replace(from, to);
        });

        Assert.NotEqual(Model(), SqlServerScript.Describe(changed));
    }

    [Fact]
    public void Migrations_WithAnUpdateStatement_AreRefusedByTheDriftCheck()
    {
        var ex = Assert.Throws<FormatException>(() => SqlServerScript.Describe(Migrations() + "\nGO\nUPDATE receipt_counters SET last_value = 0;\nGO\n"));

        Assert.Contains("does not understand", ex.Message);
    }

    [Fact]
    public void Batches_SqlServerFile_AreCutAtGoLinesAndCommentOnlyBatchesDropped()
    {
        var batches = SchemaMigrator.Batches(DatabaseProvider.SqlServer, "-- header\nCREATE TABLE a (x int);\nGO\n-- only a comment\ngo\nCREATE INDEX i ON a (x);\n  GO  \n");

        Assert.Equal(["-- header\nCREATE TABLE a (x int);\n", "\nCREATE INDEX i ON a (x);\n"], batches);
    }
}

using System.Text.RegularExpressions;
using Approval.Api.Data;

namespace Approval.Tests.Persistence;

/// <summary>
/// Runs a T-SQL DDL script on paper: tables with their columns and constraints, and indexes, as they stand after
/// every CREATE, ALTER and DROP, in a normalised form (lower case, no brackets, single spaces). Batches that define
/// code (triggers, procedures, functions, views) and permissions are not schema the EF model describes and are left
/// out; any other statement it does not understand is an error, so a migration cannot slip past the comparison.
/// </summary>
public static partial class SqlServerScript
{
    public static IReadOnlyList<string> Describe(string script)
    {
        var tables = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var indexes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var statement in Statements(script))
        {
            Match m;
            if ((m = CreateTable().Match(statement)).Success)
                tables.Add(m.Groups["table"].Value, TopLevelParts(m.Groups["body"].Value).ToList());
            else if ((m = CreateIndex().Match(statement)).Success)
                indexes.Add(m.Groups["index"].Value, statement);
            else if ((m = DropIndex().Match(statement)).Success)
            {
                if (!indexes.Remove(m.Groups["index"].Value)) throw new FormatException($"drops an index that does not exist: {statement}");
            }
            else if ((m = AlterTable().Match(statement)).Success)
                Alter(Table(tables, m.Groups["table"].Value, statement), m.Groups["change"].Value, statement);
            else if ((m = DropTable().Match(statement)).Success)
            {
                if (!tables.Remove(m.Groups["table"].Value)) throw new FormatException($"drops a table that does not exist: {statement}");
                foreach (var key in indexes.Where(i => OnTable(i.Value, m.Groups["table"].Value)).Select(i => i.Key).ToList()) indexes.Remove(key);
            }
            else if (!NotSchema().IsMatch(statement))
                throw new FormatException($"the SQL Server drift check does not understand this statement: {statement}");
        }
        return tables.SelectMany(t => t.Value.Select(part => $"table {t.Key}: {part}"))
            .Concat(indexes.Values.Select(i => $"index {i}"))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Statements(string script)
    {
        foreach (var batch in SchemaMigrator.Batches(DatabaseProvider.SqlServer, script))
        {
            var text = Normalise(string.Join('\n', batch.Split('\n').Select(line => line.Trim()).Where(line => !line.StartsWith("--", StringComparison.Ordinal)))).Trim();
            if (CodeBatch().IsMatch(text)) continue;
            foreach (var statement in text.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0)) yield return statement;
        }
    }

    private static void Alter(List<string> table, string change, string statement)
    {
        Match m;
        if ((m = DropColumn().Match(change)).Success)
        {
            if (table.RemoveAll(p => p.StartsWith(m.Groups["column"].Value + " ", StringComparison.Ordinal)) != 1)
                throw new FormatException($"drops a column that does not exist: {statement}");
        }
        else if ((m = AlterColumn().Match(change)).Success)
        {
            var column = m.Groups["column"].Value;
            if (table.RemoveAll(p => p.StartsWith(column + " ", StringComparison.Ordinal)) != 1)
                throw new FormatException($"alters a column that does not exist: {statement}");
            table.Add($"{column} {m.Groups["definition"].Value}");
        }
        else if ((m = DropConstraint().Match(change)).Success)
        {
            if (table.RemoveAll(p => p.StartsWith($"constraint {m.Groups["name"].Value} ", StringComparison.Ordinal)) != 1)
                throw new FormatException($"drops a constraint that does not exist: {statement}");
        }
        else if ((m = Add().Match(change)).Success)
            table.AddRange(TopLevelParts(m.Groups["parts"].Value));
        else
            throw new FormatException($"the SQL Server drift check does not understand this ALTER TABLE: {statement}");
    }

    private static List<string> Table(Dictionary<string, List<string>> tables, string name, string statement) =>
        tables.TryGetValue(name, out var table) ? table : throw new FormatException($"alters a table that does not exist: {statement}");

    private static bool OnTable(string index, string table) => index.Contains($" on {table} (", StringComparison.Ordinal);

    /// <summary>Splits a column list at the commas outside parentheses.</summary>
    private static IEnumerable<string> TopLevelParts(string body)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i == body.Length || (body[i] == ',' && depth == 0))
            {
                if (body[start..i].Trim() is { Length: > 0 } part) yield return part;
                start = i + 1;
            }
            else if (body[i] == '(') depth++;
            else if (body[i] == ')') depth--;
        }
    }

    private static string Normalise(string sql)
    {
        var text = sql.ToLowerInvariant().Replace("[", "").Replace("]", "");
        text = Whitespace().Replace(text, " ");
        text = text.Replace("( ", "(").Replace(" )", ")").Replace(" ,", ",").Replace(", ", ",");
        return IdentitySeed().Replace(text, "identity");
    }

    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();
    [GeneratedRegex(@"identity\(1,1\)")] private static partial Regex IdentitySeed();
    [GeneratedRegex(@"^create (or alter )?(trigger|procedure|proc|function|view) ")] private static partial Regex CodeBatch();
    [GeneratedRegex(@"^(grant|deny|revoke|create role|create user|alter role|exec sp_addrolemember|set|print) ")] private static partial Regex NotSchema();
    [GeneratedRegex(@"^create table (dbo\.)?(?<table>\w+) \((?<body>.*)\)$")] private static partial Regex CreateTable();
    [GeneratedRegex(@"^create (unique )?(nonclustered )?index (?<index>\w+) on ")] private static partial Regex CreateIndex();
    [GeneratedRegex(@"^drop index (if exists )?(?<index>\w+) on ")] private static partial Regex DropIndex();
    [GeneratedRegex(@"^drop table (if exists )?(dbo\.)?(?<table>\w+)$")] private static partial Regex DropTable();
    [GeneratedRegex(@"^alter table (dbo\.)?(?<table>\w+) (?<change>.*)$")] private static partial Regex AlterTable();
    [GeneratedRegex(@"^drop column (?<column>\w+)$")] private static partial Regex DropColumn();
    [GeneratedRegex(@"^alter column (?<column>\w+) (?<definition>.*)$")] private static partial Regex AlterColumn();
    [GeneratedRegex(@"^drop constraint (?<name>\w+)$")] private static partial Regex DropConstraint();
    [GeneratedRegex(@"^add (?<parts>.*)$")] private static partial Regex Add();
}

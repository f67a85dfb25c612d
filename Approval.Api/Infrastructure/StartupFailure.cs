using System.Text.RegularExpressions;

namespace Approval.Api.Infrastructure;

/// <summary>
/// Every configuration problem found while the host is assembled (missing or short keys, values that are not numbers,
/// an unknown provider, a database that does not answer, broken bundle files), so that start-up reports them all at once.
/// </summary>
public sealed partial class ConfigurationProblems
{
    private readonly List<string> _lines = [];
    private readonly List<Task<string?>> _checks = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            foreach (var check in _checks)
                if (check.GetAwaiter().GetResult() is { } line) _lines.Add(line);
            _checks.Clear();
            return _lines;
        }
    }

    public bool Any => Lines.Count > 0;

    /// <summary>
    /// Runs a slow check (does the database answer?) on the thread pool while the rest of the host is assembled: its
    /// problem, or null, is in <see cref="Lines"/> once they are read.
    /// </summary>
    public void AddCheck(Func<string?> check) => _checks.Add(Task.Run(check));

    public void Add(string line) => _lines.Add(line);
    public void AddRange(IEnumerable<string> lines) => _lines.AddRange(lines);

    /// <summary>Binds a section; a value that does not convert is a problem naming the setting, and the defaults stand in for the section.</summary>
    public T Bind<T>(IConfiguration configuration, string section) where T : class, new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            var m = ConversionFailure().Match(e.Message);
            _lines.Add(m.Success ? $"{m.Groups["key"].Value}: '{m.Groups["value"].Value}' is not a valid {Friendly(m.Groups["type"].Value)}." : $"{section}: {e.Message}");
            return new T();
        }
    }

    private static string Friendly(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "whole number",
        "System.Boolean" => "true/false value",
        "System.TimeSpan" => "duration (hh:mm:ss)",
        _ => type[(type.LastIndexOf('.') + 1)..],
    };

    [GeneratedRegex(@"value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}

public static class StartupFailure
{
    /// <summary>Writes why the service cannot start, one plain line per problem, and gives the process exit code.</summary>
    public static int Report(ConfigurationProblems problems)
    {
        Console.Error.WriteLine($"ApprovalService cannot start: {problems.Lines.Count} configuration problem{(problems.Lines.Count == 1 ? "" : "s")}.");
        foreach (var line in problems.Lines) Console.Error.WriteLine($"  {line}");
        return 1;
    }
}

namespace Approval.Rules.Yaml;

/// <summary>A bundle, rule or workflow file that cannot be loaded: names the file, the line and the problem.</summary>
public sealed class DefinitionException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}

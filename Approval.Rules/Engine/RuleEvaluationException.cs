namespace Approval.Rules.Engine;

/// <summary>A rule set that does not reach a fixpoint: names the rules that kept firing.</summary>
public sealed class RuleEvaluationException(string message, IReadOnlyList<string> ruleIds) : Exception(message)
{
    public IReadOnlyList<string> RuleIds { get; } = ruleIds;
}

using Approval.Rules.Bundles;
using Approval.Rules.Definition;

namespace Approval.Rules;

/// <summary>
/// A bundle's eligibility rules (<c>rules.yaml</c>) compiled once: immutable and safe to share between threads.
/// </summary>
public sealed class BundleRules
{
    private readonly CompiledRuleSet _rules;

    private BundleRules(BundleDefinition bundle, CompiledRuleSet rules) => (Bundle, _rules) = (bundle, rules);

    public BundleDefinition Bundle { get; }

    public int RuleCount => _rules.RuleCount;

    /// <summary>Compiles the bundle's <c>rules.yaml</c>; every problem is a <see cref="Yaml.DefinitionException"/> with file, line and rule id.</summary>
    public static BundleRules Compile(BundleDefinition bundle) => Compile(bundle, "");

    /// <param name="folder">the bundle folder, used only to name the file in errors</param>
    public static BundleRules Compile(BundleDefinition bundle, string folder) => new(bundle, RuleSetLoader.Load(bundle, folder));

    /// <summary>Evaluates the rules with the parameters in force on <paramref name="asOf"/>.</summary>
    /// <exception cref="Engine.RuleEvaluationException">the rules do not reach a fixpoint</exception>
    public AssessmentResult Assess(FactSet facts, DateOnly asOf, bool trace = false) => _rules.Assess(facts, asOf, trace);
}

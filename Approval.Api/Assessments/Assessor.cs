using System.Text.Json;
using Approval.Api.Bundles;
using Approval.Api.SharedData;
using Approval.Rules;
using Approval.Rules.Bundles;
using AutoMapper;

namespace Approval.Api.Assessments;

/// <summary>
/// The one-time notice (一次告知) as the assessment and application endpoints share it: the <c>facts</c> of a request
/// validated against the bundle's form, then shared data collected and the bundle's compiled rules run.
/// </summary>
public sealed class Assessor(BundleCatalog catalog, ISharedData shared, IMapper mapper)
{
    /// <summary>Validates <c>root.facts</c> against the bundle's form; errors (keyed by JSON path) are added to <paramref name="errors"/>.</summary>
    public static JsonElement ValidateFacts(BundleDefinition bundle, JsonElement root, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty("facts", out var facts))
        {
            errors["facts"] = ["is required"];
            return default;
        }
        foreach (var (key, value) in Forms.FormValidator.Validate(bundle, facts)) errors[key] = value;
        return facts;
    }

    public async Task<(AssessmentResult Result, AssessmentResponse Response)> AssessAsync(BundleDefinition bundle, JsonElement facts, DateOnly asOf,
        bool trace, CancellationToken ct)
    {
        var sharedFacts = await shared.CollectAsync(facts, asOf, ct);
        var result = catalog.RulesFor(bundle).Assess(FactSet.From(facts, sharedFacts), asOf, trace);
        return (result, new AssessmentResponse(bundle.Code, bundle.Version, asOf,
            mapper.Map<IReadOnlyList<AssessedItemDto>>(result.Items),
            mapper.Map<IReadOnlyList<MaterialRequirementDto>>(result.Materials),
            result.MissingFacts,
            result.Trace is null ? null : mapper.Map<IReadOnlyList<TraceEntryDto>>(result.Trace)));
    }
}

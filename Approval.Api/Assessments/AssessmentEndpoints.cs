using System.Text.Json;
using Approval.Api.Bundles;
using Approval.Api.Infrastructure;
using Approval.Api.SharedData;
using Approval.Rules;
using AutoMapper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approval.Api.Assessments;

public static class AssessmentEndpoints
{
    public static RouteGroupBuilder MapAssessments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bundles/{bundleCode}/assessments").WithTags("Assessment (一次告知)").AllowAnonymous();

        group.MapPost("/", Assess)
            .WithName("AssessBundle")
            .WithSummary("Tell an applicant, before they apply, which items they qualify for and which materials to bring")
            .WithDescription("""
                Body: `{ "asOf": "2026-11-22", "facts": { ...the one form... } }` (`asOf` optional, default today in China).
                Facts are validated against the bundle's form (GB 11643 ID numbers, GB 32100 credit codes, enums, ranges,
                investor shares summing to 100); shared data (population, civil affairs, e-certificates, …) outranks the form
                and conflicts are reported as reasons. Nothing is stored. `?trace=true` adds every rule fired, in order,
                with the facts it read. Malformed JSON or invalid facts → 400 problem details keyed by JSON path; unknown bundle → 404.
                """)
            .Accepts<AssessmentRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Results<Ok<AssessmentResponse>, ValidationProblem, ProblemHttpResult>> Assess(
        string bundleCode, HttpRequest request, bool? trace, BundleCatalog catalog, ISharedData shared, IMapper mapper,
        TimeProvider clock, CancellationToken ct)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);

        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "asOf", "facts");
        var asOf = RequestBody.Date(root, "asOf", errors) ?? ChinaTime.Today(clock);
        if (!root.TryGetProperty("facts", out var facts)) errors["facts"] = ["is required"];
        else foreach (var (key, value) in Forms.FormValidator.Validate(bundle, facts)) errors[key] = value;
        if (errors.Count > 0) return Problems.Validation(errors);

        var sharedFacts = await shared.CollectAsync(facts, asOf, ct);
        var result = catalog.RulesFor(bundle).Assess(FactSet.From(facts, sharedFacts), asOf, trace == true);
        return TypedResults.Ok(new AssessmentResponse(bundle.Code, bundle.Version, asOf,
            mapper.Map<IReadOnlyList<AssessedItemDto>>(result.Items),
            mapper.Map<IReadOnlyList<MaterialRequirementDto>>(result.Materials),
            result.MissingFacts,
            result.Trace is null ? null : mapper.Map<IReadOnlyList<TraceEntryDto>>(result.Trace)));
    }
}

/// <summary>The request body of an assessment (for the OpenAPI description).</summary>
/// <param name="AsOf">The date the policy is applied on (optional; today in China).</param>
/// <param name="Facts">The one form: JSON paths as in the bundle's form schema, e.g. <c>applicant.idNumber</c>.</param>
public sealed record AssessmentRequestExample(DateOnly? AsOf, JsonElement Facts);

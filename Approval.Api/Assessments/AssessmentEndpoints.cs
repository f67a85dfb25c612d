using System.Text.Json;
using Approval.Api.Bundles;
using Approval.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approval.Api.Assessments;

public static class AssessmentEndpoints
{
    public static RouteGroupBuilder MapAssessments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bundles/{bundleCode}/assessments").WithTags("Assessment (一次告知)").AllowAnonymous();

        group.MapPost("/", Assess)
            .RequireRateLimiting(RateLimits.Assessments)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
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
        string bundleCode, HttpRequest request, bool? trace, BundleCatalog catalog, Assessor assessor, TimeProvider clock, CancellationToken ct)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);

        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "asOf", "facts");
        var asOf = RequestBody.Date(root, "asOf", errors) ?? ChinaTime.Today(clock);
        var facts = Assessor.ValidateFacts(bundle, root, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var (_, response) = await assessor.AssessAsync(bundle, facts, asOf, trace == true, ct);
        return TypedResults.Ok(response);
    }
}

/// <summary>The request body of an assessment (for the OpenAPI description).</summary>
/// <param name="AsOf">The date the policy is applied on (optional; today in China).</param>
/// <param name="Facts">The one form: JSON paths as in the bundle's form schema, e.g. <c>applicant.idNumber</c>.</param>
public sealed record AssessmentRequestExample(DateOnly? AsOf, JsonElement Facts);

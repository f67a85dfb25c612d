using Microsoft.AspNetCore.Http.HttpResults;

namespace Approval.Api.Infrastructure;

/// <summary>RFC 9457 problem details the endpoints share.</summary>
public static class Problems
{
    public static ProblemHttpResult UnknownBundle(string code) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: Texts.UnknownBundle.Pick(),
        detail: Texts.UnknownBundleDetail(code).Pick(),
        type: "https://approval.example/problems/unknown-bundle");

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail: detail ?? Texts.InvalidRequestDetail.Pick(),
            title: Texts.InvalidRequest.Pick(), type: "https://approval.example/problems/validation");
}

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

    public static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: Texts.BodyTooLarge.Pick(),
        detail: Texts.BodyTooLargeDetail(limit).Pick(),
        type: "https://approval.example/problems/body-too-large");

    public static ProblemHttpResult TooManyRequests(int retryAfterSeconds) => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: Texts.TooManyRequests.Pick(),
        detail: Texts.TooManyRequestsDetail(retryAfterSeconds).Pick(),
        type: "https://approval.example/problems/too-many-requests",
        extensions: new Dictionary<string, object?> { ["retryAfter"] = retryAfterSeconds });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail: detail ?? Texts.InvalidRequestDetail.Pick(),
            title: Texts.InvalidRequest.Pick(), type: "https://approval.example/problems/validation");
}

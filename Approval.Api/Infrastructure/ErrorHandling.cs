using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace Approval.Api.Infrastructure;

/// <summary>Every error leaves as RFC 9457 problem details: unmatched routes, bad request bodies and crashes alike.</summary>
public static class ErrorHandling
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            if (ctx.ProblemDetails.Status is { } status && Texts.StatusTitle(status) is { } title
                && (ctx.ProblemDetails.Title is null || ctx.ProblemDetails.Title == title.En || ctx.ProblemDetails.Title == ReasonPhrase(status)))
                ctx.ProblemDetails.Title = title.Pick();
            if (ctx.Exception is BadHttpRequestException bad)
            {
                ctx.ProblemDetails.Status = bad.StatusCode;
                ctx.HttpContext.Response.StatusCode = bad.StatusCode;
                ctx.ProblemDetails.Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? Texts.BodyTooLarge.Pick() : Texts.BadRequest.Pick();
                ctx.ProblemDetails.Detail = bad.Message;
            }
        });

    private static string? ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        return app;
    }
}

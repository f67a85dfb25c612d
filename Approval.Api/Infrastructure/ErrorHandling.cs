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
            if (ctx.Exception is BadHttpRequestException bad)
            {
                ctx.ProblemDetails.Status = bad.StatusCode;
                ctx.HttpContext.Response.StatusCode = bad.StatusCode;
                ctx.ProblemDetails.Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request";
                ctx.ProblemDetails.Detail = bad.Message;
            }
        });

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

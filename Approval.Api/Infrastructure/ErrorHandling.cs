using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;

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
            else if (ctx.Exception is { } e && DatabaseBusy(e))
            {
                ctx.ProblemDetails.Type = "https://approval.example/problems/database-busy";
                ctx.ProblemDetails.Detail = Texts.DatabaseBusyDetail(RetryAfterSeconds).Pick();
                ctx.ProblemDetails.Extensions["retryAfter"] = RetryAfterSeconds;
                ctx.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }
        });

    private const int SqliteBusy = 5, SqliteLocked = 6;

    /// <summary>Seconds a client is asked to wait after a 503 <c>database-busy</c>.</summary>
    private const int RetryAfterSeconds = 2;

    /// <summary>
    /// The database could not serve the request in time, though the request itself was fine: no pooled connection came
    /// free within the connection string's <c>Timeout</c>, a command timed out, the connection broke, or the server refused
    /// a transaction it asks to be retried (serialization failure, deadlock, too many connections). The provider says so
    /// with <see cref="DbException.IsTransient"/> or a <see cref="TimeoutException"/> inside its exception; SQLite, whose
    /// provider marks nothing transient, says SQLITE_BUSY or SQLITE_LOCKED once another writer held the file past the
    /// connection's <c>Default Timeout</c>. A retry may well succeed: 503 with Retry-After, not 500. (A write is one
    /// transaction, so one that failed before its commit stored nothing; a submission retried with its Idempotency-Key is
    /// never stored twice.) A timeout outside the database (a regular expression's, say) stays a 500.
    /// </summary>
    public static bool DatabaseBusy(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is DbException { IsTransient: true } or DbException { InnerException: TimeoutException }
                or SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }) return true;
        return false;
    }

    private static string? ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode
                : DatabaseBusy(e) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        return app;
    }
}

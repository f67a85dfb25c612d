using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Approval.Api.Infrastructure;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests per <see cref="Window"/> (fixed window).</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Configuration section <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Anonymous assessments, per client IP.</summary>
    public RateLimit Assessments { get; set; } = new() { PermitLimit = 120 };

    /// <summary>Submissions, per token subject.</summary>
    public RateLimit Submissions { get; set; } = new() { PermitLimit = 30 };

    /// <summary>Material uploads, per token subject.</summary>
    public RateLimit Uploads { get; set; } = new() { PermitLimit = 120 };

    /// <summary>Requests that ended in 401, per client IP; once used up, every request from that IP is refused until the window ends.</summary>
    public RateLimit FailedAuthentication { get; set; } = new() { PermitLimit = 30 };

    public IEnumerable<string> Problems()
    {
        foreach (var (name, limit) in new[] { ("Assessments", Assessments), ("Submissions", Submissions), ("Uploads", Uploads), ("FailedAuthentication", FailedAuthentication) })
        {
            if (limit.PermitLimit < 1) yield return $"RateLimits:{name}:PermitLimit must be at least 1 (it is {limit.PermitLimit}).";
            if (limit.Window <= TimeSpan.Zero) yield return $"RateLimits:{name}:Window must be a positive duration (hh:mm:ss; it is {limit.Window}).";
        }
    }
}

/// <summary>
/// Abuse limits with ASP.NET Core's rate limiter: 429 problem details with <c>Retry-After</c> (seconds). Failed authentication
/// is counted on the 401 the pipeline answers, whatever authentication handler produced it.
/// </summary>
public static class RateLimits
{
    public const string Assessments = "assessments";
    public const string Submissions = "submissions";
    public const string Uploads = "uploads";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var options = problems.Bind<RateLimitOptions>(builder.Configuration, "RateLimits");
        problems.AddRange(options.Problems());
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new FailedAuthentication(options.FailedAuthentication));
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Assessments, context => Fixed(Client(context), options.Assessments));
            o.AddPolicy(Submissions, context => Fixed(Subject(context), options.Submissions));
            o.AddPolicy(Uploads, context => Fixed(Subject(context), options.Uploads));
            o.OnRejected = (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                return new ValueTask(TooMany(context.HttpContext, retryAfter));
            };
        });
        return builder;
    }

    /// <summary>Before authentication: refuses a client that used up its failed authentications, and counts each 401.</summary>
    public static WebApplication UseFailedAuthenticationLimit(this WebApplication app)
    {
        var failures = app.Services.GetRequiredService<FailedAuthentication>();
        app.Use(async (context, next) =>
        {
            var client = Client(context);
            using (var probe = failures.Limiter.AttemptAcquire(client, 0))
            {
                if (!probe.IsAcquired)
                {
                    await TooMany(context, probe.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : failures.Window);
                    return;
                }
            }
            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized) failures.Limiter.AttemptAcquire(client).Dispose();
        });
        return app;
    }

    private static RateLimitPartition<string> Fixed(string key, RateLimit limit) => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
    {
        PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0, AutoReplenishment = true,
    });

    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();

    private static string Subject(HttpContext context) => context.User.FindFirstValue("sub") is { Length: > 0 } sub ? $"sub:{sub}" : $"ip:{Client(context)}";

    private static Task TooMany(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.TooManyRequests(seconds).ExecuteAsync(context);
    }

    public sealed class FailedAuthentication(RateLimit limit)
    {
        public TimeSpan Window => limit.Window;

        public PartitionedRateLimiter<string> Limiter { get; } = PartitionedRateLimiter.Create<string, string>(client =>
            RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0, AutoReplenishment = true,
            }));
    }
}

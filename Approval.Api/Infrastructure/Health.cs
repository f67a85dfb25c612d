using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Approval.Api.Infrastructure;

public static class Health
{
    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is reachable.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }
}

using System.Text.Json;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approval.Api.Ui;

/// <summary>Configuration section <c>Ui</c>.</summary>
public sealed class UiOptions
{
    /// <summary>Offer the demo sign-in (a token for any role without a key). On in Development only (appsettings.Development.json).</summary>
    public bool DemoSignIn { get; set; }
}

/// <param name="DemoSignIn">whether the demo sign-in is offered</param>
/// <param name="Today">today in China on the service's clock: the screens colour due dates against it</param>
public sealed record UiConfigDto(bool DemoSignIn, DateOnly Today);

public sealed record DemoTokenDto(string Token, string Role, string? Department, string Subject);

/// <param name="Role">applicant, clerk, kiosk, reviewer or admin</param>
/// <param name="Department">required for a reviewer</param>
/// <param name="Subject">the applicant's ID number or credit code; for staff a name</param>
public sealed record DemoTokenRequestExample(string Role, string? Department, string? Subject);

/// <summary>
/// The screens (window desk, inbox, portal, kiosk, admin): plain ES modules and CSS in <c>wwwroot/ui</c>, calling the
/// same REST API with the bearer token the person signs in with. Everything is served from this host (no CDN).
/// </summary>
public static class UiEndpoints
{
    private const string Policy = "default-src 'self'; img-src 'self' blob: data:; frame-src 'self' blob:; object-src 'self' blob:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'";

    public static IServiceCollection AddUi(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(configuration.GetSection("Ui").Get<UiOptions>() ?? new UiOptions());

    public static WebApplication MapUi(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = c =>
            {
                c.Context.Response.Headers.ContentSecurityPolicy = Policy;
                c.Context.Response.Headers.XContentTypeOptions = "nosniff";
                c.Context.Response.Headers.CacheControl = "no-cache";
            },
        });
        var group = app.MapGroup("/api/ui").WithTags("Screens").AllowAnonymous();
        var options = app.Services.GetRequiredService<UiOptions>();
        group.MapGet("/config", (TimeProvider clock) => TypedResults.Ok(new UiConfigDto(options.DemoSignIn, ChinaTime.Today(clock))))
            .WithName("UiConfig")
            .WithSummary("What the screens may offer: whether the demo sign-in is enabled (Ui:DemoSignIn), and today's date on the service's clock");
        if (options.DemoSignIn)
        {
            app.Logger.LogWarning("Ui:DemoSignIn is on: POST /api/ui/demo-token issues a token for any role. Never enable it in production.");
            group.MapPost("/demo-token", DemoToken)
                .WithName("DemoToken")
                .WithSummary("DEMO ONLY (Ui:DemoSignIn): a bearer token for any role, so a person can try every screen")
                .Accepts<DemoTokenRequestExample>("application/json")
                .ProducesValidationProblem();
        }
        return app;
    }

    public static async Task<Results<Ok<DemoTokenDto>, ValidationProblem>> DemoToken(HttpRequest request, AuthOptions auth, TimeProvider clock, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "role", "department", "subject");
        var role = RequestBody.String(root, "role", errors);
        var department = RequestBody.String(root, "department", errors, required: false);
        var subject = RequestBody.String(root, "subject", errors, required: false);
        if (role is not null && !Roles.All.Contains(role)) errors["role"] = [$"must be one of: {string.Join(", ", Roles.All)}"];
        if (role == Roles.Reviewer && string.IsNullOrWhiteSpace(department)) errors["department"] = ["is required for a reviewer"];
        if (role == Roles.Applicant && string.IsNullOrWhiteSpace(subject)) errors["subject"] = ["is required for an applicant (ID number or credit code)"];
        if (subject is { Length: > 64 }) errors["subject"] = ["must have at most 64 characters"];
        if (errors.Count > 0) return Problems.Validation(errors);
        var sub = string.IsNullOrWhiteSpace(subject) ? $"demo-{role}" : subject.Trim().ToUpperInvariant();
        var dept = role == Roles.Reviewer ? department : null;
        return TypedResults.Ok(new DemoTokenDto(TokenIssuer.Issue(auth, clock, role!, dept, sub), role!, dept, sub));
    }
}

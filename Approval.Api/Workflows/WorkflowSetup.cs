using Approval.Api.Applications;
using Approval.Api.Calendar;
using Approval.Api.Data;
using Approval.Api.Bundles;
using Approval.Workflows.Runtime;

namespace Approval.Api.Workflows;

public static class WorkflowSetup
{
    /// <summary>The workflow runtime, its host hooks, the timer dispatcher (config <c>Workflows</c>) and material storage (config <c>Materials</c>).</summary>
    public static IHostApplicationBuilder AddWorkflows(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Workflows").Get<WorkflowOptions>() ?? new WorkflowOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Materials").Get<MaterialOptions>() ?? new MaterialOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Tasks").Get<Tasks.InboxOptions>() ?? new Tasks.InboxOptions());
        builder.Services.AddSingleton<WorkflowHost>();
        builder.Services.AddSingleton<IWorkflowHost>(sp => sp.GetRequiredService<WorkflowHost>());
        builder.Services.AddSingleton<WorkflowEngine>();
        builder.Services.AddHostedService<WorkflowTimerService>();
        return builder;
    }

    /// <summary>Seeds missing calendar years, builds the working calendar from the database and loads pinned workflow versions.</summary>
    public static async Task PrepareWorkflowsAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ApprovalDb>();
        var engine = services.GetRequiredService<WorkflowEngine>();
        await CalendarService.SeedAsync(db, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("Approval.Calendar"));
        await CalendarService.RefreshAsync(db, engine);
        await engine.LoadPinnedVersionsAsync(db, services.GetRequiredService<BundleCatalog>());
    }
}

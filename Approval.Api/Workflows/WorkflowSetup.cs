using Approval.Api.Applications;
using Approval.Api.Calendar;
using Approval.Api.Data;
using Approval.Api.Bundles;
using Approval.Api.Infrastructure;
using Approval.Workflows.Runtime;

namespace Approval.Api.Workflows;

public static class WorkflowSetup
{
    /// <summary>The workflow runtime, its host hooks, the timer dispatcher (config <c>Workflows</c>) and material storage (config <c>Materials</c>).</summary>
    public static IHostApplicationBuilder AddWorkflows(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var workflows = problems.Bind<WorkflowOptions>(builder.Configuration, "Workflows");
        var materials = problems.Bind<MaterialOptions>(builder.Configuration, "Materials");
        var inbox = problems.Bind<Tasks.InboxOptions>(builder.Configuration, "Tasks");
        if (workflows.PollInterval <= TimeSpan.Zero) problems.Add($"Workflows:PollInterval must be a positive duration (it is {workflows.PollInterval}).");
        if (materials.MaxBytes < 1) problems.Add($"Materials:MaxBytes must be at least 1 (it is {materials.MaxBytes}).");
        if (!materials.Storage.Equals(MaterialStorage.Database, StringComparison.OrdinalIgnoreCase) && !materials.Storage.Equals(MaterialStorage.Folder, StringComparison.OrdinalIgnoreCase))
            problems.Add($"Materials:Storage '{materials.Storage}' is not one of {MaterialStorage.Database}, {MaterialStorage.Folder}.");
        if (inbox.TotalCap < 1) problems.Add($"Tasks:TotalCap must be at least 1 (it is {inbox.TotalCap}).");
        if (inbox.CappedTotalSeconds < 0) problems.Add($"Tasks:CappedTotalSeconds must be 0 or more (it is {inbox.CappedTotalSeconds}).");
        builder.Services.AddSingleton(workflows);
        builder.Services.AddSingleton(materials);
        builder.Services.AddSingleton(inbox);
        builder.Services.AddSingleton<Tasks.CappedTotals>();
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

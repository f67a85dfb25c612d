using Approval.Api.Applications;
using Approval.Api.Assessments;
using Approval.Api.Bundles;
using Approval.Api.Calendar;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Api.Tasks;
using Approval.Api.Workflows;

var builder = WebApplication.CreateBuilder(args);
if (Commands.TryRun(args, builder.Configuration, out var exitCode)) return exitCode;

builder.Services.AddSingleton(TimeProvider.System);
builder.AddPersistence();
builder.AddSecurity();
if (!builder.TryAddBundles(out var bundleError)) return StartupFailure.Report(bundleError);
builder.Services.AddAutoMapper(_ => { }, typeof(Program).Assembly);
builder.Services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
builder.Services.AddProblemResponses();
builder.AddRateLimits();
builder.Services.AddApiDocumentation();
builder.Services.AddScoped<ISharedData, SharedFacts>();
builder.Services.AddScoped<Assessor>();
builder.AddWorkflows();

var app = builder.Build();

app.UseProblemResponses();
app.UseInputGuard();
app.UseApiDocumentation();
app.UseFailedAuthenticationLimit();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
await app.PrepareDatabaseAsync();
await app.PrepareWorkflowsAsync();

app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
app.MapHealth();
app.MapBundles();
app.MapAssessments();
app.MapSharedData();
app.MapCalendars();
app.MapApplications();
app.MapTasks();

await app.RunAsync();
return 0;

public partial class Program;

using Approval.Api.Admin;
using Approval.Api.Applications;
using Approval.Api.Assessments;
using Approval.Api.Bundles;
using Approval.Api.Calendar;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Matching;
using Approval.Api.Reform;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Api.Tasks;
using Approval.Api.Ui;
using Approval.Api.Workflows;

var builder = WebApplication.CreateBuilder(LaunchEnvironment.Options(args));
if (Commands.TryRun(args, builder.Configuration, out var exitCode)) return exitCode;

builder.Services.AddSingleton(TimeProvider.System);
var problems = new ConfigurationProblems();
builder.AddPersistence(problems);
builder.AddSecurity(problems);
builder.AddBundles(problems);
builder.Services.AddAccessPolicies();
builder.Services.AddAutoMapper(o => o.LicenseKey = builder.Configuration["AutoMapper:LicenseKey"], typeof(Program).Assembly);
builder.Services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
builder.Services.AddProblemResponses();
builder.Services.AddResponseLanguages();
builder.AddRateLimits(problems);
builder.Services.AddApiDocumentation();
builder.Services.AddScoped<ISharedData, SharedFacts>();
builder.Services.AddScoped<Assessor>();
builder.AddWorkflows(problems);
builder.AddCalendarSync(problems);
builder.AddMatching(problems);
builder.Services.AddUi(builder.Configuration);
if (problems.Any) return StartupFailure.Report(problems);

var app = builder.Build();

app.UseResponseLanguages();
app.UseProblemResponses();
app.UseInputGuard();
app.UseApiDocumentation();
app.UseFailedAuthenticationLimit();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseCalendarSync();
app.UseBundleSync();
await app.PrepareDatabaseAsync();
await app.PrepareWorkflowsAsync();

app.MapGet("/", () => Results.Redirect("/ui/")).ExcludeFromDescription().AllowAnonymous();
app.MapUi();
app.MapHealth();
app.MapBundles();
app.MapAssessments();
app.MapSharedData();
app.MapCalendars();
app.MapApplications();
app.MapTasks();
app.MapApplicationLookup();
app.MapAdmin();
app.MapReform();
app.MapSimulations();
app.MapRuleVersions();
app.MapMatching();
app.MapAudit();

await app.RunAsync();
return 0;

public partial class Program;

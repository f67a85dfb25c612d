using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;

if (Commands.TryRun(args, out var exitCode)) return exitCode;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.AddPersistence();
if (!builder.TryAddBundles(out var bundleError)) return StartupFailure.Report(bundleError);
builder.Services.AddAutoMapper(_ => { }, typeof(Program).Assembly);
builder.Services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
builder.Services.AddProblemResponses();
builder.Services.AddApiDocumentation();

var app = builder.Build();

app.UseProblemResponses();
app.UseApiDocumentation();
await app.PrepareDatabaseAsync();

app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
app.MapHealth();
app.MapBundles();

await app.RunAsync();
return 0;

public partial class Program;

using System.Security.Claims;
using System.Text.Json;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Rules;
using Approval.Rules.Bundles;
using Approval.Rules.Yaml;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Reform;

/// <summary>A rule version an admin published: in force for new applications from now on, on every node.</summary>
public sealed record PublishedVersionDto(string BundleCode, string Version, string PreviousVersion, IReadOnlyList<ParameterChangeDto> Changes,
    DateTimeOffset PublishedAt, string? Note);

public sealed record ParameterValueDto(DateOnly From, JsonElement Value);

/// <summary>A dated parameter of the version in force: <c>kind</c> number or flag, its value today and every dated value.</summary>
public sealed record ParameterDto(string Name, string Kind, JsonElement? Today, IReadOnlyList<ParameterValueDto> Values);

public sealed record ParametersDto(string BundleCode, string Version, DateOnly Today, IReadOnlyList<ParameterDto> Parameters);

public static class RuleVersionEndpoints
{
    private const int NoteLength = 500;

    public static RouteGroupBuilder MapRuleVersions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/bundles").WithTags("Reform metrics (admin)").RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/{bundleCode}/parameters", Parameters)
            .WithName("GetRuleParameters")
            .WithSummary("The dated parameters of the version in force (what a simulation or a published version may change)")
            .WithDescription("Per parameter of the bundle's `rules.yaml`: `kind` (`number` or `flag`), the value in force today and every dated value. Admin only.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{bundleCode}/versions", Publish)
            .WithName("PublishRuleVersion")
            .WithSummary("Publish a draft rule version (dated parameter changes): it applies to new applications only")
            .WithDescription("Body: `{ \"changes\": [ { \"parameter\": \"livingSubsidyMonthly\", \"from\": \"2027-01-01\", \"value\": 160 } ], \"basedOn\": \"<version in force>\", \"note\": \"…\" }` — the same changes as a simulation, each from today or later. The draft (the version in force with each value added from its date) is compiled, recorded in `bundle_versions` and put in force: new assessments and applications use it at once on this node and within `Bundles:RefreshInterval` on every other node; applications already made keep the version they were made with. `basedOn` (optional) refuses with 409 when another version was put in force meanwhile; a draft identical to a recorded version is 409. Audited. Admin only.")
            .Accepts<PublishRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    public static Results<Ok<ParametersDto>, ProblemHttpResult> Parameters(string bundleCode, BundleCatalog catalog, TimeProvider clock)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);
        var today = ChinaTime.Today(clock);
        static JsonElement Value(string text) => JsonDocument.Parse(text).RootElement.Clone();
        return TypedResults.Ok(new ParametersDto(bundle.Code, bundle.Version, today, RuleDraft.Read(bundle)
            .Select(p => new ParameterDto(p.Name, p.IsFlag ? "flag" : "number", p.On(today) is { } v ? Value(v) : null,
                p.Values.Select(x => new ParameterValueDto(x.From, Value(x.Value))).ToList()))
            .ToList()));
    }

    public static async Task<Results<Created<PublishedVersionDto>, ProblemHttpResult, ValidationProblem>> Publish(string bundleCode, HttpRequest request, ClaimsPrincipal user,
        BundleCatalog catalog, BundleSync sync, ApprovalDb db, TimeProvider clock, CancellationToken ct)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return Problems.Validation(new Dictionary<string, string[]> { ["body"] = Texts.MustBeObject.Field() });
        var errors = RequestBody.AllowOnly(root, "changes", "basedOn", "note");
        var changes = SimulationEndpoints.Changes(root, RuleDraft.Parameters(bundle), errors);
        var today = ChinaTime.Today(clock);
        for (var i = 0; i < changes.Count; i++)
            if (changes[i].From < today) errors[$"changes[{i}].from"] = Texts.NotBeforeToday(today).Field();
        var basedOn = RequestBody.String(root, "basedOn", errors, required: false);
        var note = RequestBody.Text(root, "note", NoteLength, errors, required: false);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (basedOn is not null && basedOn != bundle.Version) return VersionChanged(basedOn, bundle.Version);

        BundleDefinition draft;
        BundleVersion row;
        try
        {
            draft = RuleDraft.With(bundle, $"draft:{bundle.Code}", changes);
            if (await db.BundleVersions.AnyAsync(v => v.BundleCode == draft.Code && v.ContentHash == draft.ContentHash, ct))
                return VersionExists(draft.Version);
            row = catalog.Publish(db, draft, clock);
        }
        catch (DefinitionException e)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["changes"] = Texts.DraftDoesNotCompile(e.Problem).Field() });
        }
        db.Audit(user, clock, "bundle.publish", $"bundles/{bundle.Code}/versions/{draft.Version}",
            detail: $"{bundle.Version} → {draft.Version}: {string.Join("; ", changes.Select(c => $"{c.Parameter} = {c.ValueText} from {c.From:yyyy-MM-dd}"))}{(note is null ? "" : $" ({note})")}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.BundleVersions.AnyAsync(v => v.BundleCode == draft.Code && v.ContentHash == draft.ContentHash, ct)) return VersionExists(draft.Version);
            throw;
        }
        catalog.PutInForce(draft);
        await sync.RefreshAsync(db, ct);

        return TypedResults.Created($"/api/bundles/{bundle.Code}", new PublishedVersionDto(bundle.Code, draft.Version, bundle.Version,
            changes.Select(c => new ParameterChangeDto(c.Parameter, c.From, JsonSerializer.SerializeToElement<object>(c.Flag is { } f ? f : c.Number!.Value))).ToList(),
            row.LoadedAt, note));
    }

    private static ProblemHttpResult VersionExists(string version) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
        title: Texts.VersionExists.Pick(), detail: Texts.VersionExistsDetail(version).Pick(), type: "https://approval.example/problems/version-exists",
        extensions: new Dictionary<string, object?> { ["version"] = version });

    private static ProblemHttpResult VersionChanged(string basedOn, string inForce) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
        title: Texts.VersionChanged.Pick(), detail: Texts.VersionChangedDetail(basedOn, inForce).Pick(), type: "https://approval.example/problems/version-changed",
        extensions: new Dictionary<string, object?> { ["versionInForce"] = inForce });
}

/// <summary>The request body as Swagger shows it.</summary>
public sealed record PublishRequestExample(IReadOnlyList<ParameterChangeDto> Changes, string? BasedOn, string? Note);

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Assessments;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Api.Workflows;
using Approval.Rules.Yaml;
using Approval.Workflows.Persistence;
using Approval.Workflows.Runtime;
using AutoMapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RuleOutcome = Approval.Rules.ItemOutcome;

namespace Approval.Api.Applications;

public static class ApplicationEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public static readonly string[] Channels = ["window", "online", "mobile", "kiosk"];

    public static RouteGroupBuilder MapApplications(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/applications").WithTags("Applications (办件)").RequireAuthorization();

        group.MapPost("/", Submit)
            .RequireAuthorization(AccessPolicies.Submit)
            .RequireRateLimiting(RateLimits.Submissions)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("SubmitApplication")
            .WithSummary("Apply once for a bundle: one form, one receipt number (受理编号), every eligible item started")
            .WithDescription("""
                Body: `{ "bundleCode": "disability-assistance", "channel": "window|online|mobile|kiosk", "facts": { ...the one form... }, "asOf": "2026-11-22" }`.
                Header `Idempotency-Key` is required for the kiosk, online and mobile channels (a retry with the same key and body returns
                the same application with `200` and the body of the first `201`; the same key with another body → `422`). The facts are
                validated and assessed exactly as by the assessment endpoint (→ `400` keyed by JSON path); items that are eligible or
                conditional start, the others end at once with the rule's reason; nothing to apply for → `422` with the reasons.
                An applicant's token subject must be the applicant's ID number, or the legal representative's ID number / the existing
                credit code of the company (→ `403`). Window submissions are accepted on the spot; other channels wait for the
                service hall's acceptance review. `201` with the id, receipt number, pinned bundle version, the assessment and the
                materials still to upload.
                """)
            .Accepts<SubmissionRequestExample>("application/json")
            .Produces<SubmissionResponse>(StatusCodes.Status201Created)
            .Produces<SubmissionResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/{id:guid}", GetApplication)
            .RequireAuthorization(AccessPolicies.ReadApplication)
            .WithName("GetApplication")
            .WithSummary("An application's status, per-item status and due dates, tasks, timeline and (when done) the combined result (统一出件)")
            .WithDescription("Applicants see only their own (`403` otherwise), a kiosk only what it submitted in the same session (`sid`); reviewers see applications with a task of their department, and other departments' reasons only as `refused`. ID numbers are masked for everyone but the applicant; every read by staff is audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/materials/{materialCode}", MaterialEndpoints.Upload)
            .RequireAuthorization(AccessPolicies.ActForApplicant)
            .DisableAntiforgery()
            .WithBodyLimit(BodyLimit.Upload)
            .RequireRateLimiting(RateLimits.Uploads)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("UploadMaterial")
            .WithSummary("Upload one material (multipart/form-data, field `file`)")
            .WithDescription("PDF, JPEG or PNG (checked against the file's first bytes; otherwise `415`), at most `Materials:MaxBytes` (default 10 MB; larger → `413`). Only while the application is open (not after its withdrawal, refusal or combined result → `409`) and up to `Materials:MaxPerApplication` files (default 50; more → `409`). The SHA-256 is computed, stored and returned. Stored in the database or in the materials folder (`Materials:Storage`). The material code must be one of the bundle's materials (`404`).")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<UploadedMaterialDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{id:guid}/materials", MaterialEndpoints.List)
            .RequireAuthorization(AccessPolicies.ReadApplication)
            .WithName("ListMaterials")
            .WithSummary("The materials uploaded for an application (metadata and SHA-256)");

        group.MapPost("/{id:guid}/supplements", Supplement)
            .RequireAuthorization(AccessPolicies.ActForApplicant)
            .WithName("SupplementApplication")
            .WithSummary("The applicant supplies what a supplement request (补正) named: the item's clock resumes and its task reopens")
            .WithDescription("Body `{ \"itemCode\": \"A2\", \"materials\": [\"bank-account\"] }`; without `itemCode` it completes an application the acceptance review asked to complete. Not waiting for a supplement → `409`.")
            .Accepts<SupplementRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:guid}/withdrawal", Withdraw)
            .RequireAuthorization(AccessPolicies.ActForApplicant)
            .WithName("WithdrawApplication")
            .WithSummary("Withdraw one item, or every item not yet decided")
            .WithDescription("Body `{ \"itemCode\": \"A3\", \"reason\": \"…\" }` (`itemCode` optional). The item's tasks end; the rules run again for the rest. Already decided → `409`.")
            .Accepts<WithdrawalRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:guid}/objections", Object)
            .RequireAuthorization(AccessPolicies.Object)
            .WithName("RecordObjection")
            .WithSummary("Record an objection raised during an item's public notice (公示异议), e.g. A1's 5-working-day notice")
            .WithDescription("Body `{ \"itemCode\": \"A1\", \"text\": \"…\" }`. Staff only: a clerk who received it, a reviewer of the item's department, or an administrator. The objection is kept in the timeline and counted on the item for the deciding department. Item not in a public notice → `409`.")
            .Accepts<ObjectionRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:guid}/rating", Rate)
            .RequireAuthorization(AccessPolicies.Rate)
            .WithName("RateApplication")
            .WithSummary("Rate the service 1–5 (好差评) once the combined result is issued; 1–2 opens a complaint task for the service hall")
            .WithDescription("Body `{ \"score\": 1..5, \"comment\": \"…\" }`. The applicant only (clerks, kiosks and staff → `403`). Before the combined result or a second time → `409`.")
            .Accepts<RatingRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    // ---------------------------------------------------------------- submission

    public static async Task<Results<Created<SubmissionResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> Submit(
        HttpRequest request, ClaimsPrincipal user, ApprovalDb db, BundleCatalog catalog, Assessor assessor, WorkflowEngine engine,
        PersonalData personal, TimeProvider clock, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "bundleCode", "channel", "facts", "asOf");
        var bundleCode = RequestBody.String(root, "bundleCode", errors);
        var channel = RequestBody.String(root, "channel", errors);
        var role = ApplicationAccess.Role(user);
        if (channel is not null && !Channels.Contains(channel)) errors["channel"] = Texts.OneOf(Channels).Field();
        else if (channel is not null && !ChannelAllowed(role, channel))
            errors["channel"] = (role switch { Roles.Kiosk => Texts.KioskChannel, Roles.Clerk => Texts.ClerkChannel, _ => Texts.ApplicantChannel }).Field();

        var key = request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 128) errors[IdempotencyHeader] = Texts.AtMostChars(128).Field();
        if (string.IsNullOrWhiteSpace(key))
        {
            key = "";
            if (channel is "kiosk" or "online" or "mobile") errors[IdempotencyHeader] = Texts.HeaderRequired(IdempotencyHeader, channel).Field();
        }
        var caller = ApplicationAccess.Submitter(user, personal);
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(root))));
        if (key.Length is > 0 and <= 128 && await ReplayAsync(db, key, caller, requestHash, ct) is { } replay) return replay;

        if (bundleCode is not null && catalog.Find(bundleCode) is null && errors.Count == 0) return Problems.UnknownBundle(bundleCode);
        var bundle = bundleCode is null ? null : catalog.Find(bundleCode);
        var asOf = RequestBody.Date(root, "asOf", errors) ?? ChinaTime.Today(clock);
        var facts = bundle is null ? default : Assessor.ValidateFacts(bundle, root, errors);
        if (errors.Count > 0 || bundle is null) return Problems.Validation(errors);

        var person = Text(facts, "applicant.idNumber") ?? Text(facts, "enterprise.legalRepresentative.idNumber");
        var company = Text(facts, "enterprise.existingCreditCode");
        if (person is null) return Problems.Validation(new Dictionary<string, string[]> { ["facts"] = Texts.NoApplicant.Field() });
        if (role == Roles.Applicant)
        {
            var subject = ApplicationAccess.Subject(user).Trim().ToUpperInvariant();
            if (subject != person.ToUpperInvariant() && subject != company?.ToUpperInvariant())
                return TypedResults.Problem(statusCode: 403, title: Texts.NotTheApplicant.Pick(),
                    detail: Texts.NotTheApplicantDetail.Pick(),
                    type: "https://approval.example/problems/not-the-applicant");
        }

        var (result, assessment) = await assessor.AssessAsync(bundle, facts, asOf, trace: false, ct);
        var started = result.Items.Where(i => i.Outcome is RuleOutcome.Eligible or RuleOutcome.Conditional).Select(i => i.Code).ToList();
        if (started.Count == 0)
            return TypedResults.Problem(statusCode: 422, title: Texts.NothingToApplyFor.Pick(),
                detail: Texts.NothingToApplyForDetail.Pick(),
                type: "https://approval.example/problems/nothing-to-apply-for",
                extensions: new Dictionary<string, object?>
                {
                    ["reasons"] = result.Items.ToDictionary(i => i.Code, i => (object)new
                    {
                        outcome = JsonNamingPolicy.CamelCase.ConvertName(i.Outcome.ToString()),
                        reasons = i.Reasons.Select(r => r.Message.Pick()).ToList(),
                    }),
                });
        var ended = result.Items.Where(i => !started.Contains(i.Code)).Select(i => new ItemEnd(i.Code,
            ItemReasons.Encode(LocalizedText.Join(i.Reasons.Select(r => r.Message)
                .Prepend(i.Outcome == RuleOutcome.NeedsInformation ? OutcomeTexts.NeedsInformation : LocalizedText.Same("")))),
            i.Outcome == RuleOutcome.NotApplicable ? ItemOutcome.NotApplicable : ItemOutcome.Ineligible)).ToList();
        var toUpload = result.Materials.Where(m => m.Status == "required" && m.RequiredFor.Any(started.Contains))
            .Select(m => new MaterialToUploadDto(m.Code, m.RequiredFor)).ToList();

        var definition = await engine.DefinitionAsync(db, catalog, bundle.Code, bundle.Version, ct)
                         ?? throw new InvalidOperationException($"bundle {bundle.Code} has no workflow");
        var factsJson = facts.GetRawText();
        var assessmentJson = JsonSerializer.Serialize(result, JsonDefaults.Options);
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var today = ChinaTime.Today(clock);
            var id = Guid.CreateVersion7(now);
            var receipt = await ReceiptNumbers.NextAsync(db, today, ct);
            var response = new SubmissionResponse(id, receipt, bundle.Code, bundle.Version, channel!, now, started, assessment, toUpload);
            var receiptJson = JsonSerializer.Serialize(response, JsonDefaults.Options);
            db.Applications.Add(new Application
            {
                Id = id, ReceiptNumber = receipt, BundleCode = bundle.Code, BundleVersion = bundle.Version, Channel = channel!,
                ApplicantHash = personal.Hash(person), CompanyHash = company is null ? null : personal.Hash(company), SubmittedBy = caller,
                FactsJson = factsJson, AssessmentJson = assessmentJson, ReceiptJson = receiptJson, AsOf = asOf,
                IdempotencyKey = key.Length > 0 ? key : null, RequestHash = key.Length > 0 ? requestHash : null,
                SubmittedAt = now.ToUnixTimeMilliseconds(), SubmittedOn = today, Version = 1,
            });
            db.Audit(user, clock, "application.submit", $"applications/{id}", personal.Hash(person), $"{bundle.Code} via {channel}, receipt {receipt}");
            try
            {
                await engine.Runtime.StartAsync(db, definition, id,
                    new StartRequest(channel!, JsonNode.Parse(factsJson)!.AsObject(), started, ended), ct);
                return TypedResults.Created($"/api/applications/{id}", response);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
                if (key.Length > 0 && await ReplayAsync(db, key, caller, requestHash, ct) is { } concurrent) return concurrent; // a concurrent retry won
                // otherwise a concurrent retry with the same key is still in flight: try again
            }
        }
    }

    private static bool ChannelAllowed(string role, string channel) => role switch
    {
        Roles.Kiosk => channel == "kiosk",
        Roles.Clerk => channel == "window",
        Roles.Applicant => channel is "online" or "mobile",
        _ => false,
    };

    private sealed record EarlierSubmissionRow(Guid Id, string? RequestHash, string ReceiptJson, string ReceiptNumber);

    private static readonly CompiledQuery<Func<ApprovalDb, string, string, CancellationToken, Task<EarlierSubmissionRow?>>> EarlierSubmission = new(() =>
        EF.CompileAsyncQuery((ApprovalDb db, string key, string caller, CancellationToken ct) => db.Applications.AsNoTracking()
            .Where(a => a.IdempotencyKey == key && a.SubmittedBy == caller)
            .Select(a => new EarlierSubmissionRow(a.Id, a.RequestHash, a.ReceiptJson, a.ReceiptNumber)).FirstOrDefault()));

    private static async Task<Results<Created<SubmissionResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        ApprovalDb db, string key, string caller, string requestHash, CancellationToken ct)
    {
        var existing = await EarlierSubmission.For(db)(db, key, caller, ct);
        if (existing is null) return null;
        if (existing.RequestHash == requestHash)
            return TypedResults.Text(db.Reveal<Application>(existing.ReceiptJson, nameof(Application.ReceiptJson), existing.Id.ToString("N")), "application/json", Encoding.UTF8, StatusCodes.Status200OK);
        return TypedResults.Problem(statusCode: 422, title: Texts.KeyReused.Pick(),
            detail: Texts.KeyReusedDetail(key, existing.ReceiptNumber).Pick(),
            type: "https://approval.example/problems/idempotency-key-reused");
    }

    private static string? Text(JsonElement e, string path) => JsonPath.Text(e, path);

    // ---------------------------------------------------------------- reading

    public static async Task<Results<Ok<ApplicationDto>, ProblemHttpResult>> GetApplication(Guid id, ClaimsPrincipal user, ApprovalDb db,
        BundleCatalog catalog, PersonalData personal, IMapper mapper, TimeProvider clock, CancellationToken ct)
    {
        var application = await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return NotFound(id);
        if (!await ApplicationAccess.CanReadAsync(user, application, db, personal, ct)) return Forbidden();
        var owner = ApplicationAccess.IsOwner(user, application, personal);
        if (!owner)
        {
            db.Audit(user, clock, "application.read", $"applications/{id}", application.ApplicantHash);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(await BuildDtoAsync(db, catalog, mapper, application, owner, ApplicationAccess.ReasonsOnlyOf(user), ct));
    }

    internal static async Task<ApplicationDto> BuildDtoAsync(ApprovalDb db, BundleCatalog catalog, IMapper mapper, Application application, bool owner,
        string? reasonsOnlyOf, CancellationToken ct)
    {
        var id = application.Id;
        var instance = await db.WorkflowInstances.AsNoTracking().Include(i => i.Items).FirstAsync(i => i.Id == id, ct);
        var tasks = await db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == id).ToListAsync(ct);
        var history = await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == id).OrderBy(h => h.Seq).ToListAsync(ct);
        var materials = await MaterialEndpoints.MetadataAsync(db, id, ct);
        var complaint = application.Rating is not null
            ? await db.ComplaintTasks.AsNoTracking().Where(c => c.ApplicationId == id).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct)
            : null;
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.ApplicationId == id && n.Recipient == "applicant")
            .OrderBy(n => n.Id).ToListAsync(ct);
        var bundle = await catalog.FindVersionAsync(db, application.BundleCode, application.BundleVersion, ct);
        var mask = owner ? IdMasker.None : IdMasker.For(application.FactsJson);
        var redact = reasonsOnlyOf is null ? ReasonRedaction.None : new ReasonRedaction(reasonsOnlyOf, code => bundle?.Item(code)?.Department);
        var applicantId = JsonNode.Parse(application.FactsJson) is JsonObject f
            ? (f["applicant"]?["idNumber"] ?? f["enterprise"]?["legalRepresentative"]?["idNumber"])?.GetValue<string>()
            : null;

        var refusedAtAcceptance = instance.Status == InstanceStatus.Refused;
        var items = instance.Items.OrderBy(i => i.Code, StringComparer.Ordinal).Select(i => new ItemStatusDto(
            i.Code, ItemReasons.ItemName(bundle, i.Code).Pick(), bundle?.Item(i.Code)?.Department ?? "", i.Status, i.Outcome,
            mask.Text(redact.ItemReason(i.Code, i.Outcome, ItemReasons.Of(i, bundle, refusedAtAcceptance)?.Pick())),
            mask.Text(i.Number), i.DueDate, i.StatutoryDueDate, i.PausedOn is not null, i.PausedOn, i.UsedDays,
            (i.SupplementMaterials ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), i.ReviewFlag)).ToList();
        var timeline = mapper.Map<List<TimelineEntryDto>>(history).Select(h => h with { Detail = mask.Text(redact.TimelineDetail(h.Event, h.ItemCode, h.Detail)) }).ToList();
        return new ApplicationDto(id, application.ReceiptNumber, application.BundleCode, application.BundleVersion, application.Channel,
            instance.Status, DateTimeOffset.FromUnixTimeMilliseconds(application.SubmittedAt), application.AsOf,
            applicantId is null ? null : mask.Text(applicantId),
            items, mapper.Map<List<TaskSummaryDto>>(tasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)), timeline,
            mapper.Map<List<UploadedMaterialDto>>(materials), mask.Json(redact.CombinedResult(CombinedResultBuilder.Localize(application.CombinedResultJson))),
            application.Rating is { } score ? new RatingDto(score, application.RatingComment, DateTimeOffset.FromUnixTimeMilliseconds(application.RatedAt ?? 0), complaint) : null,
            notifications.Select(n => new NotificationDto(n.Kind, n.ItemCode, mask.Text(ItemReasons.Decode(n.Message ?? "").Pick()) ?? "",
                DateTimeOffset.FromUnixTimeMilliseconds(n.CreatedAt))).ToList());
    }

    // ---------------------------------------------------------------- supplements, withdrawal, rating

    public static async Task<Results<Ok<ApplicationDto>, ValidationProblem, ProblemHttpResult>> Supplement(Guid id, HttpRequest request,
        ClaimsPrincipal user, ApprovalDb db, BundleCatalog catalog, WorkflowEngine engine, PersonalData personal, IMapper mapper,
        TimeProvider clock, CancellationToken ct)
    {
        var (application, denied) = await ForActionAsync(id, user, db, personal, ct);
        if (denied is not null) return denied;
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "itemCode", "materials");
        var itemCode = RequestBody.String(root, "itemCode", errors, required: false);
        var materials = StringList(root, "materials", errors, required: true);
        if (errors.Count > 0) return Problems.Validation(errors);

        if (itemCode is not null && await MissingUploadsAsync(db, id, itemCode, ct) is { Count: > 0 } missing)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: Texts.MaterialsNotUploaded.Pick(),
                detail: Texts.MaterialsNotUploadedDetail(id, string.Join(", ", missing)).Pick(),
                type: "https://approval.example/problems/materials-not-uploaded",
                extensions: new Dictionary<string, object?> { ["itemCode"] = itemCode, ["materials"] = missing });

        await engine.DefinitionAsync(db, catalog, application!.BundleCode, application.BundleVersion, ct);
        db.Audit(user, clock, "application.supplement", $"applications/{id}", application.ApplicantHash, $"{itemCode ?? "acceptance"}: {string.Join(',', materials!)}");
        var result = await engine.Runtime.SupplementAsync(db, id, itemCode, materials!, ApplicationAccess.Actor(user), ct);
        if (result.Refusal is { } refusal) return Refused(refusal);
        return TypedResults.Ok(await BuildDtoAsync(db, catalog, mapper, application, ApplicationAccess.IsOwner(user, application, personal), ApplicationAccess.ReasonsOnlyOf(user), ct));
    }

    /// <summary>The materials a supplement request for the item named that have not been uploaded since the request.</summary>
    private static async Task<List<string>> MissingUploadsAsync(ApprovalDb db, Guid id, string itemCode, CancellationToken ct)
    {
        var item = await db.WorkflowItems.AsNoTracking().Where(i => i.InstanceId == id && i.Code == itemCode)
            .Select(i => new { i.SupplementMaterials, i.PausedOn }).FirstOrDefaultAsync(ct);
        if (item?.PausedOn is not { } requestedOn || string.IsNullOrEmpty(item.SupplementMaterials)) return [];
        var since = new DateTimeOffset(requestedOn.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).ToUnixTimeMilliseconds();
        var requested = item.SupplementMaterials.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var uploaded = await db.Materials.AsNoTracking()
            .Where(m => m.ApplicationId == id && requested.Contains(m.MaterialCode) && m.UploadedAt >= since)
            .Select(m => m.MaterialCode).Distinct().ToListAsync(ct);
        return requested.Except(uploaded).ToList();
    }

    public static async Task<Results<Ok<ApplicationDto>, ValidationProblem, ProblemHttpResult>> Withdraw(Guid id, HttpRequest request,
        ClaimsPrincipal user, ApprovalDb db, BundleCatalog catalog, WorkflowEngine engine, PersonalData personal, IMapper mapper,
        TimeProvider clock, CancellationToken ct)
    {
        var (application, denied) = await ForActionAsync(id, user, db, personal, ct);
        if (denied is not null) return denied;
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "itemCode", "reason");
        var itemCode = RequestBody.String(root, "itemCode", errors, required: false);
        var reason = RequestBody.String(root, "reason", errors);
        if (reason is not null && string.IsNullOrWhiteSpace(reason)) errors["reason"] = Texts.MustNotBeEmpty.Field();
        if (reason is { Length: > 500 }) errors["reason"] = Texts.AtMostChars(500).Field();
        if (errors.Count > 0) return Problems.Validation(errors);

        await engine.DefinitionAsync(db, catalog, application!.BundleCode, application.BundleVersion, ct);
        db.Audit(user, clock, "application.withdraw", $"applications/{id}", application.ApplicantHash, $"{itemCode ?? "all"}: {reason!.Length} characters");
        var result = await engine.Runtime.WithdrawAsync(db, id, itemCode, reason!, ApplicationAccess.Actor(user), ct);
        if (result.Refusal is { } refusal) return Refused(refusal);
        return TypedResults.Ok(await BuildDtoAsync(db, catalog, mapper, application, ApplicationAccess.IsOwner(user, application, personal), ApplicationAccess.ReasonsOnlyOf(user), ct));
    }

    public static async Task<Results<Ok<ApplicationDto>, ValidationProblem, ProblemHttpResult>> Object(Guid id, HttpRequest request,
        ClaimsPrincipal user, ApprovalDb db, BundleCatalog catalog, WorkflowEngine engine, IMapper mapper, TimeProvider clock, CancellationToken ct)
    {
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return NotFound(id);
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "itemCode", "text");
        var itemCode = RequestBody.String(root, "itemCode", errors);
        var text = RequestBody.String(root, "text", errors);
        if (text is not null && string.IsNullOrWhiteSpace(text)) errors["text"] = Texts.MustNotBeEmpty.Field();
        if (text is { Length: > 1000 }) errors["text"] = Texts.AtMostChars(1000).Field();
        if (errors.Count > 0) return Problems.Validation(errors);

        var bundle = (await engine.DefinitionAsync(db, catalog, application.BundleCode, application.BundleVersion, ct))?.Bundle;
        var department = bundle?.Item(itemCode!)?.Department;
        if (!ApplicationAccess.CanObject(user, department)) return Forbidden();

        db.Audit(user, clock, "application.objection", $"applications/{id}", application.ApplicantHash, $"{itemCode}: {text!.Length} characters");
        var result = await engine.Runtime.RecordObjectionAsync(db, id, itemCode!, text, ApplicationAccess.Actor(user), ct);
        if (result.Refusal is { } refusal) return Refused(refusal);
        return TypedResults.Ok(await BuildDtoAsync(db, catalog, mapper, application, owner: false, ApplicationAccess.ReasonsOnlyOf(user), ct));
    }

    public static async Task<Results<Ok<RatingDto>, ValidationProblem, ProblemHttpResult>> Rate(Guid id, HttpRequest request,
        ClaimsPrincipal user, ApprovalDb db, WorkflowEngine engine, PersonalData personal, TimeProvider clock, CancellationToken ct)
    {
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return NotFound(id);
        if (!ApplicationAccess.CanRate(user, application, personal)) return Forbidden();
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        var errors = RequestBody.AllowOnly(root, "score", "comment");
        int score = 0;
        if (!root.TryGetProperty("score", out var s)) errors["score"] = Texts.Required.Field();
        else if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out score) || score is < 1 or > 5) errors["score"] = Texts.ScoreRange.Field();
        var comment = RequestBody.String(root, "comment", errors, required: false);
        if (comment is { Length: > 1000 }) errors["comment"] = Texts.AtMostChars(1000).Field();
        if (errors.Count > 0) return Problems.Validation(errors);

        if (application.CombinedResultJson is null)
            return TypedResults.Problem(statusCode: 409, title: Texts.NoResultYet.Pick(), detail: Texts.NoResultYetDetail.Pick(),
                type: "https://approval.example/problems/not-yet-rateable");
        if (application.Rating is not null)
            return TypedResults.Problem(statusCode: 409, title: Texts.AlreadyRated.Pick(), detail: Texts.AlreadyRatedDetail.Pick(),
                type: "https://approval.example/problems/already-rated");

        var now = clock.GetUtcNow();
        application.Rating = score;
        application.RatingComment = comment;
        application.RatedAt = now.ToUnixTimeMilliseconds();
        application.Version++;
        Guid? complaintId = null;
        if (score <= 2)
        {
            var complaint = new ComplaintTask
            {
                Id = Guid.CreateVersion7(now), ApplicationId = id, Score = score, Comment = comment, CreatedAt = now.ToUnixTimeMilliseconds(),
                DueDate = engine.Calendar.AddWorkingDays(ChinaTime.Today(clock), 1),
            };
            db.ComplaintTasks.Add(complaint);
            db.Notifications.Add(new Notification
            {
                ApplicationId = id, Kind = "complaint", Recipient = complaint.Department, TaskId = complaint.Id,
                Message = ItemReasons.Encode(OutcomeTexts.Complaint(score, comment)), CreatedAt = now.ToUnixTimeMilliseconds(),
            });
            complaintId = complaint.Id;
        }
        db.Audit(user, clock, "application.rate", $"applications/{id}", application.ApplicantHash, $"score {score}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: 409, title: Texts.ChangedMeanwhile.Pick(), detail: Texts.ChangedMeanwhileDetail.Pick());
        }
        return TypedResults.Ok(new RatingDto(score, comment, now, complaintId));
    }

    // ---------------------------------------------------------------- helpers

    private static async Task<(Application?, ProblemHttpResult?)> ForActionAsync(Guid id, ClaimsPrincipal user, ApprovalDb db, PersonalData personal, CancellationToken ct)
    {
        var application = await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return (null, NotFound(id));
        return ApplicationAccess.CanActFor(user, application, personal) ? (application, null) : (null, Forbidden());
    }

    internal static List<string>? StringList(JsonElement root, string name, Dictionary<string, string[]> errors, bool required)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors[name] = Texts.Required.Field();
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(x.GetString())))
        {
            errors[name] = Texts.MaterialCodes.Field();
            return null;
        }
        var list = v.EnumerateArray().Select(x => x.GetString()!).ToList();
        if (required && list.Count == 0) errors[name] = Texts.AtLeastOneMaterial.Field();
        return list;
    }

    internal static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(statusCode: 404, title: Texts.UnknownApplication.Pick(),
        detail: Texts.UnknownApplicationDetail(id).Pick(), type: "https://approval.example/problems/unknown-application");

    internal static ProblemHttpResult Forbidden() => TypedResults.Problem(statusCode: 403, title: Texts.Forbidden.Pick(),
        detail: Texts.ForbiddenDetail.Pick(), type: "https://approval.example/problems/forbidden");

    /// <summary>A refusal of the workflow runtime as a problem: 404 for unknown items, 409 naming the reason otherwise.</summary>
    internal static ProblemHttpResult Refused(Refusal refusal) => TypedResults.Problem(
        statusCode: refusal.Kind == RefusalKind.NotFound ? 404 : 409,
        title: (refusal.Kind switch
        {
            RefusalKind.PrerequisiteUndecided => Texts.WaitingFor(refusal.ItemCode),
            RefusalKind.SecondSupplement => Texts.SecondSupplement,
            RefusalKind.TaskNotOpen => Texts.TaskNotOpen,
            RefusalKind.ActionNotAllowed => Texts.ActionNotAllowed,
            RefusalKind.NotAwaitingSupplement => Texts.NotAwaitingSupplement,
            RefusalKind.AlreadyDecided => Texts.AlreadyDecided,
            RefusalKind.NotFound => Texts.NotFound,
            _ => Texts.Refused,
        }).Pick(),
        detail: RefusalTexts.Detail(refusal).Pick(),
        type: $"https://approval.example/problems/{JsonNamingPolicy.KebabCaseLower.ConvertName(refusal.Kind.ToString())}",
        extensions: new Dictionary<string, object?> { ["refusal"] = JsonNamingPolicy.CamelCase.ConvertName(refusal.Kind.ToString()), ["itemCode"] = refusal.ItemCode });
}

/// <summary>The body of a submission (for the OpenAPI description).</summary>
/// <param name="BundleCode">e.g. <c>disability-assistance</c></param>
/// <param name="Channel">window, online, mobile or kiosk</param>
/// <param name="Facts">the one form, as for the assessment</param>
/// <param name="AsOf">the date the policy is applied on (optional; today in China)</param>
public sealed record SubmissionRequestExample(string BundleCode, string Channel, JsonElement Facts, DateOnly? AsOf);

/// <param name="ItemCode">the item whose supplement request this answers (omit for the acceptance review's request)</param>
/// <param name="Materials">the material codes supplied (uploaded before)</param>
public sealed record SupplementRequestExample(string? ItemCode, IReadOnlyList<string> Materials);

public sealed record WithdrawalRequestExample(string? ItemCode, string Reason);

/// <summary>An objection raised during a public notice.</summary>
public sealed record ObjectionRequestExample(string ItemCode, string Text);

public sealed record RatingRequestExample(int Score, string? Comment);

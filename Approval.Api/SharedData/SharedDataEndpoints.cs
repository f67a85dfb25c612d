using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.SharedData;

/// <summary>The summary of one import.</summary>
public sealed record SharedDataImportResult(string Source, string Batch, int Imported, int Replaced);

/// <summary>A source and how many records it holds.</summary>
public sealed record SharedSourceDto(string Code, string Description, string Subject, IReadOnlyList<string> Attributes, int Records);

public static class SharedDataEndpoints
{
    public static RouteGroupBuilder MapSharedData(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/shared-data").WithTags("Shared data (admin)")
            .RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/", ListSources)
            .WithName("ListSharedDataSources")
            .WithSummary("The shared-data sources and how many records each holds");

        group.MapPost("/{source}", Import)
            .WithBodyLimit(BodyLimit.Import)
            .WithName("ImportSharedData")
            .WithSummary("Import records into a shared-data source (JSON or CSV)")
            .WithDescription("""
                Body as `application/json`: an array (or `{ "records": [...] }`) of
                `{ "subject": "<ID number | credit code | company name | address>", "validFrom": "2026-01-01", "validTo": null, "attributes": { ... } }`;
                or as `text/csv` with a header `subject,validFrom,validTo,<attribute>...` (lists separated by `;`).
                Subjects and identifiers in attributes are stored only as keyed hashes. `?replace=true` replaces every record of the
                source in the same transaction. Any invalid record → 400 with errors keyed `records[i].field`, and nothing is stored.
                """)
            .Accepts<JsonArray>("application/json", "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return group;
    }

    public static async Task<Ok<List<SharedSourceDto>>> ListSources(ApprovalDb db, CancellationToken ct)
    {
        var counts = await db.SharedRecords.GroupBy(r => r.Source).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return TypedResults.Ok(SharedSources.All.Select(s => new SharedSourceDto(s.Code, s.Description, s.Subject.ToString(),
            s.Attributes.Select(a => a.Name).ToList(), counts.GetValueOrDefault(s.Code))).ToList());
    }

    public static async Task<Results<Ok<SharedDataImportResult>, ValidationProblem, ProblemHttpResult>> Import(
        string source, HttpRequest request, bool? replace, ApprovalDb db, PersonalData personal, TimeProvider clock,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (SharedSources.Find(source) is not { } definition)
            return TypedResults.Problem(statusCode: 404, title: Texts.UnknownSource.Pick(),
                detail: Texts.UnknownSourceDetail(source, string.Join(", ", SharedSources.All.Select(s => s.Code))).Pick());

        List<JsonObject> records;
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/json" or "text/csv"))
            return TypedResults.Problem(statusCode: 415, title: Texts.UnsupportedMediaType.Pick(), detail: Texts.JsonOrCsv.Pick());
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        if (mediaType == "application/json")
        {
            if (ParseJson(body.GetBuffer().AsMemory(0, (int)body.Length), out records) is { } jsonError) return Problems.Validation(jsonError);
        }
        else
        {
            string text;
            try
            {
                text = StrictUtf8.GetString(body.GetBuffer(), 0, (int)body.Length);
            }
            catch (DecoderFallbackException)
            {
                return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["is not valid UTF-8 text"] });
            }
            if (RequestBody.TextError(text) is { } textError) return Problems.Validation(new Dictionary<string, string[]> { ["body"] = [textError] });
            if (SharedCsv.Parse(text, definition, out records) is { } csvError) return Problems.Validation(csvError);
        }

        var batch = $"{clock.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var (rows, errors) = Convert(definition, records, personal, clock, batch);
        if (errors.Count > 0) return Problems.Validation(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var replaced = replace == true ? await db.SharedRecords.Where(r => r.Source == source).ExecuteDeleteAsync(ct) : 0;
        db.SharedRecords.AddRange(rows);
        db.Audit(user, clock, "shared-data.import", $"shared-data/{source}", detail: $"batch {batch}: {rows.Count} records, {replaced} replaced");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new SharedDataImportResult(source, batch, rows.Count, replaced));
    }

    private static readonly JsonSerializerOptions StoredJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static Dictionary<string, string[]>? ParseJson(ReadOnlyMemory<byte> body, out List<JsonObject> records)
    {
        records = [];
        var parsed = RequestBody.Parse(body, "records");
        if (parsed.Errors is { } errors) return errors;
        JsonNode? node;
        using (var document = parsed.Document!) node = JsonNode.Parse(document.RootElement.GetRawText());
        var array = node switch
        {
            JsonArray a => a,
            JsonObject o when o["records"] is JsonArray a => a,
            _ => null,
        };
        if (array is null) return new() { ["records"] = ["send an array of records, or { \"records\": [...] }"] };
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject o) return new() { [$"records[{i}]"] = ["must be a JSON object"] };
            records.Add(o);
        }
        if (records.Count == 0) return new() { ["records"] = ["there are no records"] };
        return null;
    }

    private static (List<SharedRecord> Rows, Dictionary<string, string[]> Errors) Convert(
        SharedSource source, List<JsonObject> records, PersonalData personal, TimeProvider clock, string batch)
    {
        var errors = new Dictionary<string, string[]>();
        var rows = new List<SharedRecord>();
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var at = $"records[{i}]";
            foreach (var key in r.Select(p => p.Key).Where(k => k is not ("subject" or "validFrom" or "validTo" or "attributes")))
                errors[$"{at}.{key}"] = ["is not a field of a record (subject, validFrom, validTo, attributes)"];

            var subject = r["subject"] is JsonValue sv && sv.TryGetValue<string>(out var s) ? s : null;
            if (subject is null) errors[$"{at}.subject"] = ["is required"];
            else if (SharedSources.SubjectError(source.Subject, subject) is { } subjectError) errors[$"{at}.subject"] = [subjectError];

            var validFrom = Date(r, "validFrom", at, errors);
            var validTo = Date(r, "validTo", at, errors);
            if (source.NeedsValidFrom && validFrom is null && !errors.ContainsKey($"{at}.validFrom")) errors[$"{at}.validFrom"] = ["is required for this source"];
            if (validFrom is { } f && validTo is { } t && t < f) errors[$"{at}.validTo"] = ["must not be before validFrom"];

            var attributes = r["attributes"] as JsonObject ?? [];
            if (r["attributes"] is not null and not JsonObject) errors[$"{at}.attributes"] = ["must be a JSON object"];
            var stored = new JsonObject();
            foreach (var (name, value) in attributes)
            {
                var attribute = source.Attributes.FirstOrDefault(a => a.Name == name);
                if (attribute is null) { errors[$"{at}.attributes.{name}"] = [$"is not an attribute of {source.Code}"]; continue; }
                var element = JsonSerializer.SerializeToElement(value);
                if (SharedSources.AttributeError(attribute, element) is { } e) { errors[$"{at}.attributes.{name}"] = [e]; continue; }
                stored[name] = attribute.Kind == AttributeKind.IdentifierList
                    ? new JsonArray(element.EnumerateArray().Select(x => (JsonNode)personal.Hash(x.GetString()!)!).ToArray())
                    : value!.DeepClone();
            }
            foreach (var missing in source.Attributes.Where(a => a.Required && !attributes.ContainsKey(a.Name)))
                errors[$"{at}.attributes.{missing.Name}"] = ["is required"];

            if (subject is not null)
                rows.Add(new SharedRecord
                {
                    Source = source.Code,
                    SubjectHash = personal.Hash(SharedSources.Normalize(source.Subject, subject)),
                    AttributesJson = stored.ToJsonString(StoredJson),
                    ValidFrom = validFrom,
                    ValidTo = validTo,
                    ImportedAt = clock.GetUtcNow(),
                    Batch = batch,
                });
        }
        return (rows, errors);
    }

    private static DateOnly? Date(JsonObject r, string name, string at, Dictionary<string, string[]> errors)
    {
        var node = r[name];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s) && DateOnly.TryParseExact(s, "yyyy-MM-dd", out var d)) return d;
        errors[$"{at}.{name}"] = ["must be a date like 2026-01-01"];
        return null;
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using AutoMapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Applications;

/// <summary>Configuration section <c>Materials</c>.</summary>
public sealed class MaterialOptions
{
    /// <summary><c>Database</c> (bytes in <c>application_materials.content</c>) or <c>Folder</c> (files under <see cref="Folder"/>).</summary>
    public string Storage { get; set; } = MaterialStorage.Database;

    /// <summary>Largest accepted file in bytes (default 10 MB).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most files one application may hold (every upload counts, replacements too); one more → 409.</summary>
    public int MaxPerApplication { get; set; } = 50;

    /// <summary>Folder for <c>Folder</c> storage; empty = <c>&lt;Database:DataFolder&gt;/materials</c>. Relative paths are under the content root.</summary>
    public string Folder { get; set; } = "";

    public static readonly IReadOnlyDictionary<string, byte[]> Signatures = new Dictionary<string, byte[]>
    {
        ["application/pdf"] = "%PDF"u8.ToArray(),
        ["image/jpeg"] = [0xFF, 0xD8, 0xFF],
        ["image/png"] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
    };
}

public static class MaterialEndpoints
{
    public static async Task<Results<Created<UploadedMaterialDto>, ValidationProblem, ProblemHttpResult>> Upload(Guid id, string materialCode,
        HttpRequest request, ClaimsPrincipal user, ApprovalDb db, BundleCatalog catalog, PersonalData personal, MaterialOptions options,
        DatabaseOptions database, IWebHostEnvironment environment, IMapper mapper, TimeProvider clock, CancellationToken ct)
    {
        // Tracked: its version, read before the count, is bumped with the insert, so concurrent uploads cannot pass the limit together.
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return ApplicationEndpoints.NotFound(id);
        if (!ApplicationAccess.CanActFor(user, application, personal)) return ApplicationEndpoints.Forbidden();
        if (await ClosedAsync(db, application, ct) is { } closed) return closed;
        if (await db.Materials.CountAsync(m => m.ApplicationId == id, ct) >= options.MaxPerApplication) return TooMany(options);
        var bundle = await catalog.FindVersionAsync(db, application.BundleCode, application.BundleVersion, ct);
        if (bundle?.Materials.Any(m => m.Code == materialCode) != true)
            return TypedResults.Problem(statusCode: 404, title: Texts.UnknownMaterial.Pick(),
                detail: Texts.UnknownMaterialDetail(application.BundleCode, materialCode).Pick(), type: "https://approval.example/problems/unknown-material");

        if (request.ContentLength > options.MaxBytes + 64 * 1024) return TooLarge(options);
        if (!request.HasFormContentType)
            return TypedResults.Problem(statusCode: 415, title: Texts.UnsupportedMediaType.Pick(), detail: Texts.MultipartRequired.Pick());
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException && e is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["file"] = Texts.UnreadableMultipart(e.Message).Field() });
        }
        if (form.Files.GetFile("file") is not { } file || file.Length == 0)
            return Problems.Validation(new Dictionary<string, string[]> { ["file"] = Texts.FileRequired.Field() });
        if (file.Length > options.MaxBytes) return TooLarge(options);
        if (RequestBody.TextError(file.FileName) is { } nameError)
            return Problems.Validation(new Dictionary<string, string[]> { ["file.fileName"] = [nameError] });
        var contentType = file.ContentType.Split(';')[0].Trim().ToLowerInvariant();
        if (!MaterialOptions.Signatures.TryGetValue(contentType, out var signature))
            return TypedResults.Problem(statusCode: 415, title: Texts.UnsupportedFileType.Pick(),
                detail: Texts.UnsupportedFileTypeDetail(contentType).Pick(),
                type: "https://approval.example/problems/unsupported-file-type");

        byte[] content;
        await using (var stream = file.OpenReadStream())
        using (var buffer = new MemoryStream((int)file.Length))
        {
            await stream.CopyToAsync(buffer, ct);
            content = buffer.ToArray();
        }
        if (!content.AsSpan().StartsWith(signature))
            return TypedResults.Problem(statusCode: 415, title: Texts.ContentMismatch.Pick(),
                detail: Texts.ContentMismatchDetail(contentType).Pick(), type: "https://approval.example/problems/unsupported-file-type");

        var now = clock.GetUtcNow();
        var material = new ApplicationMaterial
        {
            Id = Guid.CreateVersion7(now), ApplicationId = id, MaterialCode = materialCode,
            FileName = Path.GetFileName(file.FileName) is { Length: > 0 and <= 255 } name ? name : materialCode,
            ContentType = contentType, Size = content.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Storage = options.Storage.Equals(MaterialStorage.Folder, StringComparison.OrdinalIgnoreCase) ? MaterialStorage.Folder : MaterialStorage.Database,
            UploadedBy = ApplicationAccess.Actor(user), UploadedAt = now.ToUnixTimeMilliseconds(),
        };
        string? path = null;
        if (material.Storage == MaterialStorage.Folder)
        {
            var root = MaterialFolder(options, database, environment);
            material.Location = Path.Combine(id.ToString("N"), material.Id.ToString("N"));
            path = Path.Combine(root, material.Location);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content, ct);
        }
        else material.Content = content;
        db.Materials.Add(material);
        application.Version++;
        db.Audit(user, clock, "material.upload", $"applications/{id}/materials/{material.Id}", application.ApplicantHash, $"{materialCode} {material.Sha256}");
        try
        {
            // Of concurrent uploads to one application one commits, the others count again.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await db.SaveChangesAsync(ct);
                    break;
                }
                catch (DbUpdateConcurrencyException) when (attempt <= options.MaxPerApplication) // each conflict is another upload committed
                {
                    await db.Entry(application).ReloadAsync(ct);
                    if (await ClosedAsync(db, application, ct) is { } nowClosed) { Discard(path); return nowClosed; }
                    if (await db.Materials.CountAsync(m => m.ApplicationId == id, ct) >= options.MaxPerApplication) { Discard(path); return TooMany(options); }
                    application.Version++;
                }
            }
        }
        catch
        {
            Discard(path);
            throw;
        }
        return TypedResults.Created($"/api/applications/{id}/materials", mapper.Map<UploadedMaterialDto>(material));
    }

    public static async Task<Results<Ok<List<UploadedMaterialDto>>, ProblemHttpResult>> List(Guid id, ClaimsPrincipal user, ApprovalDb db,
        PersonalData personal, IMapper mapper, CancellationToken ct)
    {
        var application = await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return ApplicationEndpoints.NotFound(id);
        if (!await ApplicationAccess.CanReadAsync(user, application, db, personal, ct)) return ApplicationEndpoints.Forbidden();
        return TypedResults.Ok(mapper.Map<List<UploadedMaterialDto>>(await MetadataAsync(db, id, ct)));
    }

    /// <summary>The materials of an application without their bytes, in upload order.</summary>
    public static async Task<List<ApplicationMaterial>> MetadataAsync(ApprovalDb db, Guid id, CancellationToken ct)
    {
        var materials = await db.Materials.AsNoTracking().Where(m => m.ApplicationId == id)
            .Select(m => new ApplicationMaterial
            {
                Id = m.Id, ApplicationId = m.ApplicationId, MaterialCode = m.MaterialCode, FileName = m.FileName, ContentType = m.ContentType,
                Size = m.Size, Sha256 = m.Sha256, Storage = m.Storage, Location = m.Location, UploadedBy = m.UploadedBy, UploadedAt = m.UploadedAt,
            })
            .ToListAsync(ct);
        foreach (var material in materials) ProtectedColumns.Reveal(db.Protector, material);
        return materials.OrderBy(m => m.UploadedAt).ToList();
    }

    public static string MaterialFolder(MaterialOptions options, DatabaseOptions database, IWebHostEnvironment environment) =>
        options.Folder is { Length: > 0 } folder
            ? Path.GetFullPath(folder, environment.ContentRootPath)
            : Path.Combine(Path.GetFullPath(database.DataFolder, environment.ContentRootPath), "materials");

    private static void Discard(string? path)
    {
        if (path is not null) File.Delete(path);
    }

    /// <summary>Uploads are taken while the application runs: not once it was withdrawn, refused or its combined result issued.</summary>
    private static async Task<ProblemHttpResult?> ClosedAsync(ApprovalDb db, Application application, CancellationToken ct)
    {
        var status = await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == application.Id).Select(i => i.Status).FirstOrDefaultAsync(ct);
        if (application.CombinedResultJson is null && status is InstanceStatus.AwaitingAcceptance or InstanceStatus.Running) return null;
        return TypedResults.Problem(statusCode: 409, title: "Application closed",
            detail: $"Application {application.Id} is {status}{(application.CombinedResultJson is null ? "" : " with its combined result issued")}: no more materials are taken.",
            type: "https://approval.example/problems/application-closed", extensions: new Dictionary<string, object?> { ["status"] = status });
    }

    private static ProblemHttpResult TooMany(MaterialOptions options) => TypedResults.Problem(statusCode: 409, title: "Too many materials",
        detail: $"An application holds at most {options.MaxPerApplication} uploaded files (Materials:MaxPerApplication).",
        type: "https://approval.example/problems/too-many-materials", extensions: new Dictionary<string, object?> { ["maxPerApplication"] = options.MaxPerApplication });

    private static ProblemHttpResult TooLarge(MaterialOptions options) => TypedResults.Problem(statusCode: 413, title: Texts.FileTooLarge.Pick(),
        detail: Texts.FileTooLargeDetail(options.MaxBytes).Pick(), type: "https://approval.example/problems/file-too-large");
}

using System.Security.Claims;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Security;
using AutoMapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Applications;

/// <summary>What the screens need beyond the kiosk contract: an application by its receipt number, and a material's bytes.</summary>
public static class LookupEndpoints
{
    public static RouteGroupBuilder MapApplicationLookup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/applications").WithTags("Applications (办件)").RequireAuthorization();

        group.MapGet("/by-receipt/{receiptNumber}", ByReceipt)
            .RequireAuthorization(AccessPolicies.ReadApplication)
            .WithName("GetApplicationByReceipt")
            .WithSummary("An application by its receipt number (受理编号), e.g. YJS-20261123-000001")
            .WithDescription("The same answer and the same access rules as `GET /api/applications/{id}` (applicants only their own, reviewers only with a task of their department; staff reads audited). Unknown number → `404`.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/materials/{materialId:guid}/content", Content)
            .RequireAuthorization(AccessPolicies.ReadApplication)
            .WithName("GetMaterialContent")
            .WithSummary("The bytes of one uploaded material, with its content type")
            .WithDescription("Whoever may read the application may view its materials (`403` otherwise); every staff view is audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Results<Ok<ApplicationDto>, ProblemHttpResult>> ByReceipt(string receiptNumber, ClaimsPrincipal user, ApprovalDb db,
        BundleCatalog catalog, PersonalData personal, IMapper mapper, TimeProvider clock, CancellationToken ct)
    {
        var number = receiptNumber.Trim().ToUpperInvariant();
        var id = await db.Applications.AsNoTracking().Where(a => a.ReceiptNumber == number).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (id is null)
            return TypedResults.Problem(statusCode: 404, title: "Unknown receipt number",
                detail: $"There is no application with receipt number '{number}'.", type: "https://approval.example/problems/unknown-receipt");
        return await ApplicationEndpoints.GetApplication(id.Value, user, db, catalog, personal, mapper, clock, ct);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Content(Guid id, Guid materialId, ClaimsPrincipal user, ApprovalDb db,
        PersonalData personal, MaterialOptions options, DatabaseOptions database, IWebHostEnvironment environment, TimeProvider clock, CancellationToken ct)
    {
        var application = await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null) return ApplicationEndpoints.NotFound(id);
        if (!await ApplicationAccess.CanReadAsync(user, application, db, personal, ct)) return ApplicationEndpoints.Forbidden();
        var material = await db.Materials.AsNoTracking().FirstOrDefaultAsync(m => m.Id == materialId && m.ApplicationId == id, ct);
        if (material is null)
            return TypedResults.Problem(statusCode: 404, title: "Unknown material", detail: $"Application {id} has no uploaded material {materialId}.",
                type: "https://approval.example/problems/unknown-material");
        var bytes = material.Storage == MaterialStorage.Folder
            ? await File.ReadAllBytesAsync(Path.Combine(MaterialEndpoints.MaterialFolder(options, database, environment), material.Location!), ct)
            : material.Content ?? [];
        if (!ApplicationAccess.IsOwner(user, application, personal))
        {
            db.Audit(user, clock, "material.view", $"applications/{id}/materials/{materialId}", application.ApplicantHash, material.MaterialCode);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.File(bytes, material.ContentType, material.FileName);
    }
}

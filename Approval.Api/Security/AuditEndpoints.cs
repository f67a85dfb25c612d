using Approval.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approval.Api.Security;

/// <summary>
/// The audit chains' state: intact, or the first row that breaks one of them; how many chains were walked and, per chain
/// pruned, the anchor (last pruned id) it now starts from.
/// </summary>
public sealed record AuditVerificationDto(bool Intact, long CheckedRows, long? FirstBadId, string? Problem, IReadOnlyList<long> AnchorIds, long UnchainedRows, int Chains);

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/audit").WithTags("Audit (admin)").RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/verification", Verification)
            .WithName("VerifyAuditChain")
            .WithSummary("Walks the audit hash chains (HMAC with Security:AuditKey) and names the first edited, back-dated or missing row");

        return group;
    }

    public static async Task<Ok<AuditVerificationDto>> Verification(ApprovalDb db, FieldProtector protector, CancellationToken ct)
    {
        var result = await AuditChain.VerifyAsync(db, protector.AuditKey ?? [], ct: ct);
        return TypedResults.Ok(new AuditVerificationDto(result.Intact, result.Checked, result.FirstBadId, result.Problem, result.AnchorIds, result.Unchained, result.Chains));
    }
}

using System.Security.Claims;
using Approval.Api.Data;

namespace Approval.Api.Security;

/// <summary>
/// One line of the append-only audit: who saw or changed what. Rows are only ever inserted
/// (database triggers refuse UPDATE and DELETE); the subject is a keyed hash, never a clear identifier.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Role { get; set; }
    /// <summary>What was done, e.g. <c>shared-data.import</c>, <c>application.read</c>.</summary>
    public required string Action { get; set; }
    /// <summary>What it was done to, e.g. <c>shared-data/civil-affairs</c>, <c>applications/…</c>.</summary>
    public required string Resource { get; set; }
    public string? SubjectHash { get; set; }
    public string? Detail { get; set; }
}

public static class AuditExtensions
{
    /// <summary>Adds an audit line to the unit of work; it is saved with the change it records.</summary>
    public static void Audit(this ApprovalDb db, ClaimsPrincipal user, TimeProvider clock, string action, string resource,
        string? subjectHash = null, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().ToUniversalTime(),
            Actor = user.FindFirst("sub")?.Value ?? "anonymous",
            Role = user.FindFirst("role")?.Value ?? "none",
            Action = action,
            Resource = resource,
            SubjectHash = subjectHash,
            Detail = detail,
        });
}

using System.Security.Claims;
using Approval.Api.Data;

namespace Approval.Api.Security;

/// <summary>
/// One line of the append-only audit: who saw or changed what. Rows are only ever inserted
/// (database triggers refuse UPDATE and DELETE), each chained to the one before by an HMAC; the actor and the
/// subject are keyed hashes, never clear identifiers.
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
    /// <summary>The previous row's <see cref="RowHash"/> (the anchor's after a pruning; empty for the first row).</summary>
    public string? PrevHash { get; set; }
    /// <summary>HMAC-SHA256 (<c>Security:AuditKey</c>) over this row and <see cref="PrevHash"/>: see <see cref="AuditChain"/>.</summary>
    public string? RowHash { get; set; }
}

public static class AuditExtensions
{
    /// <summary>Adds an audit line to the unit of work; it is saved with the change it records.</summary>
    public static void Audit(this ApprovalDb db, ClaimsPrincipal user, TimeProvider clock, string action, string resource,
        string? subjectHash = null, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()),
            Actor = user.FindFirst("sub")?.Value is { } sub ? db.Protector.Hash(sub) ?? sub : "anonymous",
            Role = user.FindFirst("role")?.Value ?? "none",
            Action = action,
            Resource = resource,
            SubjectHash = subjectHash,
            Detail = detail,
        });
}

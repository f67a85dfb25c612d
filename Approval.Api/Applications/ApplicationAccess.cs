using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Rules.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Applications;

/// <summary>
/// Which application or task a caller may see or act on, once an <see cref="AccessPolicies"/> policy let the role in;
/// and what of another department's decisions a reviewer sees. The one place these rules live:
/// <list type="bullet">
/// <item>applicants: applications whose applicant (ID number) or company (credit code) they are;</item>
/// <item>kiosks: only what they submitted within their session (token subject = device, claim <c>sid</c> = session);</item>
/// <item>clerks (the window): any application, audited; they act for the applicant but never rate;</item>
/// <item>reviewers: applications with a task of their department (the service hall also: with a complaint), only their
/// department's tasks; other departments' reasons read "refused";</item>
/// <item>admins: read any application and inbox (audited), record objections; they neither decide nor act for applicants.</item>
/// </list>
/// </summary>
public static class ApplicationAccess
{
    /// <summary>What a reviewer sees instead of another department's reason for a refusal.</summary>
    public const string Refused = "refused";

    public static string Role(ClaimsPrincipal user) => AccessPolicies.SingleRole(user) ?? "";
    public static string Subject(ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "";
    public static string? Department(ClaimsPrincipal user) => user.FindFirst(Roles.DepartmentClaim)?.Value;
    public static string? Session(ClaimsPrincipal user) => user.FindFirst(AccessPolicies.SessionClaim)?.Value;

    /// <summary>Who submitted, as stored (keyed hash) in <see cref="Application.SubmittedBy"/>: the token subject; for a kiosk its subject and session.</summary>
    public static string Submitter(ClaimsPrincipal user, PersonalData personal) =>
        personal.Hash(Role(user) == Roles.Kiosk ? $"{Subject(user)}#{Session(user)}" : Subject(user));

    /// <summary>How the caller appears in timelines: never an applicant's ID number.</summary>
    public static string Actor(ClaimsPrincipal user) => Role(user) == Roles.Applicant
        ? "applicant"
        : $"{Role(user)}:{Subject(user)}{(Department(user) is { } d ? "@" + d : "")}";

    /// <summary>True when the caller is the applicant (ID number) or the company (credit code) of the application.</summary>
    public static bool IsOwner(ClaimsPrincipal user, Application application, PersonalData personal)
    {
        if (Role(user) != Roles.Applicant) return false;
        var hash = personal.Hash(Subject(user));
        return hash == application.ApplicantHash || hash == application.CompanyHash;
    }

    /// <summary>True when the caller is the kiosk session that submitted the application.</summary>
    public static bool IsSubmittingKioskSession(ClaimsPrincipal user, Application application, PersonalData personal) =>
        Role(user) == Roles.Kiosk && application.SubmittedBy == Submitter(user, personal);

    public static async Task<bool> CanReadAsync(ClaimsPrincipal user, Application application, ApprovalDb db, PersonalData personal, CancellationToken ct) =>
        Role(user) switch
        {
            Roles.Applicant => IsOwner(user, application, personal),
            Roles.Kiosk => IsSubmittingKioskSession(user, application, personal),
            Roles.Reviewer => await db.WorkflowTasks.AnyAsync(t => t.InstanceId == application.Id && t.Department == Department(user), ct)
                              || (Department(user) == ComplaintTask.HallDepartment && await db.ComplaintTasks.AnyAsync(c => c.ApplicationId == application.Id, ct)),
            Roles.Clerk or Roles.Admin => true,
            _ => false,
        };

    /// <summary>Materials, supplements, withdrawal: the applicant, the kiosk session that submitted, a clerk.</summary>
    public static bool CanActFor(ClaimsPrincipal user, Application application, PersonalData personal) => Role(user) switch
    {
        Roles.Applicant => IsOwner(user, application, personal),
        Roles.Kiosk => IsSubmittingKioskSession(user, application, personal),
        Roles.Clerk => true,
        _ => false,
    };

    /// <summary>The service is rated by its applicant only: never by a clerk, a kiosk or staff.</summary>
    public static bool CanRate(ClaimsPrincipal user, Application application, PersonalData personal) => IsOwner(user, application, personal);

    /// <summary>An objection to a public notice: a clerk who received it, a reviewer of the item's department, an admin.</summary>
    public static bool CanObject(ClaimsPrincipal user, string? itemDepartment) => Role(user) switch
    {
        Roles.Clerk or Roles.Admin => true,
        Roles.Reviewer => itemDepartment is not null && Department(user) == itemDepartment,
        _ => false,
    };

    /// <summary>A task and the facts its department may see: a reviewer of that department, an admin.</summary>
    public static bool CanReadTasksOf(ClaimsPrincipal user, string department) =>
        Role(user) == Roles.Admin || (Role(user) == Roles.Reviewer && Department(user) == department);

    /// <summary>Deciding a task: only a reviewer of its department.</summary>
    public static bool CanDecideTasksOf(ClaimsPrincipal user, string department) => Role(user) == Roles.Reviewer && Department(user) == department;

    /// <summary>
    /// The department whose reasons alone the caller may read (a reviewer's own), or null when the caller sees every
    /// reason (the applicant, the kiosk session and the clerk acting for them, admins).
    /// </summary>
    public static string? ReasonsOnlyOf(ClaimsPrincipal user) => Role(user) == Roles.Reviewer ? Department(user) : null;
}

/// <summary>
/// Masks every personal ID number of an application's facts (applicant, agent, legal representative, investors) wherever
/// it appears in a text (certificate numbers begin with it; timeline details may quote it).
/// </summary>
public sealed class IdMasker
{
    private readonly List<(string Clear, string Masked)> _ids = [];

    public static readonly IdMasker None = new();

    public static IdMasker For(string factsJson)
    {
        var masker = new IdMasker();
        if (JsonNode.Parse(factsJson) is JsonObject facts) masker.Collect(facts);
        return masker;
    }

    private void Collect(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k == "idNumber" && v is JsonValue value && value.TryGetValue<string>(out var id) && id.Length == 18)
                    {
                        _ids.Add((id, ChineseId.Mask(id)));
                        if (!id.Equals(id.ToUpperInvariant(), StringComparison.Ordinal)) _ids.Add((id.ToUpperInvariant(), ChineseId.Mask(id)));
                    }
                    else Collect(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a) Collect(v);
                break;
        }
    }

    public string? Text(string? text)
    {
        if (text is null) return null;
        foreach (var (clear, masked) in _ids) text = text.Replace(clear, masked, StringComparison.OrdinalIgnoreCase);
        return text;
    }

    public JsonElement? Json(string? json) => json is null ? null : JsonDocument.Parse(Text(json)!).RootElement.Clone();

    /// <summary>Whether a property of this name holds a number to mask: an ID, phone, bank account or certificate number.</summary>
    public static bool Masks(ReadOnlySpan<byte> key) =>
        key.SequenceEqual("idNumber"u8) || key.SequenceEqual("phone"u8) || key.SequenceEqual("accountNumber"u8) || key.SequenceEqual("certificateNumber"u8);

    /// <summary>The masked form of a value of a property <see cref="Masks"/> names.</summary>
    public static string Masked(ReadOnlySpan<byte> key, string s) =>
        key.SequenceEqual("idNumber"u8) ? ChineseId.Mask(s) :
        key.SequenceEqual("phone"u8) ? PersonalData.MaskPhone(s) :
        key.SequenceEqual("accountNumber"u8) ? (s.Length > 4 ? new string('*', s.Length - 4) + s[^4..] : "****") :
        key.SequenceEqual("certificateNumber"u8) ? (s.Length == 20 ? ChineseId.Mask(s[..18]) + s[18..] : "***") :
        s;
}

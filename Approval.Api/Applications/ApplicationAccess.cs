using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Rules.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Applications;

/// <summary>Who may see an application, and the masks applied for everyone but its applicant.</summary>
public static class ApplicationAccess
{
    public static string Role(ClaimsPrincipal user) => user.FindFirst("role")?.Value ?? "";
    public static string Subject(ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "";
    public static string? Department(ClaimsPrincipal user) => user.FindFirst(Roles.DepartmentClaim)?.Value;

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

    /// <summary>Applicants: their own; reviewers: applications with a task of their department; clerks, kiosks, admins: any.</summary>
    public static async Task<bool> CanReadAsync(ClaimsPrincipal user, Application application, ApprovalDb db, PersonalData personal, CancellationToken ct) =>
        Role(user) switch
        {
            Roles.Applicant => IsOwner(user, application, personal),
            Roles.Reviewer => await db.WorkflowTasks.AnyAsync(t => t.InstanceId == application.Id && t.Department == Department(user), ct)
                              || (Department(user) == "service-hall" && await db.ComplaintTasks.AnyAsync(c => c.ApplicationId == application.Id, ct)),
            Roles.Clerk or Roles.Kiosk or Roles.Admin => true,
            _ => false,
        };

    /// <summary>Clerks, kiosks and the applicant may act for an application (materials, supplements, withdrawal).</summary>
    public static bool CanActFor(ClaimsPrincipal user, Application application, PersonalData personal) =>
        Role(user) is Roles.Clerk or Roles.Kiosk or Roles.Admin || IsOwner(user, application, personal);
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

    /// <summary>The facts with every ID number, phone number and bank account number masked.</summary>
    public static JsonNode? MaskFacts(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (v is JsonValue value && value.TryGetValue<string>(out var s))
                        o[k] = k switch
                        {
                            "idNumber" => ChineseId.Mask(s),
                            "phone" => PersonalData.MaskPhone(s),
                            "accountNumber" => s.Length > 4 ? new string('*', s.Length - 4) + s[^4..] : "****",
                            "certificateNumber" => s.Length == 20 ? ChineseId.Mask(s[..18]) + s[18..] : "***",
                            _ => s,
                        };
                    else MaskFacts(v);
                }
                return o;
            case JsonArray a:
                foreach (var v in a) MaskFacts(v);
                return a;
            default:
                return node;
        }
    }
}

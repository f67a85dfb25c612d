using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Approval.Api.Security;

/// <summary>
/// Who may call an endpoint at all: one named policy per kind of endpoint, each a set of roles. Which application or
/// task a caller may then see or act on is decided by <see cref="Applications.ApplicationAccess"/>. Every policy
/// refuses a token with more than one role (an admin endpoint needs an admin-only token), a reviewer without a
/// department and a kiosk without a session.
/// </summary>
public static class AccessPolicies
{
    public const string Submit = "submit";
    public const string ReadApplication = "read-application";
    public const string ActForApplicant = "act-for-applicant";
    public const string Object = "object";
    public const string Rate = "rate";
    public const string ReadTasks = "read-tasks";
    public const string DecideTasks = "decide-tasks";
    public const string Admin = "admin";
    public const string OwnInvitations = "own-invitations";

    /// <summary>The claim naming a kiosk's session: one citizen's use of the device, from reading the ID card to leaving.</summary>
    public const string SessionClaim = "sid";
    public const int MaxSessionLength = 64;

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Submit] = [Roles.Applicant, Roles.Clerk, Roles.Kiosk],
        [ReadApplication] = [Roles.Applicant, Roles.Clerk, Roles.Kiosk, Roles.Reviewer, Roles.Admin],
        [ActForApplicant] = [Roles.Applicant, Roles.Clerk, Roles.Kiosk],
        [Object] = [Roles.Clerk, Roles.Reviewer, Roles.Admin],
        [Rate] = [Roles.Applicant],
        [ReadTasks] = [Roles.Reviewer, Roles.Admin],
        [DecideTasks] = [Roles.Reviewer],
        [Admin] = [Roles.Admin],
        [OwnInvitations] = [Roles.Applicant],
    };

    public static IServiceCollection AddAccessPolicies(this IServiceCollection services)
    {
        var builder = services.AddAuthorizationBuilder();
        foreach (var (name, roles) in RolesOf)
            builder.AddPolicy(name, p => p.RequireAuthenticatedUser().AddRequirements(new OneOfRolesRequirement(roles)));
        services.AddSingleton<IAuthorizationHandler, OneOfRolesHandler>();
        return services;
    }

    /// <summary>The caller's only role, or null when the token has none, several, or lacks what the role needs.</summary>
    public static string? SingleRole(ClaimsPrincipal user)
    {
        var roles = user.FindAll("role").Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count != 1 || !Roles.All.Contains(roles[0])) return null;
        return roles[0] switch
        {
            Roles.Reviewer when string.IsNullOrEmpty(user.FindFirst(Roles.DepartmentClaim)?.Value) => null,
            Roles.Kiosk when user.FindFirst(SessionClaim)?.Value is not { Length: > 0 and <= MaxSessionLength } => null,
            var role => role,
        };
    }
}

public sealed record OneOfRolesRequirement(IReadOnlyList<string> Roles) : IAuthorizationRequirement;

internal sealed class OneOfRolesHandler : AuthorizationHandler<OneOfRolesRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OneOfRolesRequirement requirement)
    {
        if (AccessPolicies.SingleRole(context.User) is { } role && requirement.Roles.Contains(role)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

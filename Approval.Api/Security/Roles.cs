namespace Approval.Api.Security;

/// <summary>The roles a bearer token can carry (claim <c>role</c>); reviewers also carry <c>department</c>.</summary>
public static class Roles
{
    public const string Applicant = "applicant";
    public const string Clerk = "clerk";
    public const string Kiosk = "kiosk";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Applicant, Clerk, Kiosk, Reviewer, Admin];

    public const string DepartmentClaim = "department";
}

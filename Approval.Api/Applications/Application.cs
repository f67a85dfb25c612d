namespace Approval.Api.Applications;

/// <summary>Application statuses as the service reports them (the workflow instance's status is authoritative for items).</summary>
public static class ApplicationStatus
{
    public const string Submitted = "submitted";
    public const string ResultIssued = "resultIssued";
    public const string Withdrawn = "withdrawn";
}

/// <summary>
/// One submission of a bundle (办件). The id is the workflow instance's id. Personal identifiers appear only inside
/// <see cref="FactsJson"/> (never queried); look-ups go through the keyed hashes. Instants are Unix milliseconds.
/// </summary>
public sealed class Application
{
    public Guid Id { get; set; }
    /// <summary>受理编号, e.g. <c>YJS-20261122-000123</c>: date of submission (China) and the day's sequence.</summary>
    public required string ReceiptNumber { get; set; }
    public required string BundleCode { get; set; }
    /// <summary>The bundle version the application is pinned to (rules, workflow, form).</summary>
    public required string BundleVersion { get; set; }
    public required string Channel { get; set; }
    /// <summary>Keyed hash of the applicant's ID number (bundle A) or the legal representative's ID number (bundle B).</summary>
    public required string ApplicantHash { get; set; }
    /// <summary>Keyed hash of the company's credit code (existing, or issued by B1), when there is one.</summary>
    public string? CompanyHash { get; set; }
    /// <summary>Token subject of the caller that submitted (applicant, clerk or kiosk).</summary>
    public required string SubmittedBy { get; set; }
    public required string FactsJson { get; set; }
    public required string AssessmentJson { get; set; }
    /// <summary>The body of the first 201 response, returned again for an idempotent retry.</summary>
    public required string ReceiptJson { get; set; }
    public DateOnly AsOf { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
    public long SubmittedAt { get; set; }
    public DateOnly SubmittedOn { get; set; }
    public string Status { get; set; } = ApplicationStatus.Submitted;
    /// <summary>统一出件: the combined result, once every item has ended.</summary>
    public string? CombinedResultJson { get; set; }
    public int? Rating { get; set; }
    public string? RatingComment { get; set; }
    public long? RatedAt { get; set; }
    public long Version { get; set; }
}

public static class MaterialStorage
{
    public const string Database = "Database";
    public const string Folder = "Folder";
}

/// <summary>A material file uploaded for an application: metadata, SHA-256, and the bytes (in the row or in a file).</summary>
public sealed class ApplicationMaterial
{
    public Guid Id { get; set; }
    public Guid ApplicationId { get; set; }
    public required string MaterialCode { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    /// <summary><c>Database</c> (bytes in <see cref="Content"/>) or <c>Folder</c> (<see cref="Location"/> under the materials folder).</summary>
    public required string Storage { get; set; }
    public string? Location { get; set; }
    public byte[]? Content { get; set; }
    public required string UploadedBy { get; set; }
    public long UploadedAt { get; set; }
}

/// <summary>A message the service sent (or would send): reminders, escalations, supplement requests, review flags, the combined result.</summary>
public sealed class Notification
{
    public long Id { get; set; }
    public Guid ApplicationId { get; set; }
    /// <summary>reminder, escalation, supplementRequested, reviewFlag, notify, resultIssued, complaint.</summary>
    public required string Kind { get; set; }
    /// <summary><c>applicant</c>, a department code, or <c>&lt;department&gt;:lead</c> for escalations.</summary>
    public required string Recipient { get; set; }
    public string? ItemCode { get; set; }
    public Guid? TaskId { get; set; }
    public string? Message { get; set; }
    public long CreatedAt { get; set; }
}

public static class ComplaintStatus
{
    public const string Open = "open";
    public const string Done = "done";
}

/// <summary>A rating of 1–2 (差评) is a complaint the service hall must answer: a task in its inbox.</summary>
public sealed class ComplaintTask
{
    public const string HallDepartment = "service-hall";

    public Guid Id { get; set; }
    public Guid ApplicationId { get; set; }
    public string Department { get; set; } = HallDepartment;
    public int Score { get; set; }
    public string? Comment { get; set; }
    public string Status { get; set; } = ComplaintStatus.Open;
    public long CreatedAt { get; set; }
    public DateOnly DueDate { get; set; }
    public string? Resolution { get; set; }
    public string? ResolvedBy { get; set; }
    public long? ResolvedAt { get; set; }
}

/// <summary>The last receipt number (受理编号) handed out on a day; incremented atomically, one row a day.</summary>
public sealed class ReceiptCounter
{
    public DateOnly Day { get; set; }
    public long LastValue { get; set; }
}

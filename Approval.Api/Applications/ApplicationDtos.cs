using System.Text.Json;
using Approval.Api.Assessments;
using Approval.Workflows.Persistence;
using AutoMapper;

namespace Approval.Api.Applications;

/// <summary>The body of <c>201 Created</c> (and of an idempotent retry's <c>200</c>): the receipt (受理回执);
/// <c>materialsToUpload</c> = required (not waived) materials of the items that started.</summary>
public sealed record SubmissionResponse(
    Guid Id, string ReceiptNumber, string BundleCode, string BundleVersion, string Channel, DateTimeOffset SubmittedAt,
    IReadOnlyList<string> StartedItems, AssessmentResponse Assessment, IReadOnlyList<MaterialToUploadDto> MaterialsToUpload);

public sealed record MaterialToUploadDto(string Code, IReadOnlyList<string> RequiredFor);

/// <summary>An application's state: per-item status, clocks, tasks, the timeline, (when done) the combined result and the
/// notifications sent to the applicant. <c>status</c> ∈ awaitingAcceptance, running, completed, refused, withdrawn.</summary>
public sealed record ApplicationDto(
    Guid Id, string ReceiptNumber, string BundleCode, string BundleVersion, string Channel, string Status,
    DateTimeOffset SubmittedAt, DateOnly AsOf, string? ApplicantIdNumber, IReadOnlyList<ItemStatusDto> Items,
    IReadOnlyList<TaskSummaryDto> Tasks, IReadOnlyList<TimelineEntryDto> Timeline, IReadOnlyList<UploadedMaterialDto> Materials,
    JsonElement? CombinedResult, RatingDto? Rating, IReadOnlyList<NotificationDto> Notifications);

/// <summary>A notification to the applicant (<c>kind</c> ∈ supplementRequested, notify, resultIssued…), in the request's language.</summary>
public sealed record NotificationDto(string Kind, string? ItemCode, string Message, DateTimeOffset CreatedAt);

/// <summary>
/// One item: <c>status</c> ∈ pending, active, awaitingSupplement, ended; <c>outcome</c> ∈ granted, refused, notGranted,
/// notApplicable, ineligible, withdrawn, revoked (null while undecided). The clock: <c>dueDate</c> (承诺时限),
/// <c>statutoryDueDate</c> (法定时限), <c>paused</c> while the applicant supplements.
/// </summary>
public sealed record ItemStatusDto(
    string Code, string Name, string Department, string Status, string? Outcome, string? OutcomeReason, string? Number,
    DateOnly? DueDate, DateOnly? StatutoryDueDate, bool Paused, DateOnly? PausedOn, int UsedDays,
    IReadOnlyList<string> SupplementMaterials, string? ReviewFlag);

public sealed record TaskSummaryDto(Guid Id, string? ItemCode, string Department, string Kind, string Status, DateOnly? DueDate,
    string? WaitingFor, string? Action, DateTimeOffset? DecidedAt);

public sealed record TimelineEntryDto(int Seq, DateTimeOffset At, string Event, string? ItemCode, Guid? TaskId, string? Actor, string? Detail);

public sealed record UploadedMaterialDto(Guid Id, string MaterialCode, string FileName, string ContentType, long Size, string Sha256, string Storage, DateTimeOffset UploadedAt);

public sealed record RatingDto(int Score, string? Comment, DateTimeOffset RatedAt, Guid? ComplaintTaskId);

public sealed class ApplicationMappingProfile : Profile
{
    public ApplicationMappingProfile()
    {
        CreateMap<ApplicationMaterial, UploadedMaterialDto>()
            .ForCtorParam(nameof(UploadedMaterialDto.UploadedAt), o => o.MapFrom(m => DateTimeOffset.FromUnixTimeMilliseconds(m.UploadedAt)));
        CreateMap<HumanTask, TaskSummaryDto>();
        CreateMap<WorkflowHistoryEntry, TimelineEntryDto>();
    }
}

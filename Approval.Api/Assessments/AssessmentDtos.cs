using Approval.Rules;
using Approval.Api.Infrastructure;
using AutoMapper;

namespace Approval.Api.Assessments;

/// <summary>The one-time notice (一次告知): every item's outcome with reasons, the single materials checklist and missing facts.</summary>
public sealed record AssessmentResponse(
    string BundleCode,
    string BundleVersion,
    DateOnly AsOf,
    IReadOnlyList<AssessedItemDto> Items,
    IReadOnlyList<MaterialRequirementDto> Materials,
    IReadOnlyList<string> MissingFacts,
    IReadOnlyList<TraceEntryDto>? Trace);

/// <summary>One item: <c>outcome</c> ∈ eligible, ineligible, conditional, notApplicable, needsInformation.</summary>
public sealed record AssessedItemDto(string Code, ItemOutcome Outcome, IReadOnlyList<string> DependsOn, IReadOnlyList<ReasonDto> Reasons, BenefitDto? Benefit);

/// <summary>A rule that decided the outcome, <c>message</c> in the request's language (Accept-Language; zh-CN by default).
/// For "why not" outcomes <c>condition</c> and <c>values</c> show what failed.</summary>
public sealed record ReasonDto(string RuleId, string Message, string Kind, string? Condition, IReadOnlyList<FactValueDto>? Values);

public sealed record FactValueDto(string Path, string Value);

/// <summary><c>level</c> ∈ full, partial.</summary>
public sealed record BenefitDto(decimal? MonthlyAmount, decimal? YearlyAmount, string? Level);

/// <summary><c>status</c> ∈ required, waived; <c>waivedBy</c>: <c>bundle:&lt;item&gt;</c>, <c>identity-verified</c>, <c>shared:&lt;source&gt;</c>.</summary>
public sealed record MaterialRequirementDto(string Code, IReadOnlyList<string> RequiredFor, string Status, string? WaivedBy);

public sealed record TraceEntryDto(int Sequence, string RuleId, string Action, IReadOnlyList<FactValueDto> Values);

public sealed class AssessmentMappingProfile : Profile
{
    public AssessmentMappingProfile()
    {
        CreateMap<ItemAssessment, AssessedItemDto>();
        CreateMap<Reason, ReasonDto>().ForCtorParam(nameof(ReasonDto.Message), o => o.MapFrom(r => r.Message.Pick()));
        CreateMap<FactValue, FactValueDto>();
        CreateMap<Benefit, BenefitDto>();
        CreateMap<MaterialRequirement, MaterialRequirementDto>();
        CreateMap<TraceEntry, TraceEntryDto>();
    }
}

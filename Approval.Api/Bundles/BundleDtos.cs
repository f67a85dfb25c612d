using System.Text.Json.Nodes;
using Approval.Rules.Bundles;
using AutoMapper;

namespace Approval.Api.Bundles;

/// <summary>A bundle in the catalogue list.</summary>
/// <param name="Code">Bundle code, e.g. <c>disability-assistance</c>.</param>
/// <param name="Name">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Version">Declared version plus content hash; an application pins it.</param>
/// <param name="Items">The items (事项) of the bundle.</param>
public sealed record BundleSummaryDto(string Code, string Name, string NameEn, string Version, IReadOnlyList<ItemDto> Items);

/// <summary>An item (事项) with its deciding department and time limits in working days.</summary>
public sealed record ItemDto(string Code, string Name, string NameEn, string Department, int StatutoryDays, int PromisedDays, string? Notes);

public sealed record DepartmentDto(string Code, string Name, string NameEn);

public sealed record MaterialDto(string Code, string Name, string NameEn, IReadOnlyList<string> NeededBy, string? WaivedWhen);

/// <summary>A bundle with its one form as a JSON Schema.</summary>
public sealed record BundleDto(
    string Code,
    string Name,
    string NameEn,
    string Description,
    string DescriptionEn,
    string Version,
    string DeclaredVersion,
    string ContentHash,
    IReadOnlyList<string> JurisdictionRegions,
    IReadOnlyList<DepartmentDto> Departments,
    IReadOnlyList<ItemDto> Items,
    JsonObject Form,
    IReadOnlyList<MaterialDto> Materials);

public sealed class BundleMappingProfile : Profile
{
    public BundleMappingProfile()
    {
        CreateMap<JsonObject, JsonObject>().ConvertUsing(s => s);
        CreateMap<ItemDefinition, ItemDto>()
            .ForCtorParam(nameof(ItemDto.Name), o => o.MapFrom(i => i.Name.Zh))
            .ForCtorParam(nameof(ItemDto.NameEn), o => o.MapFrom(i => i.Name.En));
        CreateMap<DepartmentDefinition, DepartmentDto>()
            .ForCtorParam(nameof(DepartmentDto.Name), o => o.MapFrom(d => d.Name.Zh))
            .ForCtorParam(nameof(DepartmentDto.NameEn), o => o.MapFrom(d => d.Name.En));
        CreateMap<MaterialDefinition, MaterialDto>()
            .ForCtorParam(nameof(MaterialDto.Name), o => o.MapFrom(m => m.Name.Zh))
            .ForCtorParam(nameof(MaterialDto.NameEn), o => o.MapFrom(m => m.Name.En));
        CreateMap<BundleDefinition, BundleSummaryDto>()
            .ForCtorParam(nameof(BundleSummaryDto.Name), o => o.MapFrom(b => b.Name.Zh))
            .ForCtorParam(nameof(BundleSummaryDto.NameEn), o => o.MapFrom(b => b.Name.En));
        CreateMap<BundleDefinition, BundleDto>()
            .ForCtorParam(nameof(BundleDto.Name), o => o.MapFrom(b => b.Name.Zh))
            .ForCtorParam(nameof(BundleDto.NameEn), o => o.MapFrom(b => b.Name.En))
            .ForCtorParam(nameof(BundleDto.Description), o => o.MapFrom(b => b.Description.Zh))
            .ForCtorParam(nameof(BundleDto.DescriptionEn), o => o.MapFrom(b => b.Description.En))
            .ForCtorParam(nameof(BundleDto.Form), o => o.MapFrom(b => FormSchema.For(b)));
    }
}

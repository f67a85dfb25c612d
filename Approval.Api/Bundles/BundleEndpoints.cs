using Approval.Api.Infrastructure;
using AutoMapper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approval.Api.Bundles;

public static class BundleEndpoints
{
    public static RouteGroupBuilder MapBundles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bundles").WithTags("Catalogue").AllowAnonymous();

        group.MapGet("/", ListBundles)
            .WithName("ListBundles")
            .WithSummary("List the bundles (一件事) on offer")
            .WithDescription("Every bundle in force: code, name, version (declared version + content hash) and its items with departments and time limits.");

        group.MapGet("/{bundleCode}", GetBundle)
            .WithName("GetBundle")
            .WithSummary("One bundle: items, materials and the one form as a JSON Schema")
            .WithDescription("The form schema is generated from the bundle's field definitions; custom formats are `cn-id` (GB 11643), `uscc` (GB 32100), `mobile` and `region-code`. Unknown code → 404 problem details.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static Ok<IReadOnlyList<BundleSummaryDto>> ListBundles(BundleCatalog catalog, IMapper mapper) =>
        TypedResults.Ok(mapper.Map<IReadOnlyList<BundleSummaryDto>>(catalog.Current.OrderBy(b => b.Code, StringComparer.Ordinal).ToList()));

    public static Results<Ok<BundleDto>, ProblemHttpResult> GetBundle(string bundleCode, BundleCatalog catalog, IMapper mapper) =>
        catalog.Find(bundleCode) is { } bundle
            ? TypedResults.Ok(mapper.Map<BundleDto>(bundle))
            : Problems.UnknownBundle(bundleCode);
}

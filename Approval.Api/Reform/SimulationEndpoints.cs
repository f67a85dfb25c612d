using System.Security.Claims;
using System.Text.Json;
using Approval.Api.Applications;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Matching;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Rules;
using Approval.Rules.Identifiers;
using Approval.Rules.Yaml;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Reform;

public sealed record ParameterChangeDto(string Parameter, DateOnly From, JsonElement Value);

/// <summary>One item of one application whose outcome or yearly amount differs between the version in force and the draft.</summary>
public sealed record ItemChangeDto(string Item, string OutcomeInForce, string OutcomeDraft, decimal YearlyInForce, decimal YearlyDraft);

public sealed record ChangedApplicationDto(Guid ApplicationId, string ReceiptNumber, IReadOnlyList<ItemChangeDto> Items);

/// <summary>Per item: how many applications change outcome or amount, and the yearly cost under each version.</summary>
public sealed record ItemImpactDto(string Item, int EligibleInForce, int EligibleDraft, int OutcomeChanges, int AmountChanges,
    decimal YearlyCostInForce, decimal YearlyCostDraft, decimal YearlyCostDelta);

/// <summary>
/// A draft rule version run over stored applications, side by side with the version in force, both on <see cref="AsOf"/>.
/// Yearly cost = the yearly amount (or 12 × the monthly amount) of every item that is eligible or conditional.
/// </summary>
public sealed record SimulationDto(string BundleCode, string VersionInForce, string DraftVersion, DateOnly AsOf, IReadOnlyList<ParameterChangeDto> Changes,
    int Applications, bool Truncated, int ApplicationsChanged, decimal YearlyCostInForce, decimal YearlyCostDraft, decimal YearlyCostDelta,
    IReadOnlyList<ItemImpactDto> Items, IReadOnlyList<ChangedApplicationDto> ChangedApplications, RegistryImpactDto? Registry);

/// <summary>A registry person (who has not applied for the bundle) whose outcome or yearly amount differs: masked, with a reference (the first 12 hex digits of the keyed hash).</summary>
public sealed record ChangedPersonDto(string Reference, string MaskedName, string? MaskedId, IReadOnlyList<ItemChangeDto> Items);

/// <summary>
/// The same comparison over the shared-data registry's persons who have not applied for the bundle (their one form as
/// the registry answers it, see proactive matching): how many would gain or lose an item or an amount, and the yearly cost.
/// </summary>
public sealed record RegistryImpactDto(int Persons, bool Truncated, int PersonsChanged, decimal YearlyCostInForce, decimal YearlyCostDraft, decimal YearlyCostDelta,
    IReadOnlyList<ItemImpactDto> Items, IReadOnlyList<ChangedPersonDto> ChangedPersons);

public static class SimulationEndpoints
{
    private const int MaxApplications = 100_000;
    private const int ListedApplications = 100;

    public static RouteGroupBuilder MapSimulations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/bundles").WithTags("Reform metrics (admin)").RequireAuthorization(AccessPolicies.Admin);

        group.MapPost("/{bundleCode}/simulations", Simulate)
            .WithName("SimulatePolicyChange")
            .WithSummary("Policy impact: run a draft rule version (dated parameter changes) over the stored applications")
            .WithDescription("Body: `{ \"changes\": [ { \"parameter\": \"livingSubsidyMonthly\", \"from\": \"2027-01-01\", \"value\": 160 } ], \"asOf\": \"2027-01-01\", \"limit\": 10000 }`. The draft is the bundle's `rules.yaml` with each value added from its date; both versions assess every stored application of the bundle (its one-form facts with today's shared data) on `asOf` (default: the earliest change's date). The answer lists whose outcome or yearly amount changes (the first 100), the counts and the yearly cost per item under each version. With `\"registry\": true` the same comparison runs over the shared-data registry's persons who have not applied for the bundle (their one form as the registry answers it, as in proactive matching; masked; at most `limit` persons) in `registry`. Nothing is stored or changed (the run is audited); a published version applies to new applications only. Admin only.")
            .Accepts<SimulationRequestExample>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Results<Ok<SimulationDto>, ProblemHttpResult, ValidationProblem>> Simulate(string bundleCode, HttpRequest request, ClaimsPrincipal user,
        BundleCatalog catalog, ApprovalDb db, ISharedData shared, PersonalData personal, TimeProvider clock, CancellationToken ct)
    {
        if (catalog.Find(bundleCode) is not { } bundle) return Problems.UnknownBundle(bundleCode);
        var body = await RequestBody.ReadJsonAsync(request, ct);
        if (body.Errors is { } parseErrors) return Problems.Validation(parseErrors);
        using var document = body.Document!;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return Problems.Validation(new Dictionary<string, string[]> { ["body"] = Texts.MustBeObject.Field() });
        var errors = RequestBody.AllowOnly(root, "changes", "asOf", "limit", "registry");
        var changes = Changes(root, RuleDraft.Parameters(bundle), errors);
        var asOf = RequestBody.Date(root, "asOf", errors);
        var limit = MaxApplications;
        if (root.TryGetProperty("limit", out var l) && !(l.TryGetInt32(out limit) && limit is >= 1 and <= MaxApplications))
            errors["limit"] = Texts.WholeNumberBetween(1, MaxApplications).Field();
        var registry = false;
        if (root.TryGetProperty("registry", out var r))
        {
            if (r.ValueKind is JsonValueKind.True or JsonValueKind.False) registry = r.GetBoolean();
            else errors["registry"] = Texts.MustBeTrueOrFalse.Field();
            if (registry && bundle.Form.All(f => f.Path != "applicant.idNumber")) errors["registry"] = Texts.NotAPersonBundle.Field();
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        BundleRules draft;
        try
        {
            draft = BundleRules.Compile(RuleDraft.With(bundle, $"draft:{bundle.Code}", changes));
        }
        catch (DefinitionException e)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["changes"] = Texts.DraftDoesNotCompile(e.Problem).Field() });
        }
        var inForce = catalog.RulesFor(bundle);
        var on = asOf ?? changes.Min(c => c.From);

        var applications = await db.Applications.AsNoTracking().Where(a => a.BundleCode == bundle.Code).OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.ReceiptNumber, a.FactsJson }).Take(limit + 1).ToListAsync(ct);
        var truncated = applications.Count > limit;
        if (truncated) applications.RemoveAt(applications.Count - 1);

        var impacts = bundle.Items.ToDictionary(i => i.Code, _ => new Impact());
        var changed = new List<ChangedApplicationDto>();
        var changedCount = 0;
        foreach (var application in applications)
        {
            using var facts = JsonDocument.Parse(db.Reveal<Application>(application.FactsJson, nameof(Application.FactsJson), application.Id.ToString("N")));
            var sharedFacts = await shared.CollectAsync(facts.RootElement, on, ct);
            var before = inForce.Assess(FactSet.From(facts.RootElement, sharedFacts), on);
            var after = draft.Assess(FactSet.From(facts.RootElement, sharedFacts), on);
            var differences = Compare(before, after, impacts);
            if (differences.Count == 0) continue;
            changedCount++;
            if (changed.Count < ListedApplications) changed.Add(new ChangedApplicationDto(application.Id, application.ReceiptNumber, differences));
        }

        var registryImpact = registry ? await RegistryImpactAsync(db, personal, bundle, inForce, draft, on, limit, ct) : null;

        db.Audit(user, clock, "simulation.run", $"bundles/{bundle.Code}/simulations",
            detail: $"{applications.Count} applications{(registryImpact is null ? "" : $" and {registryImpact.Persons} registry persons")} on {on:yyyy-MM-dd}: {string.Join("; ", changes.Select(c => $"{c.Parameter} = {c.ValueText} from {c.From:yyyy-MM-dd}"))}");
        await db.SaveChangesAsync(ct);

        var items = impacts.Select(kv => kv.Value.Dto(kv.Key)).ToList();
        var costNowTotal = items.Sum(i => i.YearlyCostInForce);
        var costDraftTotal = items.Sum(i => i.YearlyCostDraft);
        return TypedResults.Ok(new SimulationDto(bundle.Code, bundle.Version, draft.Bundle.Version, on,
            changes.Select(c => new ParameterChangeDto(c.Parameter, c.From, JsonSerializer.SerializeToElement<object>(c.Flag is { } f ? f : c.Number!.Value))).ToList(),
            applications.Count, truncated, changedCount, costNowTotal, costDraftTotal, costDraftTotal - costNowTotal, items, changed, registryImpact));
    }

    /// <summary>
    /// Walks the registry by keyed hash in batches (as a matching run does), skips the persons with an application for the
    /// bundle (they are counted above), and assesses each person under both versions; persons with identical rule inputs
    /// share one pair of assessments.
    /// </summary>
    private static async Task<RegistryImpactDto> RegistryImpactAsync(ApprovalDb db, PersonalData personal, Approval.Rules.Bundles.BundleDefinition bundle,
        BundleRules inForce, BundleRules draft, DateOnly on, int limit, CancellationToken ct)
    {
        const int batch = 2000;
        var impacts = bundle.Items.ToDictionary(i => i.Code, _ => new Impact());
        var changed = new List<ChangedPersonDto>();
        var (persons, changedCount, after) = (0, 0, "");
        var withName = RegistryPerson.ReadsName(bundle);
        var assessed = new Dictionary<string, (AssessmentResult Now, AssessmentResult Next)>();
        var truncated = false;
        while (true)
        {
            var subjects = await db.SharedRecords.AsNoTracking()
                .Where(x => x.Source == MatchingJob.Registry && string.Compare(x.SubjectHash, after) > 0)
                .Select(x => x.SubjectHash).Distinct().OrderBy(h => h).Take(batch).ToListAsync(ct);
            if (subjects.Count == 0) break;
            var last = subjects[^1];
            var records = await db.SharedRecords.AsNoTracking()
                .Where(x => MatchingJob.PersonSources.Contains(x.Source) && string.Compare(x.SubjectHash, after) > 0 && string.Compare(x.SubjectHash, last) <= 0)
                .ToListAsync(ct);
            var applied = (await db.Applications.AsNoTracking()
                .Where(a => a.BundleCode == bundle.Code && string.Compare(a.ApplicantHash, after) > 0 && string.Compare(a.ApplicantHash, last) <= 0)
                .Select(a => a.ApplicantHash).ToListAsync(ct)).ToHashSet();
            foreach (var group in records.GroupBy(x => x.SubjectHash).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (applied.Contains(group.Key)) continue;
                if (persons == limit) { truncated = true; break; }
                var own = group.ToList();
                if (RegistryPerson.From(group.Key, own, on, personal) is not { } person) continue;
                persons++;
                var shared = new Dictionary<string, object?>();
                SharedFacts.AddPerson(shared, own, group.Key, person.Name, agent: null, on);
                var form = person.FormJson(withName);
                var key = person.IdNumber is null ? RegistryPerson.Key(form, shared) : null;
                if (key is null || !assessed.TryGetValue(key, out var pair))
                {
                    using var facts = JsonDocument.Parse(form);
                    pair = (inForce.Assess(FactSet.From(facts.RootElement, shared), on), draft.Assess(FactSet.From(facts.RootElement, shared), on));
                    if (key is not null) assessed[key] = pair;
                }
                var differences = Compare(pair.Now, pair.Next, impacts);
                if (differences.Count == 0) continue;
                changedCount++;
                if (changed.Count < ListedApplications)
                    changed.Add(new ChangedPersonDto(group.Key[..12], PersonalData.MaskName(person.Name), person.IdNumber is { } id ? ChineseId.Mask(id) : null, differences));
            }
            if (truncated) break;
            after = last;
        }
        var items = impacts.Select(kv => kv.Value.Dto(kv.Key)).ToList();
        var (now, next) = (items.Sum(i => i.YearlyCostInForce), items.Sum(i => i.YearlyCostDraft));
        return new RegistryImpactDto(persons, truncated, changedCount, now, next, next - now, items, changed);
    }

    /// <summary>Adds one assessed pair to the per-item figures; the items whose outcome or yearly amount differ.</summary>
    private static List<ItemChangeDto> Compare(AssessmentResult before, AssessmentResult after, Dictionary<string, Impact> impacts)
    {
        var differences = new List<ItemChangeDto>();
        foreach (var (now, next) in before.Items.Zip(after.Items))
        {
            var (costNow, costNext) = (YearlyCost(now), YearlyCost(next));
            impacts[now.Code].Add(now, next, costNow, costNext);
            if (now.Outcome != next.Outcome || costNow != costNext)
                differences.Add(new ItemChangeDto(now.Code, Name(now.Outcome), Name(next.Outcome), costNow, costNext));
        }
        return differences;
    }

    internal static List<ParameterChange> Changes(JsonElement root, IReadOnlyDictionary<string, bool> parameters, Dictionary<string, string[]> errors)
    {
        var result = new List<ParameterChange>();
        if (!root.TryGetProperty("changes", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors["changes"] = Texts.ChangesRequired.Field();
            return result;
        }
        if (list.GetArrayLength() > 50) errors["changes"] = Texts.AtMostChanges(50).Field();
        var index = 0;
        foreach (var change in list.EnumerateArray().Take(50))
        {
            var path = $"changes[{index++}]";
            if (change.ValueKind != JsonValueKind.Object)
            {
                errors[path] = Texts.ChangeMustBeObject.Field();
                continue;
            }
            var local = RequestBody.AllowOnly(change, "parameter", "from", "value");
            var name = RequestBody.String(change, "parameter", local);
            var from = RequestBody.Date(change, "from", local);
            if (!change.TryGetProperty("from", out _)) local["from"] = Texts.Required.Field();
            bool? flag = null;
            decimal? number = null;
            var isFlag = false;
            if (name is not null && !parameters.TryGetValue(name, out isFlag))
                local["parameter"] = Texts.NotAParameter(string.Join(", ", parameters.Keys)).Field();
            else if (name is not null)
            {
                if (!change.TryGetProperty("value", out var value)) local["value"] = Texts.Required.Field();
                else if (isFlag && value.ValueKind is JsonValueKind.True or JsonValueKind.False) flag = value.GetBoolean();
                else if (!isFlag && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d is >= 0 and <= 1_000_000_000) number = d;
                else local["value"] = (isFlag ? Texts.MustBeTrueOrFalse : Texts.MustBeAmount).Field();
            }
            foreach (var (key, messages) in local) errors[$"{path}.{key}"] = messages;
            if (local.Count == 0) result.Add(new ParameterChange(name!, from!.Value, number, flag));
        }
        return result;
    }

    private static decimal YearlyCost(ItemAssessment item) =>
        item.Outcome is ItemOutcome.Eligible or ItemOutcome.Conditional && item.Benefit is { } b
            ? b.YearlyAmount ?? (b.MonthlyAmount is { } m ? m * 12 : 0)
            : 0;

    private static string Name(ItemOutcome outcome) => JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString());

    private sealed class Impact
    {
        private int _eligibleNow, _eligibleNext, _outcomeChanges, _amountChanges;
        private decimal _costNow, _costNext;

        public void Add(ItemAssessment now, ItemAssessment next, decimal costNow, decimal costNext)
        {
            if (now.Outcome == ItemOutcome.Eligible) _eligibleNow++;
            if (next.Outcome == ItemOutcome.Eligible) _eligibleNext++;
            if (now.Outcome != next.Outcome) _outcomeChanges++;
            else if (costNow != costNext) _amountChanges++;
            _costNow += costNow;
            _costNext += costNext;
        }

        public ItemImpactDto Dto(string item) =>
            new(item, _eligibleNow, _eligibleNext, _outcomeChanges, _amountChanges, _costNow, _costNext, _costNext - _costNow);
    }
}

/// <summary>The request body as Swagger shows it.</summary>
public sealed record SimulationRequestExample(IReadOnlyList<ParameterChangeDto> Changes, DateOnly? AsOf, int? Limit, bool? Registry);

using System.Text.Json.Nodes;
using Approval.Rules.Identifiers;

namespace Approval.Tests.Rules.Corpus;

/// <summary>One generated applicant: form facts, shared-data facts and the date the rules are applied on.</summary>
internal sealed record CorpusCase(string Key, string Bundle, DateOnly AsOf, JsonObject Form, Dictionary<string, object?> Shared)
{
    /// <summary>Outside the form's validation (a draft, the workflow's re-assessment): reaches rules a valid form cannot.</summary>
    public bool OffForm { get; init; }
}

/// <summary>
/// Deterministic applicants for both reference bundles (fixed seed): valid one-form facts with shared-data and
/// asOf variations, plus a few off-form cases for rules that valid forms cannot reach.
/// </summary>
internal static class CorpusGenerator
{
    public const int PerBundle = 5000;
    private const int Seed = 20261122;

    private static readonly DateOnly[] AsOfA = [new(2024, 12, 31), new(2025, 6, 30), new(2025, 12, 31), new(2026, 1, 1), new(2026, 11, 22)];
    private static readonly DateOnly[] AsOfB = [new(2025, 6, 1), new(2026, 11, 22), new(2027, 3, 1)];
    private static readonly string[] Relations = ["guardian", "spouse", "parent", "child", "other"];
    private static readonly string[] Categories = ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"];
    private static readonly string[] BuildingUses = ["residential", "mixed-use-residential", "museum-library-heritage", "school-hospital-government", "transport-hub"];
    private static readonly string[] EnterpriseTypes = ["llc", "sole-proprietorship", "partnership", "individual-business"];

    public static IEnumerable<CorpusCase> BundleA()
    {
        var rnd = new Random(Seed);
        for (var i = 0; i < PerBundle; i++) yield return ApplicantA(rnd, i);
    }

    public static IEnumerable<CorpusCase> BundleB()
    {
        var rnd = new Random(Seed + 1);
        for (var i = 0; i < PerBundle; i++) yield return CompanyB(rnd, i);
    }

    /// <summary>Cases a valid form cannot produce: no ID number (age unknown), an agent without a relation, a song-and-dance room area left out.</summary>
    public static IEnumerable<CorpusCase> OffFormA()
    {
        var rnd = new Random(Seed + 2);
        for (var i = 0; i < 200; i++)
        {
            var c = ApplicantA(rnd, i);
            var applicant = (JsonObject)c.Form["applicant"]!;
            if (i % 2 == 0) applicant.Remove("idNumber");
            if (c.Form["disability"] is JsonObject d && d["certificateNumber"] is not null && i % 2 == 0) d.Remove("certificateNumber");
            if (i % 4 < 2) c.Form["agent"] = new JsonObject { ["name"] = "王五", ["idNumber"] = Id(rnd, 45) };
            else if (i % 4 == 2) c.Form["agent"] = new JsonObject { ["name"] = "王五", ["idNumber"] = Id(rnd, 45), ["relation"] = "guardian" };
            yield return c with { Key = $"A-off-{i}", OffForm = true };
        }
    }

    public static IEnumerable<CorpusCase> OffFormB()
    {
        var rnd = new Random(Seed + 3);
        for (var i = 0; i < 100; i++)
        {
            var c = CompanyB(rnd, i);
            var venue = (JsonObject)c.Form["venue"]!;
            venue["kind"] = "song-and-dance";
            venue["roomCount"] = 1 + i % 5;
            venue.Remove("smallestRoomAreaM2");
            yield return c with { Key = $"B-off-{i}", OffForm = true };
        }
    }

    private static T Pick<T>(Random r, IReadOnlyList<T> from) => from[r.Next(from.Count)];
    private static bool Chance(Random r, double p) => r.NextDouble() < p;
    private static bool? TriState(Random r, double absent = 0.4) => Chance(r, absent) ? null : Chance(r, 0.5);

    private static string Id(Random r, int age, DateOnly? asOf = null, string region = "371581")
    {
        var on = asOf ?? new DateOnly(2026, 11, 22);
        var birth = new DateOnly(on.Year - age, 1, 1).AddDays(r.Next(365));
        var first17 = $"{region}{birth:yyyyMMdd}{r.Next(10, 99)}{r.Next(10)}";
        return first17 + ChineseId.ComputeCheck(first17);
    }

    private static int Age(Random r) => r.Next(10) switch
    {
        0 => Pick(r, [15, 16, 59, 60]),
        1 => r.Next(0, 16),
        2 => r.Next(60, 90),
        _ => r.Next(16, 60),
    };

    private static void Put(JsonObject o, string name, bool? value)
    {
        if (value is { } v) o[name] = v;
    }

    private static void Put(Dictionary<string, object?> shared, string name, object? value)
    {
        if (value is not null) shared[name] = value;
    }

    private static CorpusCase ApplicantA(Random r, int i)
    {
        var asOf = Pick(r, AsOfA);
        var age = Age(r);
        var id = Id(r, age, asOf);
        var applicant = new JsonObject
        {
            ["idNumber"] = id, ["name"] = "张三", ["phone"] = "13800000000", ["hukouRegion"] = Chance(r, 0.85) ? "371581" : "370102",
        };
        Put(applicant, "isStudent", TriState(r, 0.6));
        var form = new JsonObject { ["applicant"] = applicant };

        if (Chance(r, age < 16 ? 0.7 : 0.3))
            form["agent"] = new JsonObject
            {
                ["name"] = "王五", ["idNumber"] = Id(r, 45), ["relation"] = age < 16 && Chance(r, 0.6) ? "guardian" : Pick(r, Relations),
            };

        var hasCertificate = Chance(r, 0.5);
        var disability = new JsonObject { ["hasCertificate"] = hasCertificate };
        int? grade = Chance(r, 0.15) ? null : r.Next(1, 5);
        string? category = Chance(r, 0.15) ? null : Pick(r, Categories);
        if (hasCertificate) disability["certificateNumber"] = $"{id}{r.Next(1, 8)}{grade ?? r.Next(1, 5)}";
        if (category is not null) disability["category"] = category;
        if (grade is not null && (hasCertificate || Chance(r, 0.2))) disability["grade"] = grade;
        Put(disability, "needsLongTermCare", TriState(r, 0.2));
        form["disability"] = disability;

        var household = new JsonObject();
        Put(household, "dibao", TriState(r, 0.3));
        Put(household, "tekun", TriState(r, 0.5));
        Put(household, "lowIncome", TriState(r, 0.4));
        if (household.Count > 0 || Chance(r, 0.5)) form["household"] = household;

        var pension = new JsonObject();
        Put(pension, "enrolled", TriState(r, 0.3));
        Put(pension, "receiving", TriState(r, 0.3) is true && Chance(r, 0.4));
        if (pension.Count > 0) form["pension"] = pension;

        if (Chance(r, 0.4)) form["payment"] = new JsonObject { ["bankAccount"] = new JsonObject { ["bank"] = "农业银行", ["accountNumber"] = "6228480012345678" } };
        if (TriState(r, 0.5) is { } verified) form["evidence"] = new JsonObject { ["identityVerified"] = verified };

        var shared = new Dictionary<string, object?>();
        Put(shared, "shared.population.identityConfirmed", TriState(r, 0.5));
        Put(shared, "shared.population.hukouRegion", Chance(r, 0.5) ? null : Chance(r, 0.85) ? "371581" : "370102");
        Put(shared, "shared.population.guardianConfirmed", TriState(r, 0.6));
        Put(shared, "shared.civilAffairs.dibao", TriState(r, 0.5));
        Put(shared, "shared.civilAffairs.tekun", TriState(r, 0.6));
        Put(shared, "shared.civilAffairs.lowIncome", TriState(r, 0.6));
        if (Chance(r, 0.3))
        {
            shared["shared.disabilityCertificate.number"] = $"{id}{r.Next(1, 8)}{r.Next(1, 5)}";
            if (Chance(r, 0.9)) shared["shared.disabilityCertificate.category"] = Pick(r, Categories);
            if (Chance(r, 0.85)) shared["shared.disabilityCertificate.grade"] = Chance(r, 0.7) && grade is { } g ? g : r.Next(1, 5);
        }
        Put(shared, "shared.pension.enrolled", TriState(r, 0.6));
        Put(shared, "shared.pension.receiving", TriState(r, 0.5) is true && Chance(r, 0.3) ? true : TriState(r, 0.7) is false ? false : null);
        Put(shared, "shared.bankAccount.registered", TriState(r, 0.5));
        return new CorpusCase($"A-{i}", "disability-assistance", asOf, form, shared);
    }

    private static string CreditCodeOf(Random r)
    {
        var first17 = string.Concat(Enumerable.Range(0, 17).Select(_ => CreditCode.Alphabet[r.Next(CreditCode.Alphabet.Length)]));
        return first17 + CreditCode.ComputeCheck(first17);
    }

    private static CorpusCase CompanyB(Random r, int i)
    {
        var asOf = Pick(r, AsOfB);
        var investorCount = r.Next(1, 4);
        int[] shares = investorCount switch { 1 => [100], 2 => [50, 50], _ => [40, 30, 30] };
        var investors = new JsonArray();
        for (var n = 0; n < investorCount; n++)
        {
            var inv = new JsonObject { ["name"] = $"投资人{n + 1}", ["sharePercent"] = shares[n] };
            if (Chance(r, 0.8)) inv["idNumber"] = Id(r, 30 + n);
            else inv["creditCode"] = CreditCodeOf(r);
            investors.Add(inv);
        }
        var enterprise = new JsonObject
        {
            ["proposedName"] = "临清欢乐歌城有限公司", ["type"] = Pick(r, EnterpriseTypes), ["registeredCapital"] = r.Next(0, 100) * 10000,
            ["legalRepresentative"] = new JsonObject { ["name"] = "李四", ["idNumber"] = Id(r, 45), ["phone"] = "13900000000" },
            ["investors"] = investors,
        };
        if (Chance(r, 0.3)) enterprise["existingCreditCode"] = CreditCodeOf(r);

        var kind = Chance(r, 0.6) ? "song-and-dance" : "amusement-games";
        var rooms = Chance(r, 0.3) ? 0 : r.Next(1, 21);
        var venue = new JsonObject
        {
            ["regionCode"] = Chance(r, 0.85) ? "371581" : "370102", ["address"] = "临清市新华路1号", ["kind"] = kind,
            ["floorAreaM2"] = r.Next(50, 2000), ["roomCount"] = rooms,
            ["buildingUse"] = Chance(r, 0.75) ? "commercial" : Pick(r, BuildingUses),
            ["lowestFloor"] = r.Next(10) switch { 0 => -2, 1 => -1, 2 => -3, _ => r.Next(1, 6) },
            ["distanceToNearestSchoolM"] = Chance(r, 0.15) ? r.Next(0, 200) : r.Next(200, 2000),
            ["adjacentToHazardousChemicalsStore"] = Chance(r, 0.08),
            ["premises"] = Chance(r, 0.5) ? "owned" : "leased",
        };
        if (kind == "song-and-dance" && rooms > 0 || Chance(r, 0.2)) venue["smallestRoomAreaM2"] = Chance(r, 0.2) ? r.Next(4, 10) : r.Next(10, 40);
        var form = new JsonObject { ["enterprise"] = enterprise, ["venue"] = venue };
        if (!Chance(r, 0.15)) form["fire"] = new JsonObject { ["path"] = Chance(r, 0.6) ? "commitment" : "inspection" };
        form["declarations"] = new JsonObject { ["noDisqualifyingRecord"] = Chance(r, 0.9) };
        if (TriState(r, 0.5) is { } verified) form["evidence"] = new JsonObject { ["identityVerified"] = verified };

        var shared = new Dictionary<string, object?>();
        Put(shared, "shared.nameRegistry.nameTaken", Chance(r, 0.5) ? null : Chance(r, 0.15));
        Put(shared, "shared.disqualified.anyListed", Chance(r, 0.5) ? null : Chance(r, 0.1));
        Put(shared, "shared.realEstate.ownershipConfirmed", TriState(r, 0.5));
        Put(shared, "shared.population.legalRepConfirmed", TriState(r, 0.5));
        Put(shared, "shared.population.allInvestorsConfirmed", TriState(r, 0.5));
        Put(shared, "shared.business.licenceOnFile", TriState(r, 0.5));
        return new CorpusCase($"B-{i}", "entertainment-venue", asOf, form, shared);
    }
}

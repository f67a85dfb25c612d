using System.Text.Json.Nodes;

namespace Approval.Tests.Support;

/// <summary>Complete, valid one-form facts for both reference bundles, to be varied per test.</summary>
public static class SampleFacts
{
    public static readonly string ApplicantId = TestIds.Person("1980-05-01");
    public static readonly string LegalRepId = TestIds.Person("1985-03-02");

    /// <summary>A 46-year-old dibao household member with a physical disability and no certificate yet.</summary>
    public static JsonObject DisabilityApplicant(string? idNumber = null) => new()
    {
        ["applicant"] = new JsonObject
        {
            ["idNumber"] = idNumber ?? ApplicantId, ["name"] = "张三", ["phone"] = "13800138000", ["hukouRegion"] = "371581",
        },
        ["disability"] = new JsonObject { ["hasCertificate"] = false, ["category"] = "physical", ["needsLongTermCare"] = true },
        ["household"] = new JsonObject { ["dibao"] = true },
        ["pension"] = new JsonObject { ["enrolled"] = true, ["receiving"] = false },
    };

    /// <summary>A new LLC opening a KTV on the ground floor of a commercial building, commitment fire path.</summary>
    public static JsonObject VenueCompany() => new()
    {
        ["enterprise"] = new JsonObject
        {
            ["proposedName"] = "临清欢乐歌舞有限公司", ["type"] = "llc", ["registeredCapital"] = 500000,
            ["legalRepresentative"] = new JsonObject { ["name"] = "李四", ["idNumber"] = LegalRepId, ["phone"] = "13900139000" },
            ["investors"] = new JsonArray(
                new JsonObject { ["name"] = "李四", ["idNumber"] = LegalRepId, ["sharePercent"] = 60 },
                new JsonObject { ["name"] = "临清投资有限公司", ["creditCode"] = TestIds.Company(), ["sharePercent"] = 40 }),
        },
        ["venue"] = new JsonObject
        {
            ["regionCode"] = "371581", ["address"] = "临清市新华路1号", ["kind"] = "song-and-dance", ["floorAreaM2"] = 300,
            ["roomCount"] = 8, ["smallestRoomAreaM2"] = 12, ["buildingUse"] = "commercial", ["lowestFloor"] = 1,
            ["distanceToNearestSchoolM"] = 500, ["adjacentToHazardousChemicalsStore"] = false, ["premises"] = "leased",
        },
        ["fire"] = new JsonObject { ["path"] = "commitment" },
        ["declarations"] = new JsonObject { ["noDisqualifyingRecord"] = true },
    };
}

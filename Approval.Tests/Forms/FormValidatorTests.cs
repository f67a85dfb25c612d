using System.Globalization;
using System.Text.Json;
using Approval.Api.Infrastructure;
using Approval.Api.Forms;
using Approval.Rules.Bundles;
using Approval.Tests.Support;

namespace Approval.Tests.Forms;

public sealed class FormValidatorTests
{
    private static readonly BundleDefinition A = BundleLoader.LoadFolder(RepoPaths.Bundle("disability-assistance"));
    private static readonly BundleDefinition B = BundleLoader.LoadFolder(RepoPaths.Bundle("entertainment-venue"));
    private static readonly string Applicant = TestIds.Person("1980-05-01");

    private static string ValidA(string extra = "") => $$"""
        { "applicant": { "idNumber": "{{Applicant}}", "name": "张三", "phone": "13800138000", "hukouRegion": "371581" },
          "disability": { "hasCertificate": false, "category": "physical" }, "household": { "dibao": true } {{extra}} }
        """;

    private static string ValidB(string investors = "") => $$"""
        { "enterprise": { "proposedName": "临清欢乐歌舞有限公司", "type": "llc", "registeredCapital": 500000,
            "legalRepresentative": { "name": "李四", "idNumber": "{{TestIds.Person("1985-03-02")}}", "phone": "13900139000" },
            "investors": [ {{(investors.Length > 0 ? investors : $$"""{ "name": "李四", "idNumber": "{{TestIds.Person("1985-03-02")}}", "sharePercent": 60 }, { "name": "临清投资有限公司", "creditCode": "{{TestIds.Company()}}", "sharePercent": 40 }""")}} ] },
          "venue": { "regionCode": "371581", "address": "临清市新华路1号", "kind": "song-and-dance", "floorAreaM2": 300, "roomCount": 8,
            "smallestRoomAreaM2": 12, "buildingUse": "commercial", "lowestFloor": 1, "distanceToNearestSchoolM": 500,
            "adjacentToHazardousChemicalsStore": false, "premises": "leased" },
          "fire": { "path": "commitment" }, "declarations": { "noDisqualifyingRecord": true } }
        """;

    /// <summary>The form with <paramref name="find"/> replaced; fails when it is not there, so that no case tests the unchanged form.</summary>
    private static string Edit(string json, string find, string replace)
    {
        Assert.Contains(find, json);
        return json.Replace(find, replace);
    }

    private static Dictionary<string, string[]> Validate(BundleDefinition bundle, string json, CultureInfo? language = null)
    {
        CultureInfo.CurrentUICulture = language ?? Localization.English;
        return FormValidator.Validate(bundle, JsonDocument.Parse(json).RootElement);
    }

    [Fact]
    public void Validate_ChineseRequest_MessagesInChinese()
    {
        var errors = Validate(A, Edit(ValidA(), "\"phone\": \"13800138000\"", "\"phone\": \"12345\""), Localization.Chinese);
        Assert.Equal("须为以 1 开头的 11 位手机号码", Assert.Single(errors["facts.applicant.phone"]));
        var missing = Validate(A, Edit(ValidA(), "\"hasCertificate\": false", "\"hasCertificate\": true"), Localization.Chinese);
        Assert.StartsWith("当 ", missing["facts.disability.certificateNumber"][0]);
        Assert.Contains("残疾人证号", missing["facts.disability.certificateNumber"][0]);
    }

    [Fact]
    public void Validate_CompleteDisabilityForm_HasNoErrors() => Assert.Empty(Validate(A, ValidA()));

    [Fact]
    public void Validate_CompleteVenueForm_HasNoErrors() => Assert.Empty(Validate(B, ValidB()));

    [Fact]
    public void Validate_IdNumberWithWrongCheckCharacter_NamesTheField()
    {
        var errors = Validate(A, Edit(ValidA(), Applicant, TestIds.Corrupt(Applicant)));

        Assert.Contains("GB 11643", Assert.Single(errors, e => e.Key == "facts.applicant.idNumber").Value[0]);
    }

    [Fact]
    public void Validate_IdNumberWithImpossibleBirthDate_IsRejected()
    {
        var first17 = "37158119801301123";
        var id = first17 + Approval.Rules.Identifiers.ChineseId.ComputeCheck(first17);

        Assert.Contains("facts.applicant.idNumber", Validate(A, Edit(ValidA(), Applicant, id)).Keys);
    }

    [Fact]
    public void Validate_MissingApplicantObject_ReportsEachRequiredField()
    {
        var errors = Validate(A, """{ "disability": { "hasCertificate": false } }""");

        Assert.Equal(["facts.applicant.hukouRegion", "facts.applicant.idNumber", "facts.applicant.name", "facts.applicant.phone"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("\"household\": { \"dibao\": true }", "\"household\": { \"dibao\": \"yes\" }", "facts.household.dibao", "true or false")]
    [InlineData("\"category\": \"physical\"", "\"category\": \"physical\", \"grade\": 5", "facts.disability.grade", "at most 4")]
    [InlineData("\"category\": \"physical\"", "\"category\": \"physical\", \"grade\": 2.5", "facts.disability.grade", "whole number")]
    [InlineData("\"category\": \"physical\"", "\"category\": \"blue\"", "facts.disability.category", "one of")]
    [InlineData("\"phone\": \"13800138000\"", "\"phone\": \"12345\"", "facts.applicant.phone", "11-digit")]
    [InlineData("\"hukouRegion\": \"371581\"", "\"hukouRegion\": 371581", "facts.applicant.hukouRegion", "must be a string")]
    [InlineData("\"household\": { \"dibao\": true }", "\"household\": { \"dibao\": true, \"rich\": false }", "facts.household.rich", "not a field")]
    [InlineData("\"household\": { \"dibao\": true }", "\"household\": [true]", "facts.household", "JSON object")]
    [InlineData("\"hasCertificate\": false", "\"hasCertificate\": true", "facts.disability.certificateNumber", "required when")]
    public void Validate_BadValue_IsKeyedByItsPath(string find, string replace, string path, string message)
    {
        var errors = Validate(A, Edit(ValidA(), find, replace));

        Assert.Contains(message, Assert.Single(errors, e => e.Key == path).Value[0]);
    }

    [Fact]
    public void Validate_AgentWithoutRelation_RequiresTheRelation()
    {
        var errors = Validate(A, ValidA($$""", "agent": { "name": "王五", "idNumber": "{{TestIds.Person("1960-01-01")}}" }"""));

        Assert.Equal(["facts.agent.relation"], errors.Keys);
    }

    [Fact]
    public void Validate_CertificateNumberOfSomeoneElse_IsRejected()
    {
        var other = TestIds.Person("1970-01-01");
        var errors = Validate(A, Edit(ValidA(), "\"hasCertificate\": false", $"\"hasCertificate\": true, \"certificateNumber\": \"{other}42\""));

        Assert.Contains("applicant's ID", errors["facts.disability.certificateNumber"][0]);
    }

    [Fact]
    public void Validate_CertificateNumberOfTheApplicant_IsAccepted() =>
        Assert.Empty(Validate(A, Edit(ValidA(), "\"hasCertificate\": false", $"\"hasCertificate\": true, \"certificateNumber\": \"{Applicant}42\"")));

    [Fact]
    public void Validate_InvestorSharesNotSummingTo100_IsRejectedAtTheArray()
    {
        var investors = $$"""{ "name": "李四", "idNumber": "{{TestIds.Person("1985-03-02")}}", "sharePercent": 60 }, { "name": "王五", "idNumber": "{{TestIds.Person("1986-03-02")}}", "sharePercent": 39 }""";

        var errors = Validate(B, ValidB(investors));

        Assert.Contains("add up to 100", Assert.Single(errors).Value[0]);
        Assert.Equal("facts.enterprise.investors", errors.Keys.Single());
    }

    [Fact]
    public void Validate_InvestorWithNeitherIdNorCreditCode_NamesTheElement()
    {
        var errors = Validate(B, ValidB("""{ "name": "李四", "sharePercent": 100 }"""));

        Assert.Equal(["facts.enterprise.investors[0].idNumber"], errors.Keys);
    }

    [Fact]
    public void Validate_InvalidCreditCode_IsRejected()
    {
        var bad = TestIds.Company()[..17] + (TestIds.Company()[17] == 'X' ? 'Y' : 'X');
        var errors = Validate(B, Edit(ValidB(), TestIds.Company(), bad));

        Assert.Contains("GB 32100", errors["facts.enterprise.investors[1].creditCode"][0]);
    }

    [Fact]
    public void Validate_SongAndDanceWithRoomsButNoRoomArea_RequiresIt()
    {
        var errors = Validate(B, Edit(ValidB(), "\"smallestRoomAreaM2\": 12, ", ""));

        Assert.Equal(["facts.venue.smallestRoomAreaM2"], errors.Keys);
    }

    [Fact]
    public void Validate_AmusementGamesWithoutRoomArea_IsFine() =>
        Assert.Empty(Validate(B, Edit(Edit(ValidB(), "\"smallestRoomAreaM2\": 12, ", ""), "song-and-dance", "amusement-games")));

    [Fact]
    public void Validate_FactsNotAnObject_IsRejected() =>
        Assert.Equal(["facts"], Validate(A, "[1,2]").Keys);
}

public sealed class MaskingTests
{
    [Fact]
    public void ChineseIdMask_Always_KeepsRegionAndLastFour() =>
        Assert.Equal("110105********002X", Approval.Rules.Identifiers.ChineseId.Mask("11010519491231002X"));
}

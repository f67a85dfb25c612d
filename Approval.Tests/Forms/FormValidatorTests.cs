using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approval.Api.Infrastructure;
using Approval.Api.Forms;
using Approval.Rules.Bundles;
using Approval.Tests.Support;

namespace Approval.Tests.Forms;

public sealed class FormValidatorTests
{
    private static readonly BundleDefinition A = BundleLoader.LoadFolder(RepoPaths.Bundle("disability-assistance"));
    private static readonly BundleDefinition B = BundleLoader.LoadFolder(RepoPaths.Bundle("entertainment-venue"));
    private static readonly string Applicant = SampleFacts.ApplicantId;

    private static JsonObject ValidA() => SampleFacts.DisabilityApplicant();

    private static JsonObject ValidB() => SampleFacts.VenueCompany();

    /// <summary>
    /// The facts with the value at <paramref name="path"/> (dot-separated names, numbers for array elements) set to the JSON
    /// <paramref name="json"/>, or removed when it is null. The parent must exist and a removed value must have been there,
    /// so that no case tests the unchanged form.
    /// </summary>
    private static JsonObject With(JsonObject facts, string path, string? json)
    {
        var parts = path.Split('.');
        JsonNode parent = facts;
        foreach (var part in parts[..^1])
            parent = (int.TryParse(part, out var index) ? parent.AsArray()[index] : parent.AsObject()[part])
                     ?? throw new InvalidOperationException($"{path}: '{part}' is not in the form");
        var target = parent.AsObject();
        if (json is null) Assert.True(target.Remove(parts[^1]), $"{path} is not in the form");
        else target[parts[^1]] = JsonNode.Parse(json);
        return facts;
    }

    private static string Quoted(string text) => JsonValue.Create(text).ToJsonString();

    private static Dictionary<string, string[]> Validate(BundleDefinition bundle, JsonNode facts, CultureInfo? language = null) =>
        Validate(bundle, facts.ToJsonString(), language);

    private static Dictionary<string, string[]> Validate(BundleDefinition bundle, string json, CultureInfo? language = null)
    {
        CultureInfo.CurrentUICulture = language ?? Localization.English;
        return FormValidator.Validate(bundle, JsonDocument.Parse(json).RootElement);
    }

    [Fact]
    public void Validate_ChineseRequest_MessagesInChinese()
    {
        var errors = Validate(A, With(ValidA(), "applicant.phone", "\"12345\""), Localization.Chinese);
        Assert.Equal("须为以 1 开头的 11 位手机号码", Assert.Single(errors["facts.applicant.phone"]));
        var missing = Validate(A, With(ValidA(), "disability.hasCertificate", "true"), Localization.Chinese);
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
        var errors = Validate(A, With(ValidA(), "applicant.idNumber", Quoted(TestIds.Corrupt(Applicant))));

        Assert.Contains("GB 11643", Assert.Single(errors, e => e.Key == "facts.applicant.idNumber").Value[0]);
    }

    [Fact]
    public void Validate_IdNumberWithImpossibleBirthDate_IsRejected()
    {
        var first17 = "37158119801301123";
        var id = first17 + Approval.Rules.Identifiers.ChineseId.ComputeCheck(first17);

        Assert.Contains("facts.applicant.idNumber", Validate(A, With(ValidA(), "applicant.idNumber", Quoted(id))).Keys);
    }

    [Fact]
    public void Validate_MissingApplicantObject_ReportsEachRequiredField()
    {
        var errors = Validate(A, """{ "disability": { "hasCertificate": false } }""");

        Assert.Equal(["facts.applicant.hukouRegion", "facts.applicant.idNumber", "facts.applicant.name", "facts.applicant.phone"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("household.dibao", "\"yes\"", "facts.household.dibao", "true or false")]
    [InlineData("disability.grade", "5", "facts.disability.grade", "at most 4")]
    [InlineData("disability.grade", "2.5", "facts.disability.grade", "whole number")]
    [InlineData("disability.category", "\"blue\"", "facts.disability.category", "one of")]
    [InlineData("applicant.phone", "\"12345\"", "facts.applicant.phone", "11-digit")]
    [InlineData("applicant.hukouRegion", "371581", "facts.applicant.hukouRegion", "must be a string")]
    [InlineData("household.rich", "false", "facts.household.rich", "not a field")]
    [InlineData("household", "[true]", "facts.household", "JSON object")]
    [InlineData("disability.hasCertificate", "true", "facts.disability.certificateNumber", "required when")]
    public void Validate_BadValue_IsKeyedByItsPath(string at, string value, string path, string message)
    {
        var errors = Validate(A, With(ValidA(), at, value));

        Assert.Contains(message, Assert.Single(errors, e => e.Key == path).Value[0]);
    }

    [Fact]
    public void Validate_AgentWithoutRelation_RequiresTheRelation()
    {
        var errors = Validate(A, With(ValidA(), "agent", $$"""{ "name": "王五", "idNumber": "{{TestIds.Person("1960-01-01")}}" }"""));

        Assert.Equal(["facts.agent.relation"], errors.Keys);
    }

    [Fact]
    public void Validate_CertificateNumberOfSomeoneElse_IsRejected()
    {
        var other = TestIds.Person("1970-01-01");
        var errors = Validate(A, With(With(ValidA(), "disability.hasCertificate", "true"), "disability.certificateNumber", Quoted(other + "42")));

        Assert.Contains("applicant's ID", errors["facts.disability.certificateNumber"][0]);
    }

    [Fact]
    public void Validate_CertificateNumberOfTheApplicant_IsAccepted() =>
        Assert.Empty(Validate(A, With(With(ValidA(), "disability.hasCertificate", "true"), "disability.certificateNumber", Quoted(Applicant + "42"))));

    [Fact]
    public void Validate_InvestorSharesNotSummingTo100_IsRejectedAtTheArray()
    {
        var investors = $$"""{ "name": "李四", "idNumber": "{{TestIds.Person("1985-03-02")}}", "sharePercent": 60 }, { "name": "王五", "idNumber": "{{TestIds.Person("1986-03-02")}}", "sharePercent": 39 }""";

        var errors = Validate(B, With(ValidB(), "enterprise.investors", $"[{investors}]"));

        Assert.Contains("add up to 100", Assert.Single(errors).Value[0]);
        Assert.Equal("facts.enterprise.investors", errors.Keys.Single());
    }

    [Fact]
    public void Validate_InvestorWithNeitherIdNorCreditCode_NamesTheElement()
    {
        var errors = Validate(B, With(ValidB(), "enterprise.investors", """[{ "name": "李四", "sharePercent": 100 }]"""));

        Assert.Equal(["facts.enterprise.investors[0].idNumber"], errors.Keys);
    }

    [Fact]
    public void Validate_InvalidCreditCode_IsRejected()
    {
        var bad = TestIds.Company()[..17] + (TestIds.Company()[17] == 'X' ? 'Y' : 'X');
        var errors = Validate(B, With(ValidB(), "enterprise.investors.1.creditCode", Quoted(bad)));

        Assert.Contains("GB 32100", errors["facts.enterprise.investors[1].creditCode"][0]);
    }

    [Fact]
    public void Validate_SongAndDanceWithRoomsButNoRoomArea_RequiresIt()
    {
        var errors = Validate(B, With(ValidB(), "venue.smallestRoomAreaM2", null));

        Assert.Equal(["facts.venue.smallestRoomAreaM2"], errors.Keys);
    }

    [Fact]
    public void Validate_AmusementGamesWithoutRoomArea_IsFine() =>
        Assert.Empty(Validate(B, With(With(ValidB(), "venue.smallestRoomAreaM2", null), "venue.kind", "\"amusement-games\"")));

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

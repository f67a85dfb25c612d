using System.Text.Json.Nodes;
using Approval.Rules;
using static Approval.Tests.Rules.TestBundles;

namespace Approval.Tests.Rules;

/// <summary>Bundle B clauses G1, B1–B3 and materials (shared/domain/entertainment-venue.md).</summary>
public class EntertainmentVenueTests
{
    private static JsonObject Venue(string key, JsonNode? value)
    {
        var f = CompanyB();
        f.Obj("venue")[key] = value;
        return f;
    }

    private static JsonObject Existing()
    {
        var f = CompanyB();
        f.Obj("enterprise")["existingCreditCode"] = "91350100M000100Y43";
        return f;
    }

    [Fact]
    public void Typical_NewCompany_B1EligibleB2B3ConditionalOnB1()
    {
        var r = AssessB(CompanyB());
        Assert.Equal(ItemOutcome.Eligible, r.Item("B1").Outcome);
        Assert.Equal(ItemOutcome.Conditional, r.Item("B2").Outcome);
        Assert.Equal(["B1"], r.Item("B2").DependsOn);
        Assert.Equal(ItemOutcome.Conditional, r.Item("B3").Outcome);
        Assert.Equal(["B1"], r.Item("B3").DependsOn);
        Assert.Equal(["B2", "B3"], r.Material("floor-plan")!.RequiredFor);
        Assert.Equal("bundle:B1", r.Material("business-licence")!.WaivedBy);
    }

    [Fact]
    public void G1_VenueOutsideJurisdiction_EveryItemIneligible()
    {
        var r = AssessB(Venue("regionCode", "370102"));
        Assert.All(r.Items, i => Assert.Equal(ItemOutcome.Ineligible, i.Outcome));
        Assert.Empty(r.Materials);
    }

    [Fact]
    public void B1_ExistingCreditCode_NotApplicableAndOthersEligible()
    {
        var r = AssessB(Existing());
        Assert.Equal(ItemOutcome.NotApplicable, r.Item("B1").Outcome);
        Assert.Equal(ItemOutcome.Eligible, r.Item("B2").Outcome);
        Assert.Empty(r.Item("B2").DependsOn);
        Assert.Equal(ItemOutcome.Eligible, r.Item("B3").Outcome);
        Assert.Null(r.Material("articles-of-association"));
        Assert.Equal("required", r.Material("business-licence")!.Status);
    }

    [Fact]
    public void B1_ExistingLicenceOnFile_BusinessLicenceWaivedByRegistry()
    {
        var r = AssessB(Existing(), new Dictionary<string, object?> { ["shared.business.licenceOnFile"] = true });
        Assert.Equal("shared:business-registry", r.Material("business-licence")!.WaivedBy);
    }

    [Fact]
    public void B1_NameAlreadyRegistered_NeedsInformationChooseAnotherName()
    {
        var r = AssessB(CompanyB(), new Dictionary<string, object?> { ["shared.nameRegistry.nameTaken"] = true });
        var b1 = r.Item("B1");
        Assert.Equal(ItemOutcome.NeedsInformation, b1.Outcome);
        Assert.Contains("choose another name", b1.Reasons[0].Message.En);
        Assert.Contains("请另取名称", b1.Reasons[0].Message.Zh);
        Assert.Equal(["enterprise.proposedName"], r.MissingFacts);
        Assert.Equal(ItemOutcome.Conditional, r.Item("B2").Outcome);
    }

    [Fact]
    public void B2_ResidentialBuilding_Ineligible()
    {
        var b2 = AssessB(Venue("buildingUse", "mixed-use-residential")).Item("B2");
        Assert.Equal(ItemOutcome.Ineligible, b2.Outcome);
        Assert.Contains(b2.Reasons[0].Values!, v => v.Path == "venue.buildingUse" && v.Value == "mixed-use-residential");
    }

    [Fact]
    public void B2_FirstBasement_Allowed() => Assert.Equal(ItemOutcome.Conditional, AssessB(Venue("lowestFloor", -1)).Item("B2").Outcome);

    [Fact]
    public void B2_SecondBasement_IneligibleButFireCheckUnaffected()
    {
        var r = AssessB(Venue("lowestFloor", -2));
        Assert.Equal("B2-below-first-basement", r.Item("B2").Reasons.Single().RuleId);
        Assert.Equal(ItemOutcome.Conditional, r.Item("B3").Outcome);
        Assert.Null(r.Material("location-map"));
    }

    [Fact]
    public void B2_Exactly200mFromSchool_Allowed() => Assert.Equal(ItemOutcome.Conditional, AssessB(Venue("distanceToNearestSchoolM", 200)).Item("B2").Outcome);

    [Fact]
    public void B2_199mFromSchool_IneligibleNamingDistanceAndMinimum()
    {
        var b2 = AssessB(Venue("distanceToNearestSchoolM", 199)).Item("B2");
        Assert.Equal(ItemOutcome.Ineligible, b2.Outcome);
        Assert.Contains("199 m", b2.Reasons[0].Message.En);
        Assert.Contains("199米", b2.Reasons[0].Message.Zh);
        Assert.Contains(b2.Reasons[0].Values!, v => v.Path == "param.minDistanceToSchoolM" && v.Value == "200");
    }

    [Fact]
    public void B2_SchoolDistanceParameterRaisedFrom2027_DatedValueApplies()
    {
        var rules = WithRules("entertainment-venue", t => t.Replace(
            "minDistanceToSchoolM: [{ from: 2025-01-01, value: 200 }]",
            "minDistanceToSchoolM: [{ from: 2025-01-01, value: 200 }, { from: 2027-01-01, value: 300 }]"));
        var f = Facts(Venue("distanceToNearestSchoolM", 250));
        Assert.Equal(ItemOutcome.Conditional, rules.Assess(f, new DateOnly(2026, 12, 31)).Item("B2").Outcome);
        Assert.Equal(ItemOutcome.Ineligible, rules.Assess(f, new DateOnly(2027, 1, 1)).Item("B2").Outcome);
    }

    [Fact]
    public void B2_AdjacentToHazardousChemicals_Ineligible() =>
        Assert.Equal(ItemOutcome.Ineligible, AssessB(Venue("adjacentToHazardousChemicalsStore", true)).Item("B2").Outcome);

    [Fact]
    public void B2_NoDeclaration_Ineligible()
    {
        var f = CompanyB();
        f.Obj("declarations")["noDisqualifyingRecord"] = false;
        var r = AssessB(f);
        Assert.Equal("B2-no-declaration", r.Item("B2").Reasons.Single().RuleId);
    }

    [Fact]
    public void B2_DisqualifiedPersonInSharedData_IneligibleWithConflictNote()
    {
        var b2 = AssessB(CompanyB(), new Dictionary<string, object?> { ["shared.disqualified.anyListed"] = true }).Item("B2");
        Assert.Equal(ItemOutcome.Ineligible, b2.Outcome);
        Assert.Contains(b2.Reasons, x => x.RuleId == "B2-disqualified-person");
        Assert.Contains(b2.Reasons, x => x.RuleId == "B2-declaration-conflict" && x.Kind == "note");
    }

    [Fact]
    public void B2_SongAndDanceRoomOf9m2_Ineligible() =>
        Assert.Equal(ItemOutcome.Ineligible, AssessB(Venue("smallestRoomAreaM2", 9)).Item("B2").Outcome);

    [Fact]
    public void B2_SongAndDanceRoomOf10m2_Allowed() =>
        Assert.Equal(ItemOutcome.Conditional, AssessB(Venue("smallestRoomAreaM2", 10)).Item("B2").Outcome);

    [Fact]
    public void B2_AmusementGamesWithSmallRooms_RoomRuleDoesNotApply()
    {
        var f = Venue("kind", "amusement-games");
        f.Obj("venue")["smallestRoomAreaM2"] = 5;
        Assert.Equal(ItemOutcome.Conditional, AssessB(f).Item("B2").Outcome);
    }

    [Fact]
    public void B2_SongAndDanceRoomAreaMissing_NeedsInformation()
    {
        var f = CompanyB();
        f.Obj("venue").Remove("smallestRoomAreaM2");
        var r = AssessB(f);
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("B2").Outcome);
        Assert.Contains("venue.smallestRoomAreaM2", r.MissingFacts);
    }

    [Fact]
    public void B2_SeveralBars_EveryFailedConditionListed()
    {
        var f = Venue("lowestFloor", -3);
        f.Obj("venue")["distanceToNearestSchoolM"] = 50;
        var reasons = AssessB(f).Item("B2").Reasons.Select(x => x.RuleId).ToList();
        Assert.Equal(["B2-below-first-basement", "B2-near-school"], reasons);
    }

    [Fact]
    public void B3_FirePathMissing_NeedsInformation()
    {
        var f = CompanyB();
        f.Remove("fire");
        var r = AssessB(f);
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("B3").Outcome);
        Assert.Equal(["fire.path"], r.MissingFacts);
        Assert.Null(r.Material("fire-commitment"));
    }

    [Fact]
    public void B3_InspectionPath_NoCommitmentMaterial()
    {
        var f = CompanyB();
        f.Obj("fire")["path"] = "inspection";
        var r = AssessB(f);
        Assert.Equal(ItemOutcome.Conditional, r.Item("B3").Outcome);
        Assert.Null(r.Material("fire-commitment"));
        Assert.Equal(["B3"], r.Material("fire-safety-rules")!.RequiredFor);
    }

    [Fact]
    public void B3_CommitmentPath_CommitmentSignedInsideTheForm()
    {
        var m = AssessB(CompanyB()).Material("fire-commitment")!;
        Assert.Equal(("waived", "one-form"), (m.Status, m.WaivedBy));
    }

    [Fact]
    public void Materials_ArticlesOnlyForLlcAndPartnership()
    {
        Assert.NotNull(AssessB(CompanyB()).Material("articles-of-association"));
        var f = CompanyB();
        f.Obj("enterprise")["type"] = "sole-proprietorship";
        Assert.Null(AssessB(f).Material("articles-of-association"));
    }

    [Fact]
    public void Materials_RegistryConfirmations_WaiveIdsAndOwnedPremises()
    {
        var shared = new Dictionary<string, object?>
        {
            ["shared.population.legalRepConfirmed"] = true, ["shared.population.allInvestorsConfirmed"] = true,
            ["shared.realEstate.ownershipConfirmed"] = true,
        };
        var owned = Venue("premises", "owned");
        var r = AssessB(owned, shared);
        Assert.Equal("shared:population-registry", r.Material("legal-rep-id")!.WaivedBy);
        Assert.Equal("shared:population-registry", r.Material("investor-ids")!.WaivedBy);
        Assert.Equal("shared:real-estate-registry", r.Material("premises-proof")!.WaivedBy);
        Assert.Equal("required", AssessB(CompanyB(), shared).Material("premises-proof")!.Status);
    }

    [Fact]
    public void Materials_IdentityVerified_LegalRepIdWaived()
    {
        var f = CompanyB();
        f["evidence"] = new JsonObject { ["identityVerified"] = true };
        Assert.Equal("identity-verified", AssessB(f).Material("legal-rep-id")!.WaivedBy);
    }
}
